"""A learned fallback for the situation-deciding facts the phrase rules miss.

The phrase rules (``rag.facts``) are precise but only know the phrasings written down. When
they find nothing for a categorical fact that decides the situation, a nearest-neighbour vote
over the vocabulary's own phrasings (``rag.fact_examples``) proposes a value with a confidence.

The question is seen whole and in windows of a few words (an agent's question runs several
statements together, and one vector of the whole is dominated by its longest part). All views
are embedded in one call of the query embedder, the question first: its row is the one dense
retrieval uses, served to it from the embedder's query cache. Each view votes among its ``k``
nearest phrasings (weights ``exp(similarity / temperature)``); the view with the most confident
vote for a value speaks for the question.

A reading is used only above a per-fact threshold calibrated by leave-one-out over the training
texts the fallback would be asked about (those the rules read nothing of the fact from), to the
precision ``fact_fallback_precision`` (0.95); a fact whose examples cannot reach it is not read
by the model at all. The same voting runs in calibration and at run time. The calibration is
data computed at load and stored keyed by the embedder's name and a hash of the labelled
examples; the example vectors are cached the same way.

The model never reads what text may not set (consents, identity): ``learned_facts`` takes only
facts that text may set, and ``rag.fact_sources`` applies the same source rules to its readings
as to the rules'. It reads nothing from a question that tries to override the instructions, and
never a fact the console already holds (the console stands).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ingest.embedder import Embedder
from policy_guard.facts import CaseFacts
from rag.fact_calibration import GRID, MIN_SUPPORT, Calibration, Examples, calibrate
from rag.fact_examples import TrainingSet, learned_facts, shipped_training_set
from rag.fact_vote import STRIDE, WINDOW, Classes, best_view, views, vote
from rag.facts import QuestionFacts
from rag.readings import FactReading, Origin

log = logging.getLogger(__name__)

#: Example phrasings quoted in a reading's provenance.
QUOTED = 3
#: Part of every cache key: bumped when the views, the vote or the labelling change.
VERSION = 3
_BATCH = 32

Vectors = NDArray[np.float32]


class FactModel:
    """The fallback reader over one embedder: ``read(question, facts)`` → readings."""

    def __init__(
        self, embedder: Embedder, data: TrainingSet, vectors: Vectors, calibration: Calibration
    ) -> None:
        self.embedder = embedder
        self.data = data
        self.vectors = vectors
        self.calibration = calibration
        self._classes = {fact: Classes.of(labels) for fact, labels in data.labels.items()}

    def facts(self) -> tuple[str, ...]:
        """The facts it reads: learned facts (never one text may not set) whose calibration
        found a threshold."""
        allowed = learned_facts()
        cal = self.calibration.facts
        return tuple(f for f in allowed if f in cal and cal[f].thresholds)

    def read(
        self, question: str, facts: Iterable[str], origin: Origin = "question"
    ) -> list[FactReading]:
        """Readings of ``facts`` from the question, each above its fact's threshold."""
        wanted = [f for f in facts if f in self.facts()]
        spans = views(question)
        if not wanted or not spans:
            return []
        # One encoder call; the whole question's row is retrieval's (the cache keeps it).
        vectors = self.embedder.embed_queries([question, *(question[a:b] for a, b in spans[1:])])
        sims = vectors @ self.vectors.T
        out: list[FactReading] = []
        for fact in wanted:
            classes = self._classes[fact]
            votes = vote(sims, classes, self.calibration.k, self.calibration.temperature)
            row = best_view(votes, range(len(spans)))
            if row is None:
                continue
            winner = votes.winner[row]
            threshold = self.calibration.facts[fact].threshold(classes.values[winner])
            if threshold is None or votes.confidence[row] < threshold:
                continue
            voters = [int(i) for i in votes.top[row] if classes.codes[i] == winner]
            out.append(
                FactReading(
                    fact=fact,
                    value=classes.values[winner],
                    origin=origin,
                    method="model",
                    span=spans[row],
                    confidence=round(min(float(votes.confidence[row]), 1.0), 4),
                    neighbours=tuple(self.data.texts[i] for i in voters[:QUOTED]),
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


def _key(*parts: str) -> str:
    return hashlib.sha256("\n".join((str(VERSION), *parts)).encode()).hexdigest()[:20]


def _embed_examples(embedder: Embedder, data: TrainingSet, cache_dir: Path | None) -> Examples:
    """The training texts' and their views' query vectors: from the disk cache, or embedded
    once and stored."""
    owner = [i for i, text in enumerate(data.texts) for _ in views(text)]
    strings = [text[a:b] for text in data.texts for a, b in views(text)]
    path = cache_dir / f"vectors-{_key(embedder.name, *strings)}.npy" if cache_dir else None
    vectors: Vectors | None = None
    if path is not None and path.exists():
        cached = np.load(path)
        if cached.shape == (len(strings), embedder.dim):
            vectors = np.ascontiguousarray(cached, dtype=np.float32)
    if vectors is None:
        parts = [
            embedder.embed_queries(strings[i : i + _BATCH]) for i in range(0, len(strings), _BATCH)
        ]
        vectors = np.ascontiguousarray(np.vstack(parts), dtype=np.float32)
        if path is not None:
            _store(path, lambda f: np.save(f, vectors))
    owners = np.array(owner, np.int64)
    first = np.searchsorted(owners, np.arange(len(data.texts)))  # each text's whole view
    return Examples(vectors[first], vectors, owners)


def _store(path: Path, write: Any) -> None:
    """Write a cache file atomically; a read-only data dir only costs the next load its work."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=path.suffix, delete=False) as f:
            write(f)
        os.replace(f.name, path)
    except OSError as exc:
        log.warning("fact model cache not written: %s", type(exc).__name__)


def _calibration(
    data: TrainingSet, ex: Examples, embedder: str, target: float, cache_dir: Path | None
) -> Calibration:
    """The calibration for this embedder and these examples: stored, or computed and stored."""
    grid = json.dumps(GRID)
    settings = (str(target), grid, str(WINDOW), str(STRIDE), str(MIN_SUPPORT))
    name = f"calibration-{_key(embedder, data.digest(), *settings)}.json"
    path = cache_dir / name if cache_dir else None
    if path is not None and path.exists():
        try:
            return Calibration.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, TypeError, KeyError):
            log.warning("fact model calibration unreadable: recomputed")
    found = calibrate(data, ex, embedder, target)
    if path is not None:
        text = json.dumps(found.as_dict(), ensure_ascii=False, indent=1)
        _store(path, lambda f: f.write(text.encode("utf-8")))
    return found


_MODELS: dict[tuple[int, str, float], FactModel] = {}
_LOCK = threading.Lock()


def load_fact_model(
    embedder: Embedder, cache_dir: Path | None = None, target: float = 0.95
) -> FactModel:
    """The fallback over ``embedder``, once per process, with its calibration."""
    data = shipped_training_set()
    key = (id(embedder), data.digest(), target)
    with _LOCK:
        if key in _MODELS:
            return _MODELS[key]
        examples = _embed_examples(embedder, data, cache_dir)
        calibration = _calibration(data, examples, embedder.name, target, cache_dir)
        log.info(
            "fact model texts=%d k=%d facts=%s",
            len(data.texts),
            calibration.k,
            {f: c.thresholds for f, c in calibration.facts.items()},
        )
        model = FactModel(embedder, data, examples.texts, calibration)
        _MODELS[key] = model
        return model
