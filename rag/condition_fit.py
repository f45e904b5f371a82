"""How one situation's stated conditions sit with the case facts.

Every situation's headings state conditions (``ChunkConditions``, read at ingest). Per
condition a situation either matches the facts, conflicts with them (excluded), or depends on
a fact that is unknown. Unknown facts take the restrictive reading:
- a situation that discloses a value (its script has a ``000-0000-0000`` / ``OO가OOOO``
  placeholder) needs every condition shown, and the guard's rule must allow it;
- an exception route (분실물/사고/… reasons, cancelled statuses, 탈퇴고객, 다른 이메일)
  needs its exception stated;
- other conditions (days, request, normal statuses) only cost a little when unknown.
Holds ``fit_conditions`` and its helpers, the question's topics, and ``evaluate`` (the fit
with the guard's say on a disclosure). Choosing among the fits is ``rag.selection``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ingest.chunk import Chunk, ChunkConditions
from ingest.conditions import read_topics
from ingest.vocabulary import load_vocabulary
from policy_guard.facts import CaseFacts
from rag.fact_fields import fact_fields
from rag.open_conditions import QuestionWords
from rag.script import DISCLOSURE_PLACEHOLDERS, customer_script

#: Statuses of an ordinary ride: a situation for them is the default when the status is unknown.
NORMAL_STATUSES = frozenset({"in_progress", "completed"})
#: A matched condition. A request or status list weighs less the more values it admits
#: (MATCH_WEIGHT / sqrt(len)): "any driver item" says less than "the plate".
MATCH_WEIGHT = 2.0
#: A yes/no condition met by the default reading of an unknown fact.
DEFAULT_MATCH_WEIGHT = 0.5
#: A stated exception flag (탈퇴 고객, 다른 이메일 …) counts this many matches.
EXCEPTION_FACTOR = 3.0

DisclosureCheck = Callable[[str, CaseFacts], bool]


@functools.cache
def exception_facts() -> frozenset[str]:
    return frozenset(name for name, f in fact_fields().facts.items() if f.exception)


@dataclass(frozen=True)
class Signals:
    """Facts outside the spec that still steer the choice."""

    persistent: bool = False  # the customer keeps insisting after a refusal
    #: reason -> the item such a customer needs when the request is not stated (분실물 →
    #: reaching the driver): read as a match for situations stated for that item.
    implied_requests: tuple[tuple[str, str], ...] = ()
    #: The question asks how to see or save the item oneself (앱에서 확인하는 방법).
    self_service: bool = False
    #: Vocabulary topics the question names ("택배로 받고 싶어요" → delivery), with their groups.
    topics: tuple[tuple[str, str], ...] = ()
    #: The question's words, for the open conditions of tied situations (rag.open_conditions).
    words: QuestionWords | None = None


@dataclass(frozen=True)
class Fit:
    """How one situation's conditions sit with the facts."""

    matched: tuple[str, ...] = ()
    weight: float = 0.0  # sum of the matched conditions' weights
    unknown: tuple[str, ...] = ()  # conditions on facts nobody stated (soft)
    blocking: tuple[str, ...] = ()  # unknown facts this situation needs stated (excluded)
    conflicts: tuple[str, ...] = ()  # known facts the situation contradicts (excluded)

    @property
    def excluded(self) -> bool:
        return bool(self.conflicts or self.blocking)


def disclosure_rules(chunk: Chunk) -> list[str]:
    """Guard rules whose placeholder the chunk's script holds (it would disclose a value)."""
    script = customer_script(chunk)
    return [rule for rule, pattern in DISCLOSURE_PLACEHOLDERS.items() if pattern.search(script)]


class _Tally:
    def __init__(self) -> None:
        self.matched: list[str] = []
        self.unknown: list[str] = []
        self.blocking: list[str] = []
        self.conflicts: list[str] = []
        self.weight = 0.0

    def match(self, name: str, weight: float = MATCH_WEIGHT) -> None:
        self.matched.append(name)
        self.weight += weight

    def fit(self) -> Fit:
        return Fit(
            matched=tuple(self.matched),
            weight=self.weight,
            unknown=tuple(self.unknown),
            blocking=tuple(self.blocking),
            conflicts=tuple(self.conflicts),
        )


def _list_condition(
    name: str,
    stated: Sequence[str],
    known: str | None,
    restrictive: bool,
    tally: _Tally,
    narrowing: bool = True,
) -> None:
    """``narrowing``: a longer list says less (requests, statuses); an exception list
    (reasons) does not: any stated exception is a specific fact."""
    if not stated:
        return
    if known is None:
        (tally.blocking if restrictive else tally.unknown).append(name)
    elif known in stated:
        tally.match(name, MATCH_WEIGHT / len(stated) ** 0.5 if narrowing else MATCH_WEIGHT)
    else:
        tally.conflicts.append(name)


def _flag_condition(
    name: str, stated: bool | None, known: bool | None, default: bool, tally: _Tally
) -> None:
    """A yes/no condition. ``default`` is what an unknown fact is taken to be."""
    if stated is None:
        return
    if known is None:
        if stated != default:
            tally.blocking.append(name)
        else:  # the usual case, e.g. the "본인확인" step while identity is not confirmed
            tally.match(name, DEFAULT_MATCH_WEIGHT)
    elif known == stated:
        # A stated exception (탈퇴 고객, 다른 이메일: fact_fields.yaml `exception`) is what its
        # situation is written for: it outweighs what every step of the usual route shares.
        exception = stated is True and name in exception_facts()
        tally.match(name, MATCH_WEIGHT * (EXCEPTION_FACTOR if exception else 1.0))
    else:
        tally.conflicts.append(name)


def _window_condition(
    name: str,
    window: tuple[int | None, int | None],
    known: int | None,
    restrictive: bool,
    tally: _Tally,
) -> None:
    """A day or hour window ("3일 이내", "하차 후 24시간 이내") against the ride's age."""
    low, high = window
    if low is None and high is None:
        return
    if known is None:
        (tally.blocking if restrictive else tally.unknown).append(name)
    elif (low is None or known >= low) and (high is None or known <= high):
        tally.match(name)
    else:
        tally.conflicts.append(name)


def fit_conditions(
    cond: ChunkConditions, facts: CaseFacts, signals: Signals = Signals(), strict: bool = False
) -> Fit:
    """Match one situation's conditions against the facts. ``strict``: every unknown fact a
    condition depends on blocks (for situations that disclose a value)."""
    tally = _Tally()
    implied = dict(signals.implied_requests).get(facts.reason or "")
    if facts.request is None and not strict and implied is not None and implied in cond.requests:
        tally.match("request", MATCH_WEIGHT / len(cond.requests) ** 0.5)
    elif not strict and _serves_reason(cond, facts):
        # "분실물 때문에 기사님께 연락하고 싶대요" in a lost-item playbook: its situations are
        # stated for the reason, and what they offer discloses nothing, so they answer it.
        tally.match("request", DEFAULT_MATCH_WEIGHT)
    else:
        _list_condition("request", cond.requests, facts.request, strict, tally)
    abnormal_only = bool(cond.ride_statuses) and not (set(cond.ride_statuses) & NORMAL_STATUSES)
    if (
        abnormal_only
        and not strict
        and facts.ride_status is not None
        and facts.ride_status not in NORMAL_STATUSES
        and facts.ride_status not in cond.ride_statuses
    ):
        # The playbooks list abnormal statuses as one class ("승객 신고로 중단 / … / 배차 후
        # 취소 등"): another abnormal status is a weak match, not a contradiction.
        tally.match("ride_status", DEFAULT_MATCH_WEIGHT)
    else:
        _list_condition(
            "ride_status", cond.ride_statuses, facts.ride_status, strict or abnormal_only, tally
        )
    _window_condition(
        "days_since_ride", (cond.days_min, cond.days_max), facts.days_since_ride, strict, tally
    )
    _window_condition(
        "hours_since_ride", (cond.hours_min, cond.hours_max), facts.ride_hours, strict, tally
    )
    _flag_condition(
        "history_available", cond.history_available, facts.history_available, True, tally
    )
    # An exception route (분실물, 사고, …) needs its reason stated.
    _list_condition("reason", cond.reasons, facts.reason, True, tally, narrowing=False)
    if facts.reason is not None and facts.reason in cond.reasons_excluded:
        tally.conflicts.append("reason")
    # Steps of a sequence: "본인확인" (identity not yet confirmed), then the steps after it;
    # a consent request, then the closing once consent is given.
    _flag_condition(
        "identity_verified", cond.identity_verified, facts.identity_verified, False, tally
    )
    _flag_condition(
        "collection_consent", cond.collection_consent, facts.collection_consent, False, tally
    )
    _flag_condition("withdrawn", cond.withdrawn, facts.withdrawn, False, tally)
    _flag_condition("alt_recipient", cond.alt_recipient, facts.alt_recipient, False, tally)
    if cond.channel is not None:
        if facts.channel == cond.channel:
            tally.match("channel")
        elif facts.channel is not None or cond.channel != "chat":
            tally.conflicts.append("channel")
        # Unknown channel: the chat wording stands (the default; its phone sibling conflicts),
        # but it is no evidence for choosing this situation over others.
    if cond.topics:
        asked = {topic for topic, _ in signals.topics}
        asked_groups = {group for _, group in signals.topics}
        stated_groups = {group for topic, group in _topic_groups(cond.topics)}
        if asked & set(cond.topics):
            # A heading naming alternatives ("법원 제출 / 재차 요청 / 1년 경과") is met by any one
            # of them, a weak statement: 2/len, so that a stated exception (탈퇴고객 → consent)
            # still outweighs it.
            tally.match("topic", MATCH_WEIGHT / len(cond.topics))
        elif asked_groups & stated_groups:  # the question names another option of the group
            tally.conflicts.append("topic")
        else:
            tally.unknown.append("topic")
    if cond.persistent:
        if signals.persistent:
            tally.match("persistent")
        else:
            tally.blocking.append("persistent")
    return tally.fit()


def _serves_reason(cond: ChunkConditions, facts: CaseFacts) -> bool:
    """The situation is stated for the question's exception reason and offers only items that
    are no one's personal data, while the question names another item."""
    if facts.request is None or facts.request in cond.requests or not cond.requests:
        return False
    if facts.reason in (None, "other") or facts.reason not in cond.reasons:
        return False
    vocab = load_vocabulary()
    known = {r.id for r in vocab.requests}
    return all(r in known and vocab.request(r).party == "none" for r in cond.requests)


def _topic_groups(topics: Sequence[str]) -> list[tuple[str, str]]:
    vocab = load_vocabulary()
    return [(t, vocab.topic_group(t)) for t in topics if t in {x.id for x in vocab.topics}]


def question_topics(question: str, days: int | None = None) -> tuple[tuple[str, str], ...]:
    """The vocabulary topics a question names, each with its group; ``days``, the ride's age
    as the case states it, names the topics a ride that old is for ("재작년 건" → 1년 경과)."""
    named = read_topics(question)
    if days is not None:
        named += [
            t.id
            for t in load_vocabulary().topics
            if t.min_days is not None and days >= t.min_days and t.id not in named
        ]
    return tuple(_topic_groups(named))


def evaluate(
    chunk: Chunk,
    facts: CaseFacts,
    signals: Signals,
    allows: DisclosureCheck,
) -> Fit:
    """The fit of one situation, with the guard's say on any value its script would disclose."""
    rules = disclosure_rules(chunk)
    refused = tuple(f"rule:{rule}" for rule in rules if not allows(rule, facts))
    if rules and not refused and facts.driver_consent is True:
        return _consented_fit(chunk.conditions, facts, signals)
    fit = fit_conditions(chunk.conditions, facts, signals, strict=bool(rules))
    if refused:
        return replace(fit, blocking=fit.blocking + refused)
    return fit


#: Conditions of a disclosure situation that describe the window in which no consent is
#: needed (정책 ① "3일 이내 … 기사의 동의 없이"). The driver's consent replaces them
#: ("기사동의 후 기사연락처 제공가능(상태값 상관없음)").
_WINDOW_FIELDS = (
    "ride_statuses",
    "days_min",
    "days_max",
    "hours_min",
    "hours_max",
    "history_available",
)


def _consented_fit(cond: ChunkConditions, facts: CaseFacts, signals: Signals) -> Fit:
    """A disclosure the driver agreed to: the no-consent window is waived and counts as
    met, and the consent itself is a match (the value, not the route to it, is the answer)."""
    waived = [
        name
        for name, stated in (
            ("ride_status", bool(cond.ride_statuses)),
            ("days_since_ride", cond.days_min is not None or cond.days_max is not None),
            ("hours_since_ride", cond.hours_min is not None or cond.hours_max is not None),
            ("history_available", cond.history_available is not None),
        )
        if stated
    ]
    rest = cond.model_copy(
        update={
            name: ChunkConditions.model_fields[name].get_default(call_default_factory=True)
            for name in _WINDOW_FIELDS
        }
    )
    fit = fit_conditions(rest, facts, signals, strict=True)
    return replace(
        fit,
        matched=fit.matched + tuple(waived) + ("driver_consent",),
        weight=fit.weight + MATCH_WEIGHT * (len(waived) + 1),
    )
