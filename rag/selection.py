"""Choose the playbook situation whose stated conditions fit the case facts.

Retrieval finds the right playbook but often not the right *situation* within it ("3일 이내"
vs "3일 이후"): their texts are nearly the same. Every situation's headings state conditions,
so the choice is made on how they fit the facts (``rag.condition_fit``), with retrieval rank
and the heading's own words as the tie-break.

When the request is known and no situation fits beyond one broad match, the playbook's
default refusal (``fallback``) for the request is chosen; a customer who keeps insisting gets
the ``persistent`` situation unless a disclosure is allowed; an exception situation past its
window answers through the playbook's consent route. Holds the candidates' scoring, the
choice, and those routes. Nothing here knows any playbook by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from rag.condition_fit import (
    MATCH_WEIGHT,
    DisclosureCheck,
    Fit,
    Signals,
    disclosure_rules,
    evaluate,
    fit_conditions,
)
from rag.contract import Hit
from rag.open_conditions import open_asks, rescore
from rag.routes import consent_scripts, is_self_service_script, opens_ob_route
from rag.script import customer_script

#: A situation fits "well" only above this: one broad match ("개인정보" = every driver item)
#: is not enough to answer instead of the playbook's default refusal.
WELL = 1.0
UNKNOWN_PENALTY = 0.25
#: Retrieval and the words of the situation's own heading break ties between equally
#: fitting situations: RETRIEVAL_WEIGHT / (1 + rank), HEADING_WEIGHT per shared term.
RETRIEVAL_WEIGHT = 0.6
HEADING_WEIGHT = 0.5
HEADING_CAP = 1.0
#: A "how do I see it" question prefers the situation that shows the way in the app.
SELF_SERVICE_WEIGHT = 2.0
#: No signals beyond the facts (the default of ``select_section``).
NO_SIGNALS = Signals()


@dataclass(frozen=True)
class Candidate:
    chunk: Chunk
    hit: Hit | None
    fit: Fit
    score: float
    #: The situation answers through another situation's script (the OB consent route).
    reply_from: Chunk | None = None


@dataclass(frozen=True)
class Selection:
    chosen: Candidate | None
    ranked: list[Candidate] = field(default_factory=list)  # fitting candidates, best first
    used_fallback: bool = False
    #: Prompts for open conditions the question leaves unsettled between the chosen situation
    #: and a sibling with the same known conditions ("'영수증' 여부를 확인하세요").
    open_asks: tuple[str, ...] = ()


def _rank_bonus(rank: int | None) -> float:
    """A retrieved chunk gets RETRIEVAL_WEIGHT / (1 + rank); one not retrieved, nothing."""
    return 0.0 if rank is None else RETRIEVAL_WEIGHT / (1 + rank)


def _heading_bonus(
    chunk: Chunk, terms: Mapping[str, frozenset[str]], asked: frozenset[str]
) -> float:
    """Words of the question found in the situation's own heading terms."""
    shared = len(terms.get(chunk.id, frozenset()) & asked)
    return min(HEADING_CAP, HEADING_WEIGHT * shared)


@dataclass(frozen=True)
class Wording:
    """Lexical evidence for a situation: the question's terms and each heading's own terms
    (terms shared by most situations of the playbook already removed)."""

    asked: frozenset[str] = frozenset()
    headings: Mapping[str, frozenset[str]] = field(default_factory=dict)


def select_section(
    hits: Sequence[Hit],
    facts: CaseFacts,
    situations: Sequence[Chunk],
    allows: DisclosureCheck,
    signals: Signals = NO_SIGNALS,
    wording: Wording = Wording(),
) -> Selection:
    """The situation of one playbook to answer from.

    ``situations`` are the script chunks of the chosen playbook (retrieved or not); ``hits``
    give retrieval ranks.
    """
    rank_of: Mapping[str, tuple[int, Hit]] = {h.chunk.id: (i, h) for i, h in enumerate(hits)}
    ranked: list[Candidate] = []
    for chunk in situations:
        if not customer_script(chunk):
            continue
        fit = evaluate(chunk, facts, signals, allows)
        reply_from: Chunk | None = None
        if fit.excluded:
            route = _consent_route(chunk, fit, facts, signals, situations)
            if route is None:
                continue
            fit, reply_from = route
        at = rank_of.get(chunk.id)
        score = (
            fit.weight
            - UNKNOWN_PENALTY * len(fit.unknown)
            + _rank_bonus(at[0] if at else None)
            + _heading_bonus(chunk, wording.headings, wording.asked)
            + (SELF_SERVICE_WEIGHT if signals.self_service and is_self_service_script(chunk) else 0)
        )
        ranked.append(Candidate(chunk, at[1] if at else None, fit, score, reply_from))
    # Situations still tied on the known conditions: their open conditions against the words.
    known = [c.fit.weight - UNKNOWN_PENALTY * len(c.fit.unknown) for c in ranked]
    rescored = rescore(
        [(c.chunk.conditions, k, c.score) for c, k in zip(ranked, known, strict=True)],
        signals.words,
    )
    ranked = [
        replace(c, score=new) for c, new in zip(ranked, rescored, strict=True) if new is not None
    ]
    ranked.sort(key=lambda c: (-c.score, c.chunk.index))
    best = ranked[0] if ranked else None
    used_fallback = False
    if best is None or not (best.fit.weight > WELL or facts.request is None):
        fallback = _fallback(situations, facts, rank_of)
        if fallback is not None:
            best, used_fallback = fallback, True
    if signals.persistent and (
        best is None or not (disclosure_rules(best.chunk) or _exception_route(best, facts))
    ):
        # The customer keeps insisting on what was refused: the playbook's answer to that.
        best = _persistent(situations, facts, rank_of) or best
    asks = (
        open_asks(
            (best.chunk.section, best.chunk.conditions),
            [(c.chunk.section, c.chunk.conditions) for c in ranked if c.chunk.id != best.chunk.id],
            signals.words,
        )
        if best is not None
        else []
    )
    return Selection(best, ranked, used_fallback, tuple(asks))


def _consent_route(
    chunk: Chunk, fit: Fit, facts: CaseFacts, signals: Signals, situations: Sequence[Chunk]
) -> tuple[Fit, Chunk] | None:
    """Past the window its heading names ("14일 경과 등으로 기사 OB 필요 시"), an exception
    situation still applies, answered by the playbook's consent-route script that fits the
    facts best (the item asked is the one the consent is sought for, so not a condition)."""
    if fit.blocking or not opens_ob_route(chunk, facts, fit.conflicts, fit.matched):
        return None
    best: tuple[float, Chunk] | None = None
    for script in consent_scripts(situations):
        route_fit = fit_conditions(
            script.conditions.model_copy(update={"requests": []}), facts, signals
        )
        if route_fit.excluded:
            continue
        stated = facts.request in script.conditions.requests
        score = route_fit.weight + (MATCH_WEIGHT if stated else 0.0)
        if best is None or score > best[0]:
            best = (score, script)
    if best is None:
        return None
    opened = replace(
        fit, conflicts=(), matched=(*fit.matched, "ob_route"), weight=fit.weight + MATCH_WEIGHT
    )
    return opened, best[1]


def _exception_route(candidate: Candidate, facts: CaseFacts) -> bool:
    """The situation answers for the stated exception reason (분실물, …) or through its consent
    route: however hard the customer insists, that route is the help (펫 Q1 ①: "안내 미수긍 …
    기사 OB 필요 시 지원")."""
    return facts.reason is not None and (
        candidate.reply_from is not None or facts.reason in candidate.chunk.conditions.reasons
    )


def _persistent(
    situations: Sequence[Chunk], facts: CaseFacts, rank_of: Mapping[str, tuple[int, Hit]]
) -> Candidate | None:
    for chunk in situations:
        cond = chunk.conditions
        if not cond.persistent or disclosure_rules(chunk) or not customer_script(chunk):
            continue
        if cond.requests and facts.request is not None and facts.request not in cond.requests:
            continue
        at = rank_of.get(chunk.id)
        return Candidate(chunk, at[1] if at else None, fit_conditions(cond, facts), 0.0)
    return None


def _fallback(
    situations: Sequence[Chunk],
    facts: CaseFacts,
    rank_of: Mapping[str, tuple[int, Hit]],
) -> Candidate | None:
    """The default refusal for the request: a ``fallback`` situation that discloses nothing,
    preferring one stated for this request and contradicting fewer facts."""
    best: Candidate | None = None
    for chunk in situations:
        cond = chunk.conditions
        if not cond.fallback or cond.persistent or disclosure_rules(chunk):
            continue
        if not customer_script(chunk):
            continue
        if cond.requests and facts.request is not None and facts.request not in cond.requests:
            continue
        fit = fit_conditions(cond, facts)
        at = rank_of.get(chunk.id)
        score = fit.weight - MATCH_WEIGHT * len(fit.conflicts) + _rank_bonus(at[0] if at else None)
        if best is None or score > best.score:
            best = Candidate(chunk, at[1] if at else None, fit, score)
    return best
