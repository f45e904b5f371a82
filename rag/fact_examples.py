"""The learned fallback's training data (``rag.fact_model``), all from the vocabulary.

Every phrasing of ``rag/vocabulary/phrases/`` (examples, paraphrases, negated forms,
not-examples) is labelled per learned fact: an example or paraphrase of a fact entry states that
entry's value; any other phrasing states what the phrase rules read from it (mostly nothing, so
it teaches what an unrelated phrasing looks like).

Agents' questions run several statements together ("펫 어제 운행완료, 지갑 두고 내렸대요, 기사
번호"), while the examples state one thing each. So each phrasing that states a fact is also
joined with phrasings of other facts (chosen by a hash, so the set is the same on every load)
into longer questions, labelled the same way. A text remembers the phrasings it is made of
(``parts``): leave-one-out calibration leaves out every text that shares one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.fact_fields import FactFields, fact_fields
from rag.facts import read_question
from rag.vocabulary import Vocabulary, vocabulary

#: Longer questions made per phrasing that states a fact.
JOINS = 2


def learned_facts(fields: FactFields | None = None) -> tuple[str, ...]:
    """The facts the fallback may read: categorical (an enum of a closed set, or yes/no),
    settable by text, and deciding the situation (the agent is asked for them when unknown)."""
    fields = fields or fact_fields()
    return tuple(
        name
        for name, entry in fields.facts.items()
        if entry.kind in ("enum", "bool")
        and not entry.open
        and "question" in entry.set_by
        and entry.ask is not None
    )


@dataclass(frozen=True)
class TrainingSet:
    """Texts and, per fact, each one's label (a value, or None) and whether the fallback would
    be asked about it (the rules read nothing of the fact from it, not even a negated mention);
    ``parts``: the vocabulary phrasings each text is made of."""

    texts: tuple[str, ...]
    labels: dict[str, tuple[Any, ...]]
    asked: dict[str, tuple[bool, ...]]
    parts: tuple[tuple[int, ...], ...]

    def digest(self) -> str:
        raw = json.dumps([self.texts, self.labels, self.parts], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _pick(key: str, pool: Sequence[int]) -> int:
    return pool[int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % len(pool)]


def training_set(vocab: Vocabulary | None = None, facts: Sequence[str] = ()) -> TrainingSet:
    """The vocabulary's phrasings and the longer questions joined from them, labelled."""
    vocab = vocab or vocabulary()
    facts = tuple(facts) or learned_facts()
    order: dict[str, None] = {}
    own: dict[str, dict[str, Any]] = {}  # phrasing -> {fact: value} of the entries it belongs to
    for entry in vocab.entries:
        for text in (*entry.examples, *entry.paraphrases, *entry.negated, *entry.not_examples):
            order.setdefault(text, None)
        if entry.kind == "fact":
            for text in (*entry.examples, *entry.paraphrases):
                own.setdefault(text, {}).setdefault(entry.fact, entry.value)
    base = list(order)
    texts: list[str] = list(base)
    parts: list[tuple[int, ...]] = [(i,) for i in range(len(base))]
    seen = set(texts)
    for fact in facts:
        stating = [i for i, t in enumerate(base) if fact in own.get(t, {})]
        # Statements of the other facts, which say nothing of this one.
        context = [
            i for i, t in enumerate(base) if own.get(t) and fact not in own[t] and i not in stating
        ]
        for i in stating:
            for j in range(JOINS):
                c = _pick(f"{fact}|{base[i]}|{j}", context)
                text = f"{base[c]}, {base[i]}" if j % 2 == 0 else f"{base[i]} {base[c]}"
                if text not in seen:
                    seen.add(text)
                    texts.append(text)
                    parts.append((i, c))
    labels: dict[str, list[Any]] = {fact: [] for fact in facts}
    asked: dict[str, list[bool]] = {fact: [] for fact in facts}
    for text, made_of in zip(texts, parts, strict=True):
        read = read_question(text)
        for fact in facts:
            stated = [own[base[p]][fact] for p in made_of if fact in own.get(base[p], {})]
            ruled = getattr(read.facts, fact)
            labels[fact].append(stated[0] if stated else ruled)
            asked[fact].append(ruled is None and fact not in read.negated)
    return TrainingSet(
        tuple(texts),
        {fact: tuple(values) for fact, values in labels.items()},
        {fact: tuple(flags) for fact, flags in asked.items()},
        tuple(parts),
    )


@functools.cache
def shipped_training_set() -> TrainingSet:
    """The training set of the shipped vocabulary, built once per process (reading every
    phrasing with the rules takes seconds)."""
    return training_set()
