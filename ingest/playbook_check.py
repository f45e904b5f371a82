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
from ingest.conditions import ALT_RECIPIENT_PHRASES, PERSISTENT_PHRASES, read_requests
from ingest.counsel import CounselType
from ingest.heading_words import unknown_words
from ingest.open_conditions import read_open_conditions
from ingest.vocabulary import Vocabulary, load_vocabulary

Level = Literal["error", "warning"]

#: A bracket that asks for something: "[… 요구]", "[… 요청 시]".
_ASKS = re.compile(r"\[([^\[\]]*?)\s*(?:요구|요청|신청)(?:\s*시)?\s*\]")
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
    #: Pairs told apart only by open conditions: (section, section, the conditions that differ).
    open_told_apart: list[tuple[str, str, str]] = Field(default_factory=list)
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def _stated(chunk: Chunk) -> dict[str, Any]:
    return {k: v for k, v in chunk.conditions.model_dump().items() if v not in (None, [], False)}


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
        # Words kept as open conditions carry a condition: not reported as not understood.
        opened = read_open_conditions(heading, vocab) if heading != title else []
        segments = " ".join(c.text for c in opened)
        words = [w for w in unknown_words(heading, vocab) if w not in segments]
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
    pairs, told_apart = _indistinguishable(situations)
    for a, b in pairs:
        problems.append(
            Problem(
                level="error",
                code="indistinguishable",
                section=b,
                message=f"no condition tells it apart from: {a}",
            )
        )
    for a, b, differ in told_apart:
        problems.append(
            Problem(
                level="warning",
                code="open_condition",
                section=b,
                message=f"told apart from {a} only by open conditions: {differ} "
                "(read from the headings, matched against the question's words)",
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
        open_told_apart=told_apart,
        problems=problems,
    )


def _open_label(condition: dict[str, Any]) -> str:
    return f"{condition['text'] or ' '.join(condition['words'])} ({condition['polarity']})"


def _indistinguishable(
    situations: Iterable[Situation],
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Pairs no condition tells apart, and pairs only open conditions tell apart (with the
    open conditions that differ)."""
    pairs: list[tuple[str, str]] = []
    told_apart: list[tuple[str, str, str]] = []
    for a, b in combinations(situations, 2):
        known_a = {k: v for k, v in a.conditions.items() if k != "open"}
        known_b = {k: v for k, v in b.conditions.items() if k != "open"}
        if a.section == b.section or known_a != known_b:
            continue
        if _steps_of_one_sequence(a.section, b.section):
            continue
        keys_a = {(tuple(c["words"]), c["polarity"]): c for c in a.conditions.get("open", [])}
        keys_b = {(tuple(c["words"]), c["polarity"]): c for c in b.conditions.get("open", [])}
        only_a = [keys_a[k] for k in keys_a.keys() - keys_b.keys()]
        only_b = [keys_b[k] for k in keys_b.keys() - keys_a.keys()]
        if not only_a and not only_b:
            pairs.append((a.section, b.section))
        elif a.section.rsplit(" > ", 1)[0] == b.section.rsplit(" > ", 1)[0]:
            # Reported for siblings (one parent): situations of other branches differ by the
            # open conditions of their own headings as well.
            told_apart.append(
                (
                    a.section,
                    b.section,
                    f"{' / '.join(map(_open_label, only_a)) or '-'} vs "
                    f"{' / '.join(map(_open_label, only_b)) or '-'}",
                )
            )
    return pairs, told_apart
