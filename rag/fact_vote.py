"""The learned fact fallback's vote (``rag.fact_model``): the views of a text and the
nearest-neighbour vote of each view, the same in calibration and at run time."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Views of a question: the whole, and windows of WINDOW words every STRIDE words.
WINDOW = 4
STRIDE = 2

Span = tuple[int, int]


def views(text: str) -> list[Span]:
    """The spans a text is seen in: the whole (stripped), then windows of ``WINDOW`` words."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if not words:
        return []
    spans = [(words[0][0], words[-1][1])]
    if len(words) > WINDOW:
        starts = list(range(0, len(words) - WINDOW + 1, STRIDE))
        if starts[-1] != len(words) - WINDOW:
            starts.append(len(words) - WINDOW)
        spans += [(words[s][0], words[s + WINDOW - 1][1]) for s in starts]
    return spans


@dataclass(frozen=True)
class Classes:
    """One fact's labels as class numbers; class 0 is "states nothing of the fact"."""

    codes: NDArray[np.int64]
    values: tuple[Any, ...]  # values[0] is None

    @classmethod
    def of(cls, labels: Sequence[Any]) -> Classes:
        values: list[Any] = [None]
        for label in labels:
            if label not in values:
                values.append(label)
        return cls(np.array([values.index(x) for x in labels], np.int64), tuple(values))


@dataclass(frozen=True)
class Votes:
    """Per view: the winning class, its share of the weight, the voters (nearest first)."""

    winner: NDArray[np.int64]
    confidence: NDArray[np.float64]
    top: NDArray[np.int64]


def vote(sims: NDArray[np.float32], classes: Classes, k: int, temperature: float) -> Votes:
    """Each row's similarity-weighted vote of its ``k`` nearest texts (a tie goes to class 0)."""
    k = min(k, sims.shape[1])
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    near = np.take_along_axis(sims, top, axis=1)
    order = np.argsort(-near, axis=1, kind="stable")
    top, near = np.take_along_axis(top, order, 1), np.take_along_axis(near, order, 1)
    weights = np.exp((near - near[:, :1]) / temperature)
    voted = classes.codes[top]
    scores = np.stack([(weights * (voted == c)).sum(1) for c in range(len(classes.values))], 1)
    return Votes(scores.argmax(1), scores.max(1) / weights.sum(1), top)


def best_view(votes: Votes, rows: Sequence[int]) -> int | None:
    """Of a text's views (``rows``), the one most confident of some value; None if none is."""
    stated = [r for r in rows if votes.winner[r] != 0]
    return max(stated, key=lambda r: float(votes.confidence[r])) if stated else None
