"""Ask before refusing: when an unknown fact the customer can answer would change the reply,
and the playbook has its own question to the customer for it ("기사님 개인정보가 필요하신
사유를 말씀할 수 있으실까요?"), that question goes into the reply. The playbook shows the
order (펫 A2: the question, then the 기본안내 refusal), so by default (setting
``ask_before_refusing``: ``combined``) the reply is the question followed by the script for the
unknown fact (the restrictive one); ``question`` sends the question alone; ``off`` neither.
The script alone is the alternative.

The question is found in the playbook, not written here: a situation whose customer script
opens with a question sentence naming the fact (``kind: question`` entries of the vocabulary),
whose conditions do not contradict the facts. A situation on the chosen one's heading path is
preferred (the question the playbook puts before the answers). Facts only the agent can look
up (ride status, ride date) have no such entry: they stay in ``ask``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from rag.condition_fit import disclosure_rules, fit_conditions
from rag.script import customer_script
from rag.vocabulary import vocabulary

#: A sentence of a script: up to its end mark.
_SENTENCE = re.compile(r"[^.?!\n]*[.?!]|[^.?!\n]+$")


@dataclass(frozen=True)
class CustomerQuestion:
    fact: str
    text: str  # the question sentence, as the playbook writes it
    chunk: Chunk  # the situation it is the script of


def customer_facts() -> frozenset[str]:
    """Facts the customer can answer (those with a ``question`` entry)."""
    return frozenset(e.fact for e in vocabulary().entries if e.kind == "question")


def leading_question(chunk: Chunk) -> str | None:
    """The chunk's customer script's first sentence, when it is a question."""
    for m in _SENTENCE.finditer(customer_script(chunk)):
        sentence = m.group(0).strip()
        if sentence:
            return sentence if sentence.endswith("?") else None
    return None


def _on_path(candidate: Chunk, chosen: Chunk | None) -> bool:
    if chosen is None or candidate.source != chosen.source:
        return False
    return chosen.section == candidate.section or chosen.section.startswith(
        candidate.section + " > "
    )


def find_question(
    fact: str, situations: Sequence[Chunk], facts: CaseFacts, chosen: Chunk | None
) -> CustomerQuestion | None:
    """The playbook's question to the customer about ``fact``, if it has one that fits."""
    entries = [e for e in vocabulary().of(fact, "question")]
    if not entries:
        return None
    found: list[tuple[bool, int, CustomerQuestion]] = []
    for chunk in situations:
        sentence = leading_question(chunk)
        if sentence is None or disclosure_rules(chunk):
            continue
        if not any(e.compiled.search(sentence) for e in entries):
            continue
        if fit_conditions(chunk.conditions, facts).conflicts:
            continue
        found.append(
            (not _on_path(chunk, chosen), chunk.index, CustomerQuestion(fact, sentence, chunk))
        )
    if not found:
        return None
    return min(found, key=lambda item: (item[0], item[1]))[2]


AskMode = Literal["off", "combined", "question"]


def question_to_ask(
    wanted: Sequence[str],
    situations: Sequence[Chunk],
    facts: CaseFacts,
    chosen: Chunk | None,
    settled: Collection[str] = (),
) -> CustomerQuestion | None:
    """The playbook's question for the first fact in ``wanted`` (the unknown facts that would
    change the reply, in asking order) the customer can answer. ``settled`` names facts not to
    ask again: the customer declined to say, or was already asked."""
    answerable = customer_facts()
    for name in wanted:
        if name not in answerable or name in settled:
            continue
        found = find_question(name, situations, facts, chosen)
        if found is not None:
            return found
    return None


def with_question(mode: AskMode, question: str, script: str) -> tuple[str, str | None]:
    """(reply, alternative) once a question is to be asked: the question before the script,
    or alone; the script alone is the alternative."""
    if mode == "off" or not question:
        return script, None
    if mode == "question" or not script:
        return question, script
    return f"{question}\n\n{script}", script
