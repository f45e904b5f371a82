"""The learned fact fallback's calibration (``rag.fact_model``): leave-one-out over the
training texts the fallback would be asked about, a threshold per value that keeps the
precision target, and the vote's (k, temperature) from a small grid."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from rag.fact_examples import TrainingSet
from rag.fact_vote import Classes, best_view, vote

#: (neighbours that vote, temperature of their weights): the pair whose leave-one-out readings
#: are right most often at the precision target is chosen at load (e5's similarities between
#: phrasings of one domain lie within a few hundredths of each other).
GRID = tuple((k, t) for k in (5, 7, 11) for t in (0.01, 0.02))
#: The fewest leave-one-out readings a threshold may rest on.
MIN_SUPPORT = 10

Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class FactCalibration:
    """Leave-one-out over the texts the fallback would be asked about: per value, the threshold
    above which its readings keep the precision target (values that cannot are absent); the
    precision of all the readings so accepted, and the share of the texts stating a value
    that were read right."""

    thresholds: dict[str, float]  # JSON-encoded value -> threshold
    precision: float
    coverage: float
    examples: int
    stating: int  # of the examples, those that state some value of the fact

    def threshold(self, value: Any) -> float | None:
        return self.thresholds.get(json.dumps(value))


def threshold_for(said: Sequence[tuple[float, bool]], target: float) -> float | None:
    """The lowest confidence above which the readings (``said``: confidence, right) are right
    at least ``target`` of the time, on at least ``MIN_SUPPORT`` readings; None if none is."""
    ranked = sorted(said, reverse=True)
    best: float | None = None
    right = 0
    for n, (confidence, correct) in enumerate(ranked, start=1):
        right += correct
        ties_follow = n < len(ranked) and ranked[n][0] == confidence
        if not ties_follow and n >= MIN_SUPPORT and right / n >= target:
            best = confidence
    return best


def calibrate_fact(
    said: Sequence[tuple[Any, float, bool]], examples: int, stating: int, target: float
) -> FactCalibration:
    """Thresholds per read value (``said``: value, confidence, right)."""
    by_value: dict[str, list[tuple[float, bool]]] = {}
    for value, confidence, correct in said:
        by_value.setdefault(json.dumps(value), []).append((confidence, correct))
    thresholds = {
        value: found
        for value, group in by_value.items()
        if (found := threshold_for(group, target)) is not None
    }
    kept = [
        correct
        for value, group in by_value.items()
        if value in thresholds
        for confidence, correct in group
        if confidence >= thresholds[value]
    ]
    precision = sum(kept) / len(kept) if kept else 0.0
    return FactCalibration(thresholds, precision, sum(kept) / max(stating, 1), examples, stating)


@dataclass(frozen=True)
class Calibration:
    embedder: str
    examples: str  # hash of the labelled examples
    target: float
    k: int
    temperature: float
    facts: dict[str, FactCalibration]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "facts": {f: asdict(c) for f, c in self.facts.items()}}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Calibration:
        facts = {f: FactCalibration(**c) for f, c in raw["facts"].items()}
        return cls(**{**raw, "facts": facts})


@dataclass(frozen=True)
class Examples:
    """The training texts' vectors and their views' vectors (``owner``: the text of each)."""

    texts: Vectors
    views: Vectors
    owner: NDArray[np.int64]


def calibrate(data: TrainingSet, ex: Examples, embedder: str, target: float) -> Calibration:
    """Per fact, leave-one-out over the texts it would be asked about (a text is left out with
    every text sharing one of its phrasings); (k, temperature) from ``GRID``."""
    sims = ex.views @ ex.texts.T
    made_of = np.zeros((len(data.texts), 1 + max(p for ps in data.parts for p in ps)), np.float32)
    for row, phrasings in enumerate(data.parts):
        made_of[row, list(phrasings)] = 1.0
    sims[(made_of[ex.owner] @ made_of.T) > 0] = -np.inf
    rows_of: dict[int, list[int]] = {}
    for row, text in enumerate(ex.owner.tolist()):
        rows_of.setdefault(text, []).append(row)
    best: Calibration | None = None
    for k, t in GRID:
        facts: dict[str, FactCalibration] = {}
        for fact, labels in data.labels.items():
            classes = Classes.of(labels)
            votes = vote(sims, classes, k, t)
            asked = [i for i, flag in enumerate(data.asked[fact]) if flag]
            said: list[tuple[Any, float, bool]] = []
            for i in asked:
                view = best_view(votes, rows_of[i])
                if view is not None:
                    guess = classes.values[votes.winner[view]]
                    said.append((guess, float(votes.confidence[view]), guess == labels[i]))
            stating = sum(1 for i in asked if labels[i] is not None)
            facts[fact] = calibrate_fact(said, len(asked), stating, target)
        found = Calibration(embedder, data.digest(), target, k, t, facts)
        if best is None or _right(found) > _right(best):
            best = found
    assert best is not None
    return best


def _right(calibration: Calibration) -> float:
    return sum(c.coverage * c.stating for c in calibration.facts.values())
