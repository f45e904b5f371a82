"""A learned fallback for the situation-deciding facts the phrase rules miss.

The phrase rules (``rag.facts``) are precise but only know the phrasings written down. When
they find nothing for a categorical fact that decides the situation, a nearest-neighbour vote
over the vocabulary's own example phrasings (``examples`` and ``paraphrases`` of
``rag/vocabulary/phrases/``) proposes a value with a confidence. The vote is over the question's
query vector, the very one dense retrieval uses (the embedder's query cache serves it to both),
so the fallback costs no second encoder call.

Training data is the vocabulary: every example phrasing is labelled, for each fact, with the
value of the entry it belongs to, or else with what the rules read from it (mostly: nothing, so
it teaches what an unrelated phrasing looks like). More examples in the data make a better
reader; no code changes. A reading is used only above a per-fact threshold calibrated by
leave-one-out over those examples to the precision ``fact_fallback_precision`` (0.95); a fact
whose examples cannot reach it is not read by the model at all. The calibration is computed at
load, keyed by the embedder's name and a hash of the labelled examples; the example vectors are
cached on disk under the same kind of key.

The model never reads what text may not set (consents, identity): ``learned_facts`` takes only
facts that text may set, and ``rag.fact_sources`` applies the same source rules to its readings
as to the rules'. It reads nothing from a question that tries to override the instructions, and
never a fact the console already holds (the console stands).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ingest.embedder import Embedder
from policy_guard.facts import CaseFacts
from rag.fact_fields import FactFields, fact_fields
from rag.facts import QuestionFacts, read_question
from rag.readings import FactReading, Origin
from rag.vocabulary import Vocabulary, vocabulary

log = logging.getLogger(__name__)

#: (neighbours that vote, temperature of their weights over the cosine similarities): the pair
#: whose leave-one-out readings cover the most examples at the precision target is chosen at
#: load (e5's similarities between phrasings of one domain lie within a few hundredths).
GRID = tuple((k, t) for k in (3, 5, 7, 11) for t in (0.01, 0.02, 0.04))
#: The fewest leave-one-out readings a threshold may rest on.
MIN_SUPPORT = 5
#: Example phrasings quoted in a reading's provenance.
QUOTED = 3
#: Bumped when the vote or the labelling changes, so that cached calibrations are not reused.
VERSION = 1
_BATCH = 32

Vectors = NDArray[np.float32]


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
    """The vocabulary's phrasings and, per fact, each one's label (a value, or None) and whether
    the fallback would be asked about it (the rules read nothing of the fact from it)."""

    texts: tuple[str, ...]
    labels: dict[str, tuple[Any, ...]]
    asked: dict[str, tuple[bool, ...]]

    def digest(self) -> str:
        raw = json.dumps([self.texts, self.labels], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def training_set(vocab: Vocabulary | None = None, facts: Sequence[str] = ()) -> TrainingSet:
    """Every phrasing of the vocabulary, labelled per fact: an example or paraphrase of a fact
    entry states that entry's value; any other phrasing states what the rules read from it."""
    vocab = vocab or vocabulary()
    facts = tuple(facts) or learned_facts()
    order: dict[str, None] = {}
    own: dict[str, dict[str, Any]] = {}
    for entry in vocab.entries:
        for text in (*entry.examples, *entry.paraphrases, *entry.negated, *entry.not_examples):
            order.setdefault(text, None)
        if entry.kind == "fact":
            for text in (*entry.examples, *entry.paraphrases):
                own.setdefault(text, {}).setdefault(entry.fact, entry.value)
    texts = tuple(order)
    labels: dict[str, list[Any]] = {fact: [] for fact in facts}
    asked: dict[str, list[bool]] = {fact: [] for fact in facts}
    for text in texts:
        read = read_question(text)
        for fact in facts:
            stated = own.get(text, {})
            ruled = getattr(read.facts, fact)
            labels[fact].append(stated.get(fact, ruled))
            asked[fact].append(ruled is None and fact not in read.negated)
    return TrainingSet(
        texts,
        {fact: tuple(values) for fact, values in labels.items()},
        {fact: tuple(flags) for fact, flags in asked.items()},
    )


@dataclass(frozen=True)
class Vote:
    value: Any  # None: the phrasing states nothing of the fact
    confidence: float
    neighbours: tuple[int, ...]  # indices of the winning value's voters, nearest first


def vote(sims: NDArray[np.float32], labels: Sequence[Any], k: int, temperature: float) -> Vote:
    """The similarity-weighted vote of the ``k`` nearest phrasings."""
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.argsort(-sims[top], kind="stable")]
    weights = np.exp((sims[top] - sims[top[0]]) / temperature)
    scores: dict[Any, float] = {}
    for index, weight in zip(top, weights, strict=True):
        scores[labels[index]] = scores.get(labels[index], 0.0) + float(weight)
    winner = max(scores, key=lambda value: scores[value])
    voters = tuple(int(i) for i in top if labels[i] == winner)
    return Vote(winner, scores[winner] / float(weights.sum()), voters)


@dataclass(frozen=True)
class FactCalibration:
    """Leave-one-out over the examples the fallback would be asked about: the threshold that
    keeps the precision target, the precision reached and the share of the stating examples
    read right above it."""

    threshold: float | None  # None: the target is out of reach, the model does not read it
    precision: float
    coverage: float
    examples: int
    stating: int  # examples that state some value of the fact


@dataclass(frozen=True)
class Calibration:
    embedder: str
    examples: str  # hash of the labelled examples
    target: float
    k: int
    temperature: float
    facts: dict[str, FactCalibration]

    def as_dict(self) -> dict[str, Any]:
        return {
            "embedder": self.embedder,
            "examples": self.examples,
            "target": self.target,
            "k": self.k,
            "temperature": self.temperature,
            "facts": {name: vars(cal) for name, cal in self.facts.items()},
        }


def leave_one_out(
    sims: NDArray[np.float32], labels: Sequence[Any], rows: Sequence[int], k: int, t: float
) -> list[Vote]:
    """The vote on each of ``rows`` by all the other examples (``sims``: the examples'
    similarity matrix with an infinitely low diagonal)."""
    return [vote(sims[i], labels, k, t) for i in rows]


def calibrate_fact(votes: Sequence[Vote], labels: Sequence[Any], target: float) -> FactCalibration:
    """The lowest confidence above which the stated readings are right at least ``target`` of
    the time, on at least ``MIN_SUPPORT`` readings."""
    stating = sum(1 for label in labels if label is not None)
    said = sorted(
        ((v.confidence, v.value == labels[i]) for i, v in enumerate(votes) if v.value is not None),
        reverse=True,
    )
    best: FactCalibration | None = None
    right = 0
    for n, (confidence, correct) in enumerate(said, start=1):
        right += correct
        ties_follow = n < len(said) and said[n][0] == confidence
        if ties_follow or n < MIN_SUPPORT or right / n < target:
            continue
        best = FactCalibration(confidence, right / n, right / max(stating, 1), len(labels), stating)
    return best or FactCalibration(None, 0.0, 0.0, len(labels), stating)


def calibrate(data: TrainingSet, vectors: Vectors, embedder: str, target: float) -> Calibration:
    """Per fact, leave-one-out over the examples it would be asked about; the vote's (k,
    temperature) from ``GRID``, the pair reading the most examples right at the target."""
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    best: Calibration | None = None
    for k, t in GRID:
        facts: dict[str, FactCalibration] = {}
        for fact, labels in data.labels.items():
            rows = [i for i, asked in enumerate(data.asked[fact]) if asked]
            votes = leave_one_out(sims, labels, rows, k, t)
            facts[fact] = calibrate_fact(votes, [labels[i] for i in rows], target)
        found = Calibration(embedder, data.digest(), target, k, t, facts)
        if best is None or _right(found) > _right(best):
            best = found
    assert best is not None
    return best


def _right(calibration: Calibration) -> float:
    return sum(c.coverage * c.stating for c in calibration.facts.values())


_CLAUSE = re.compile(r"[^,.!?;\n]+")


def _bigrams(text: str) -> set[str]:
    squeezed = "".join(text.lower().split())
    return {squeezed[i : i + 2] for i in range(len(squeezed) - 1)}


def best_clause(question: str, neighbours: Iterable[str]) -> tuple[int, int]:
    """The question's clause that shares the most character pairs with the neighbours (the
    whole question when it is one clause)."""
    near = set().union(*(_bigrams(text) for text in neighbours))
    clauses = [m for m in _CLAUSE.finditer(question) if m.group().strip()]
    if len(clauses) < 2:
        stripped = question.strip()
        start = question.find(stripped) if stripped else 0
        return start, start + len(stripped)
    best = max(clauses, key=lambda m: len(_bigrams(m.group()) & near) / (1 + len(m.group())))
    lead = len(best.group()) - len(best.group().lstrip())
    return best.start() + lead, best.start() + len(best.group().rstrip())


class FactModel:
    """The fallback reader over one embedder: ``read(question, facts)`` → readings."""

    def __init__(
        self, embedder: Embedder, data: TrainingSet, vectors: Vectors, calibration: Calibration
    ) -> None:
        self.embedder = embedder
        self.data = data
        self.vectors = vectors
        self.calibration = calibration

    def facts(self) -> tuple[str, ...]:
        """The facts it reads: those whose calibration found a threshold."""
        return tuple(f for f, c in self.calibration.facts.items() if c.threshold is not None)

    def read(
        self, question: str, facts: Iterable[str], origin: Origin = "question"
    ) -> list[FactReading]:
        """Readings of ``facts`` from the question above their thresholds."""
        wanted = [f for f in facts if f in self.facts()]
        if not wanted or not question.strip():
            return []
        query = self.embedder.embed_queries([question])[0]
        sims = self.vectors @ query
        out: list[FactReading] = []
        for fact in wanted:
            threshold = self.calibration.facts[fact].threshold
            found = vote(
                sims, self.data.labels[fact], self.calibration.k, self.calibration.temperature
            )
            if found.value is None or threshold is None or found.confidence < threshold:
                continue
            quoted = tuple(self.data.texts[i] for i in found.neighbours[:QUOTED])
            out.append(
                FactReading(
                    fact=fact,
                    value=found.value,
                    origin=origin,
                    method="model",
                    span=best_clause(question, quoted),
                    confidence=round(min(found.confidence, 1.0), 4),
                    neighbours=quoted,
                )
            )
        return out

    def fill(
        self,
        question: str,
        read: QuestionFacts,
        case: CaseFacts | None = None,
        only: Collection[str] | None = None,
    ) -> list[FactReading]:
        """Readings for the learned facts the rules left unknown (of ``only``, when given): not
        under an instruction override, not for a fact the question negates or the console
        holds (it stands), and not the reason when the question says it is withheld."""
        if read.injection:
            return []
        console = case.model_dump(exclude_none=True) if case is not None else {}
        missing = [
            fact
            for fact in self.facts()
            if (only is None or fact in only)
            and getattr(read.facts, fact) is None
            and fact not in read.negated
            and fact not in console
            and not (fact == "reason" and read.reason_withheld)
        ]
        return self.read(question, missing) if missing else []


def _cache_file(cache_dir: Path, embedder: Embedder, data: TrainingSet) -> Path:
    raw = "\n".join((str(VERSION), embedder.name, *data.texts))
    return cache_dir / f"vectors-{hashlib.sha256(raw.encode()).hexdigest()[:20]}.npy"


def _example_vectors(embedder: Embedder, data: TrainingSet, cache_dir: Path | None) -> Vectors:
    """The examples' query vectors, from the disk cache or embedded once (then stored)."""
    path = _cache_file(cache_dir, embedder, data) if cache_dir is not None else None
    if path is not None and path.exists():
        cached = np.load(path)
        if cached.shape == (len(data.texts), embedder.dim):
            return np.ascontiguousarray(cached, dtype=np.float32)
    texts = list(data.texts)
    parts = [embedder.embed_queries(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
    vectors = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npy", delete=False) as f:
                np.save(f, vectors)
            os.replace(f.name, path)
        except OSError as exc:  # a read-only data dir only costs the next start its encoding
            log.warning("fact model vectors not cached: %s", type(exc).__name__)
    return vectors


_MODELS: dict[tuple[int, str, float], FactModel] = {}
_LOCK = threading.Lock()


def load_fact_model(
    embedder: Embedder, cache_dir: Path | None = None, target: float = 0.95
) -> FactModel:
    """The fallback over ``embedder`` (once per process), calibrated at load; the calibration
    is also written beside the cached vectors for operators to read."""
    data = training_set()
    key = (id(embedder), data.digest(), target)
    with _LOCK:
        if key in _MODELS:
            return _MODELS[key]
        vectors = _example_vectors(embedder, data, cache_dir)
        calibration = calibrate(data, vectors, embedder.name, target)
        if cache_dir is not None:
            named = hashlib.sha256(embedder.name.encode()).hexdigest()[:8]
            report = cache_dir / f"calibration-{named}-{data.digest()}.json"
            with contextlib.suppress(OSError):  # only a report: a read-only dir is fine
                report.write_text(json.dumps(calibration.as_dict(), ensure_ascii=False, indent=1))
        log.info(
            "fact model examples=%d facts=%s",
            len(data.texts),
            {f: c.threshold for f, c in calibration.facts.items()},
        )
        model = FactModel(embedder, data, vectors, calibration)
        _MODELS[key] = model
        return model
