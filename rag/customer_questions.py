"""Ask before refusing: when an unknown fact the customer can answer would change the reply,
and the playbook has its own question to the customer for it ("기사님 개인정보가 필요하신
사유를 말씀할 수 있으실까요?"), that question is the reply to send and the script for the
unknown fact (the restrictive one) is the alternative.

The question is found in the playbook, not written here: a situation whose customer script
opens with a question sentence naming the fact (``kind: question`` entries of the vocabulary),
whose conditions do not contradict the facts. A situation on the chosen one's heading path is
preferred (the question the playbook puts before the answers). Facts only the agent can look
up (ride status, ride date) have no such entry: they stay in ``ask``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from rag.script import customer_script
from rag.selection import disclosure_rules, fit_conditions
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
