"""Open conditions (``ingest.open_conditions``) against the agent's question.

Sibling situations that the known conditions leave tied ("영수증 있음" / "영수증 없음") are told
apart by what the question says about each one's content words: said with the same polarity →
a match; said with the opposite polarity ("영수증은 없대요", "기록 안 남아 있음", "사진 X") →
a contradiction that rules the sibling out; not said → neutral, and the agent is asked to check
it. A word counts as said when one of its forms (its synonym group, ``rag.synonyms`` too) is in
the question, spacing ignored, or a morpheme of the question has it as its lemma. Its polarity
comes from the clause after it (Kiwi's negation cues, the ``question`` markers of
``ingest/open_conditions.yaml``), a negation scope over it (``rag.negation``) or a 미- prefix.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ingest.chunk import ChunkConditions, OpenCondition, Polarity
from ingest.open_conditions import OpenVocabulary, load_open_vocabulary
from rag.negation import Scope, cue_strength, is_negated, scopes
from rag.synonyms import SYNONYM_GROUPS
from rag.tokenizer import analyse

Verdict = Literal["match", "contradiction", "neutral"]

#: A situation's open conditions weigh like a matched known condition (rag.selection
#: MATCH_WEIGHT): enough to outweigh the retrieval-rank and heading tie-breaks.
OPEN_WEIGHT = 2.0
#: Candidates whose known-condition score is within this of the best are "still tied".
CLOSE = 0.5
#: Share of a condition's words the question must deny before the denial rules it out (more
#: than half: "현장에서 기다리는 중 아님" denies "현장 대기", not "현장 이탈").
CONTRADICTION_SHARE = 0.5
#: Connective endings inside one predicate ("남아 있음", "있지 않"): not a clause end.
_LINKS = frozenset({"지", "게", "어", "아", "어다"})
_BEFORE = re.compile(r"(?<![a-z])(?:no|not|without|never)\s*$")


def _tag(token: Any) -> str:
    return str(token.tag).split("-", 1)[0]


@functools.cache
def _variants() -> dict[str, frozenset[str]]:
    """word -> every form that says it (its open-condition and retrieval synonym groups)."""
    groups = [set(g) for g in load_open_vocabulary().synonyms]
    groups += [{canonical, *variants} for canonical, variants in SYNONYM_GROUPS.items()]
    index: dict[str, set[str]] = {}
    for group in groups:
        for word in group:
            index.setdefault(word, {word}).update(group)
    return {w: frozenset(forms) for w, forms in index.items()}


def _forms(word: str) -> frozenset[str]:
    return _variants().get(word, frozenset({word}))


@dataclass(frozen=True)
class QuestionWords:
    """The agent's question, analysed on first use (most questions meet no open condition)."""

    text: str

    @functools.cached_property
    def folded(self) -> str:
        return unicodedata.normalize("NFKC", self.text).lower()

    @functools.cached_property
    def tokens(self) -> tuple[Any, ...]:
        return tuple(analyse(self.folded))

    @functools.cached_property
    def scopes(self) -> tuple[Scope, ...]:
        return tuple(scopes(self.folded))

    @functools.cached_property
    def prefixes(self) -> tuple[tuple[int, int], ...]:
        return tuple(load_open_vocabulary().prefix_spans(self.folded, self.tokens))

    def spans(self, word: str) -> list[tuple[int, int]]:
        """Where the question says ``word`` (any of its forms, spacing ignored)."""
        found: set[tuple[int, int]] = set()
        for form in _forms(word):
            pattern = r"\s*".join(re.escape(ch) for ch in form.lower())
            if form.isascii():  # "log" is no part of "blog"
                pattern = rf"(?<![a-z]){pattern}(?![a-z])"
            found.update(m.span() for m in re.finditer(pattern, self.folded))
            for t in self.tokens:
                if str(t.form).lower() == form.lower():
                    found.add((int(t.start), int(t.start) + int(t.len)))
        return sorted(found)

    def polarity(self, span: tuple[int, int], table: OpenVocabulary) -> Polarity:
        """What the clause around a mention says of it."""
        start, end = span
        if is_negated(span, list(self.scopes), "predicate"):
            return "negative"
        clause_start = 0
        window_end = len(self.folded)
        negated = False
        for t in self.tokens:
            t_start, t_end = int(t.start), int(t.start) + int(t.len)
            boundary = (
                _tag(t) in ("EF", "SF", "SP")
                or (_tag(t) == "EC" and str(t.form) not in _LINKS)
                or (_tag(t) == "NNB" and str(t.form) == "데")  # "있는데": 는 (ETM) + 데
            )
            if t_end <= start and boundary:
                clause_start = t_end
            if t_start >= end:
                negated = negated or cue_strength(t) == "predicate"
                if boundary:
                    window_end = t_end
                    break
        if _BEFORE.search(self.folded[clause_start:start]):
            return "negative"
        # "미제출" (the prefix right before the word), "사진 미확인" (in its clause).
        prefixed = any(e == start or end <= s < window_end for s, e in self.prefixes)
        if negated or prefixed:
            return "negative"
        return table.question.polarity(self.folded[end:window_end])


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    share: float  # of the condition's words the question says


def judge(
    condition: OpenCondition, question: QuestionWords, table: OpenVocabulary | None = None
) -> Judgement:
    """How the question stands to one open condition."""
    table = table or load_open_vocabulary()
    said: list[Polarity] = []
    mentioned = 0
    for word in condition.words:
        spans = question.spans(word)
        if spans:
            mentioned += 1
            # Korean phrases are head-final ("입차 사진 없음" is about 사진): the polarity is
            # what the question says of the last of the condition's words it mentions.
            said = [question.polarity(span, table) for span in spans]
    share = mentioned / len(condition.words)
    if not mentioned:
        return Judgement("neutral", 0.0)
    stated: Polarity = (
        "negative" if "negative" in said else "positive" if "positive" in said else "mention"
    )
    wanted = condition.polarity
    verdict: Verdict
    if stated == "mention":
        # "영수증 관련 문의" says nothing of having one: only a mention condition is met (taking
        # it for "영수증 있음" would pick the sibling that promises a refund).
        verdict = "match" if wanted == "mention" else "neutral"
    elif (stated == "negative") == (wanted == "negative"):
        verdict = "match"
    elif (
        condition.alternative
        or share <= CONTRADICTION_SHARE
        or (wanted == "mention" and share < 1.0)
    ):
        verdict = "neutral"
    else:
        verdict = "contradiction"
    return Judgement(verdict, share)


@dataclass(frozen=True)
class OpenFit:
    excluded: bool = False
    bonus: float = 0.0


def open_fit(
    conditions: ChunkConditions,
    question: QuestionWords,
    shared: frozenset[tuple[tuple[str, ...], Polarity]] = frozenset(),
) -> OpenFit:
    """``shared``: conditions every tied candidate states, which tell none of them apart."""
    bonus = 0.0
    for condition in conditions.open:
        if _key(condition) in shared:
            continue
        j = judge(condition, question)
        if j.verdict == "contradiction":
            return OpenFit(excluded=True)
        if j.verdict == "match":
            bonus += OPEN_WEIGHT * j.share
    return OpenFit(bonus=bonus)


def _known(conditions: ChunkConditions) -> dict[str, Any]:
    return conditions.model_dump(exclude={"open"})


def _key(condition: OpenCondition) -> tuple[tuple[str, ...], Polarity]:
    return tuple(condition.words), condition.polarity


def rescore(
    candidates: Sequence[tuple[ChunkConditions, float, float]], question: QuestionWords | None
) -> list[float | None]:
    """New scores for (conditions, known-condition score, score) candidates: those tied on
    the known conditions are scored on their open conditions too; None rules one out."""
    scores: list[float | None] = [score for _, _, score in candidates]
    if question is None or len(candidates) < 2:
        return scores
    best = max(known for _, known, _ in candidates)
    close = [i for i, (_, known, _) in enumerate(candidates) if known >= best - CLOSE]
    if len(close) < 2 or not any(candidates[i][0].open for i in close):
        return scores
    keys = [{_key(c) for c in candidates[i][0].open} for i in close]
    shared = frozenset(set.intersection(*keys))
    fits = {i: open_fit(candidates[i][0], question, shared) for i in close}
    if all(fit.excluded for fit in fits.values()):
        return scores  # nothing left to choose from: the known conditions decide
    for i, fit in fits.items():
        scores[i] = None if fit.excluded else candidates[i][2] + fit.bonus
    return scores


def _parent(section: str) -> str:
    return section.rsplit(" > ", 1)[0]


def open_asks(
    chosen: tuple[str, ChunkConditions],
    others: Sequence[tuple[str, ChunkConditions]],
    question: QuestionWords | None,
) -> list[str]:
    """Prompts for the open conditions that tell the chosen situation (section, conditions)
    from a sibling (same parent heading, same known conditions), when the question does not
    settle them."""
    if question is None:
        return []
    table = load_open_vocabulary()
    section, conditions = chosen
    mine = {_key(c): c for c in conditions.open}
    asks: list[str] = []
    for other_section, other in others:
        if _parent(other_section) != _parent(section) or _known(other) != _known(conditions):
            continue
        theirs = {_key(c): c for c in other.open}
        for key in sorted(mine.keys() ^ theirs.keys()):
            condition = mine.get(key) or theirs[key]
            if judge(condition, question, table).verdict == "neutral":
                text = table.ask_text(condition)
                if text not in asks:
                    asks.append(text)
    return asks


def covers(situations: Sequence[ChunkConditions], question: QuestionWords | None) -> bool:
    """Whether the question says every word of a situation's open condition, as the heading
    states it: that situation covers the question (like a vocabulary topic, for grounding)."""
    if question is None:
        return False
    for conditions in situations:
        for condition in conditions.open:
            if condition.alternative:
                continue
            j = judge(condition, question)
            if j.verdict == "match" and j.share == 1.0:
                return True
    return False
