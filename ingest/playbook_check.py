"""What the system reads from a playbook, for the people who write them (``agent-assist kb
check``, and the warnings of ingest): per situation its heading path, the conditions read, the
customer script and its placeholders with the guard rule deciding each; heading words the
vocabulary does not know; situations that no condition tells apart.

Errors (the playbook would be answered wrongly): two situations indistinguishable, a heading
that asks for something the vocabulary does not know, a placeholder no slot or rule governs.
Warnings: heading words not understood, a script asking for personal data with no collection
consent notice, a script giving a value whose rule's windows are another service's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any, Literal

from pydantic import BaseModel, Field

from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from ingest.conditions import (
    ALT_RECIPIENT_PHRASES,
    CHANNEL_PHRASES,
    FALLBACK_PHRASES,
    HISTORY_UNAVAILABLE,
    IDENTITY_PHRASES,
    PERSISTENT_PHRASES,
    STATUS_PHRASES,
    WITHDRAWN_PHRASES,
    read_requests,
)
from ingest.counsel import CounselType
from ingest.headings import ROLE_LABELS
from ingest.vocabulary import Vocabulary, load_vocabulary

Level = Literal["error", "warning"]

#: Heading forms that state a condition without a vocabulary entry: markers, time bounds.
_FORMS = (
    r"^\s*(?:Q|A)\s*\d{1,3}\s*[.):]?",
    r"\[\s*(?:case|케이스)\s*\d{1,3}\s*\]",
    r"^\s*\d{1,2}\s*[.)]",
    r"[\u2460-\u2473\u24eb-\u24f4\u2776-\u2793]",
    r"상태\s*값",
    r"(?:\d{1,4}|일|한)\s*(?:일|주일|주|개월|달|년|시간|분)\s*"
    r"(?:이내|안에|까지|이하|미만|이후|경과|초과|지난|넘은|넘게|이상)",
    r"(?:\d{1,4}|일|한)\s*(?:일|주일|주|개월|달|년|시간|분)(?=\s|$|[~\-/),])",
)
#: A bracket that asks for something: "[… 요구]", "[… 요청 시]".
_ASKS = re.compile(r"\[([^\[\]]*?)\s*(?:요구|요청|신청)(?:\s*시)?\s*\]")
_PARTICLES = re.compile(
    r"(?:으로|에서|에게|께서|까지|부터|이나|은|는|이|가|을|를|의|에|로|와|과|께|도|만|시)$"
)
_QA = re.compile(r"^\s*(?:Q|A)\s*\d{1,3}\s*[.):]?", re.IGNORECASE)
_CONSENT = re.compile(r"수집\s*(?:및\s*이용\s*)?동의")
_ASKING = re.compile(
    r"말씀\s*(?:해\s*)?(?:부탁|주)|알려\s*주|확인\s*부탁|입력\s*(?:해|부탁)|보내\s*주"
)
_PLACEHOLDER = re.compile(r"[O○◯0]{2,}(?:[\s\-./가-힣]{0,2}[O○◯0]{2,})*")


class Slot(BaseModel):
    text: str  # the placeholder as written
    slot: str | None  # the vocabulary slot it is, or None
    rule: str | None  # the guard rule deciding the value


class Situation(BaseModel):
    chunk_id: str
    section: str
    conditions: dict[str, Any]  # what is stated (unstated conditions left out)
    script: str
    slots: list[Slot] = Field(default_factory=list)


class CounselTypeRead(BaseModel):
    """A Q's 상담유형 block as read: where it is and its options."""

    section: str
    counsel_type: CounselType


class Problem(BaseModel):
    level: Level
    code: str  # indistinguishable | unknown_request | slot_without_rule | unknown_terms | …
    section: str
    message: str


class PlaybookReport(BaseModel):
    source: str
    title: str
    services: list[str]
    situations: list[Situation]
    counsel_types: list[CounselTypeRead] = Field(default_factory=list)
    unknown_terms: dict[str, list[str]]  # heading -> words not understood
    indistinguishable: list[tuple[str, str]]  # pairs of sections
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def _stated(chunk: Chunk) -> dict[str, Any]:
    return {k: v for k, v in chunk.conditions.model_dump().items() if v not in (None, [], False)}


def _known_patterns(vocab: Vocabulary) -> list[str]:
    terms = [*vocab.requests, *vocab.reasons, *vocab.services, *vocab.topics, *vocab.personal_data]
    patterns = [p for term in terms for p in term.phrases]
    patterns += [p for p, _ in STATUS_PHRASES] + [p for p, _ in CHANNEL_PHRASES]
    patterns += [p for p, _ in ROLE_LABELS]
    for table in (
        HISTORY_UNAVAILABLE,
        IDENTITY_PHRASES,
        WITHDRAWN_PHRASES,
        ALT_RECIPIENT_PHRASES,
        FALLBACK_PHRASES,
        PERSISTENT_PHRASES,
        _FORMS,
    ):
        patterns += list(table)
    return patterns


def unknown_words(heading: str, vocab: Vocabulary) -> list[str]:
    """Words of a heading that no vocabulary entry, condition phrase or ordinary word covers."""
    text = heading
    for pattern in _known_patterns(vocab):
        text = re.sub(pattern, " ", text)
    ordinary = set(vocab.ordinary_words)
    out: list[str] = []
    for word in re.findall(r"[가-힣A-Za-z]+", text):
        stem = _PARTICLES.sub("", word) if len(word) > 2 else word
        if len(stem) < 2 or word in ordinary or stem in ordinary or stem in out:
            continue
        out.append(stem)
    return out


def _slots(script: str, vocab: Vocabulary) -> list[Slot]:
    found: list[Slot] = []
    for m in _PLACEHOLDER.finditer(script):
        if sum(c in "O○◯0" for c in m.group()) < 3:
            continue
        slot = next(
            (
                s
                for s in vocab.slots
                if any(
                    sm.start() <= m.start() and m.end() <= sm.end()
                    for sm in re.finditer(s.pattern, script)
                )
            ),
            None,
        )
        found.append(
            Slot(text=m.group(), slot=slot.id if slot else None, rule=slot.rule if slot else None)
        )
    return found


def _steps_of_one_sequence(a: str, b: str) -> bool:
    """Two sections that part at circled steps (③ 본인확인, ④ …) or where one is the lead-in
    of the other are steps of one procedure, not alternatives."""
    pa, pb = a.split(" > "), b.split(" > ")
    common = 0
    while common < min(len(pa), len(pb)) and pa[common] == pb[common]:
        common += 1
    if common in (len(pa), len(pb)):
        return True
    circled = re.compile(r"^[\u2460-\u2473]")
    return bool(circled.match(pa[common]) and circled.match(pb[common]))


def _services(text: str, vocab: Vocabulary) -> list[str]:
    counts: Counter[str] = Counter()
    for service in vocab.services:
        counts[service.id] = sum(len(re.findall(p, text)) for p in service.phrases)
    top = max(counts.values(), default=0)
    return [s for s, n in counts.items() if n and n >= 0.34 * top]


def check_playbook(
    source: str,
    text: str,
    vocabulary: Vocabulary | None = None,
    rule_ids: Sequence[str] | None = None,
) -> PlaybookReport:
    """Everything the system reads from one playbook, with its problems."""
    vocab = vocabulary or load_vocabulary()
    from policy_guard.rule_table import load_rules

    table = load_rules()
    if rule_ids is None:
        rule_ids = table.ids
    # Rules whose windows hold for some services only ("the 3/7-day windows are pet's").
    scoped = {r.id: r.allow_services for r in table.rules if r.allow_services}
    services = _services(text, vocab)
    chunks = chunk_document(source, text)
    title = text.lstrip().splitlines()[0].lstrip("# ").strip() if text.strip() else source
    problems: list[Problem] = []
    situations: list[Situation] = []
    for chunk in chunks:
        if chunk.kind != "script":
            continue
        slots = _slots(chunk.script, vocab)
        situations.append(
            Situation(
                chunk_id=chunk.id,
                section=chunk.section,
                conditions=_stated(chunk),
                script=chunk.script,
                slots=slots,
            )
        )
        for slot in slots:
            if slot.slot is None:
                problems.append(
                    Problem(
                        level="error",
                        code="slot_without_rule",
                        section=chunk.section,
                        message=f"placeholder {slot.text!r} is no slot of the vocabulary",
                    )
                )
            elif slot.rule is not None and slot.rule not in rule_ids:
                problems.append(
                    Problem(
                        level="error",
                        code="slot_without_rule",
                        section=chunk.section,
                        message=f"slot {slot.slot} names rule {slot.rule!r}, not in rules.yaml",
                    )
                )
        for rule in dict.fromkeys(slot.rule for slot in slots if slot.rule in scoped):
            allowed = scoped[rule]
            if services and not set(services) & set(allowed):
                problems.append(
                    Problem(
                        level="warning",
                        code="disclosure_out_of_scope",
                        section=chunk.section,
                        message=f"the script gives a value of rule {rule!r}, whose windows "
                        f"hold for {', '.join(allowed)} only: for {', '.join(services)} it is "
                        "sent only as the rule's 'otherwise' allows (policy_guard/rules.yaml "
                        "scopes the rule per service)",
                    )
                )
        asked = [
            t.label for t in vocab.personal_data if t.named_in(chunk.script)
        ] and _ASKING.search(chunk.script)
        if (
            asked
            and not _CONSENT.search(chunk.script)
            and chunk.conditions.collection_consent is None
        ):
            problems.append(
                Problem(
                    level="warning",
                    code="personal_data_without_consent",
                    section=chunk.section,
                    message="the script asks for personal data without a collection consent notice",
                )
            )
    # The headings that lead to a situation (questions in the customer's words excepted).
    paths = [s.section.split(" > ") for s in situations]
    headings = [title, *dict.fromkeys(h for path in paths for h in path if not _QA.match(h))]
    unknown: dict[str, list[str]] = {}
    for heading in headings:
        words = unknown_words(heading, vocab)
        if words:
            unknown[heading] = words
            problems.append(
                Problem(
                    level="warning",
                    code="unknown_terms",
                    section=heading,
                    message=f"words not understood: {', '.join(words)}",
                )
            )
        for m in _ASKS.finditer(heading):
            if not read_requests(m.group(0), vocab) and not any(
                re.search(p, m.group(0)) for p in (*PERSISTENT_PHRASES, *ALT_RECIPIENT_PHRASES)
            ):
                problems.append(
                    Problem(
                        level="error",
                        code="unknown_request",
                        section=heading,
                        message=f"{m.group(0)} asks for something the vocabulary does not know: "
                        "add it to ingest/vocabulary.yaml requests",
                    )
                )
    pairs = _indistinguishable(situations)
    for a, b in pairs:
        problems.append(
            Problem(
                level="error",
                code="indistinguishable",
                section=b,
                message=f"no condition tells it apart from: {a}",
            )
        )
    return PlaybookReport(
        source=source,
        title=title,
        services=services,
        situations=situations,
        counsel_types=[
            CounselTypeRead(section=c.section, counsel_type=c.counsel_type)
            for c in chunks
            if c.counsel_type is not None
        ],
        unknown_terms=unknown,
        indistinguishable=pairs,
        problems=problems,
    )


def _indistinguishable(situations: Iterable[Situation]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for a, b in combinations(situations, 2):
        if a.section == b.section or a.conditions != b.conditions:
            continue
        if _steps_of_one_sequence(a.section, b.section):
            continue
        pairs.append((a.section, b.section))
    return pairs
