"""Case facts read from the agent's Korean question, merged under the console's ``case``.

The question is read with the vocabulary in ``rag/vocabulary/phrases/`` (regular expressions over
normalised text: predictable, sub-millisecond, and testable phrase by phrase), durations with
``ingest.durations`` and calendar dates with ``rag.dates``. A mention under a negation
("분실물이나 사고는 아님", read from Kiwi's morphemes by ``rag.negation``) does not state its
value. A fact the question does not state stays ``None``: unknown facts take the restrictive
branch downstream, so guessing would be the unsafe direction. Every fact read carries its
provenance (``FactReading``: the span in the original question, the method, a confidence).

When the question carries an instruction-override attempt ("이전 지시 무시하고 …"), the facts
that could open a disclosure (consents, identity, history, status, days) are not read from it:
only the console may state those for such a question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.durations import read_durations
from policy_guard.facts import CaseFacts, ride_age
from rag.dates import calendar_mentions
from rag.negation import Scope, is_negated, scopes
from rag.question_text import NormalisedText, fold_width_case_spaces, normalise_with_offsets
from rag.readings import FactReading
from rag.vocabulary import Entry, vocabulary

__all__ = ["fold_width_case_spaces"]

#: Confidence of a phrase-rule reading; a negated mention is no reading at all.
RULE_CONFIDENCE = 0.9


@dataclass(frozen=True)
class QuestionFacts:
    """What the question says: spec facts plus the signals that only steer the reply."""

    facts: CaseFacts
    persistent: bool = False  # "계속 요구": the customer keeps insisting after a refusal
    injection: bool = False  # the question tries to override the instructions
    reason_withheld: bool = False  # "사유는 말 안 하심": the reason is explicitly unknown
    #: Items the question may be about when it names their family, not one item
    #: ("기사님 정보"); empty when it names none.
    request_family: frozenset[str] = frozenset()
    #: "앱에서 확인하는 방법": how to see or save the item oneself, no issued document wanted.
    self_service: bool = False
    #: The agent asks which 상담유형 (counsel type) to set, not what to tell the customer.
    counsel_type: bool = False
    #: fact -> how it was read (span in the original question, method, confidence).
    readings: dict[str, FactReading] = field(default_factory=dict)
    #: fact -> values the question mentions only under a negation ("분실물은 아님").
    negated: dict[str, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Hit:
    entry: Entry
    start: int
    end: int


class _Reader:
    """One question's reading: the normalised text, negation scopes (on first need) and the
    readings made so far."""

    def __init__(self, question: str) -> None:
        self.source: NormalisedText = normalise_with_offsets(question)
        self.text = self.source.text
        self._scopes: list[Scope] | None = None
        self.readings: dict[str, FactReading] = {}
        self.negated: dict[str, list[Any]] = {}

    def scopes(self) -> list[Scope]:
        if self._scopes is None:
            self._scopes = scopes(self.text)
        return self._scopes

    def hit(self, entry: Entry, text: str) -> _Hit | None:
        """The entry's first mention in ``text`` that is not negated."""
        for m in entry.compiled.finditer(text):
            if entry.negation != "none" and is_negated(
                (m.start(), m.end()), self.scopes(), entry.negation
            ):
                self.negated.setdefault(entry.fact, []).append(entry.value)
                continue
            return _Hit(entry, m.start(), m.end())
        return None

    def first(self, entries: Iterable[Entry], text: str | None = None) -> _Hit | None:
        for entry in entries:
            found = self.hit(entry, self.text if text is None else text)
            if found is not None:
                return found
        return None

    def earliest(self, entries: Iterable[Entry], text: str | None = None) -> _Hit | None:
        hits = [h for e in entries if (h := self.hit(e, self.text if text is None else text))]
        return min(hits, key=lambda h: h.start) if hits else None

    def record(self, fact: str, value: Any, start: int, end: int) -> None:
        self.readings[fact] = FactReading(
            fact=fact,
            value=value,
            origin="question",
            method="rule",
            span=self.source.original_span(start, end),
            confidence=RULE_CONFIDENCE,
        )

    def take(self, fact: str, found: _Hit | None, values: dict[str, Any]) -> None:
        if found is None:
            return
        values[fact] = found.entry.value
        self.record(fact, found.entry.value, found.start, found.end)


def _signal(entry_id: str) -> re.Pattern[str]:
    return vocabulary().get(entry_id).compiled


def _facts(name: str) -> tuple[Entry, ...]:
    return vocabulary().of(name, "fact")


def _blank(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """Replace matches with spaces of equal length, keeping other offsets valid."""
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def local_today() -> date:
    """Today in the service's local time zone (the process's ``TZ``)."""
    return date.today()


@dataclass(frozen=True)
class RideAge:
    """The ride's age a text states: days, or hours when stated in hours; and where."""

    days: int | None
    hours: int | None
    start: int
    end: int
    upper_bound: bool = False  # "3일 이내": at most this old, not this old

    @property
    def in_days(self) -> int | None:
        return ride_age(self.days, self.hours)[0]


def read_ages(text: str, today: date | None = None) -> list[RideAge]:
    """Every age expression in ``text`` (normalised), in order: durations ("3시간 전",
    "1년 넘은", "하루 지남") and calendar dates ("11월 20일", "지난주 금요일", counted back
    from ``today``, default ``local_today()``; one in the future or that does not exist is
    an age of unknown days)."""
    found: list[RideAge] = []
    for mention in calendar_mentions(text, today or local_today()):
        found.append(RideAge(mention.days, None, mention.start, mention.end))
        # The date's digits are no relative count ("11월 20일 건" is not 20 days).
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    for duration in read_durations(text):
        hours = duration.age_hours()
        bounded = duration.relation in ("within", "under")
        if duration.in_hours:
            found.append(RideAge(None, hours, duration.start, duration.end, bounded))
        else:
            found.append(RideAge(hours // 24, None, duration.start, duration.end, bounded))
    return sorted(found, key=lambda age: age.start)


def read_age(text: str, today: date | None = None) -> RideAge | None:
    """The ride's age: the first age expression in ``text`` (normalised)."""
    ages = read_ages(text, today)
    return ages[0] if ages else None


def extract_days(text: str, today: date | None = None) -> int | None:
    """Whole days since the ride, from the first age expression in ``text``."""
    age = read_age(fold_width_case_spaces(text), today)
    if age is None:
        return None
    return ride_age(age.days, age.hours)[0]


def _request(reader: _Reader, values: dict[str, Any]) -> None:
    """The item asked for first. Earlier entries claim their span first, so "계좌번호" is an
    account and never also a phone "번호"."""
    masks = [e.compiled for e in vocabulary().of("not_a_request", "mask")]
    remaining = _blank(reader.text, masks)
    hits: list[_Hit] = []
    for entry in _facts("request"):
        found = reader.hit(entry, remaining)
        if found is not None:
            hits.append(found)
        remaining = _blank(remaining, (entry.compiled,))
    if hits:
        reader.take("request", min(hits, key=lambda h: h.start), values)


def _consents(reader: _Reader, values: dict[str, Any]) -> None:
    driver = reader.first(_facts("driver_consent"))
    collection = reader.first(_facts("collection_consent"))
    reader.take("driver_consent", driver, values)
    reader.take("collection_consent", collection, values)
    if driver is None and collection is None:
        generic = reader.first(vocabulary().of("consent", "signal"))
        request = values.get("request")
        # An unqualified "동의했대요" is about the consent the request needs.
        if generic is not None and request is not None:
            key = "collection_consent" if request == "usage_statement" else "driver_consent"
            reader.take(key, generic, values)


def _history(reader: _Reader, values: dict[str, Any]) -> None:
    found = reader.first(_facts("history_available"))
    if found is None and values.get("request") in ("driver_phone", "vehicle_plate"):
        # "차량번호 확인이 안 된대요": with no other subject, it is the app record.
        no_identity = _blank(reader.text, (e.compiled for e in _facts("identity_verified")))
        found = reader.first(vocabulary().of("history_available", "signal"), no_identity)
    reader.take("history_available", found, values)


def _age(reader: _Reader, values: dict[str, Any], age: RideAge | None) -> None:
    if age is None or (age.days is None and age.hours is None):
        return
    days, hours = ride_age(age.days, age.hours)
    values["days_since_ride"] = days
    reader.record("days_since_ride", days, age.start, age.end)
    if age.hours is not None:  # stated in hours: kept, for hour windows
        values["hours_since_ride"] = hours
        reader.record("hours_since_ride", hours, age.start, age.end)


def read_question(question: str, today: date | None = None) -> QuestionFacts:
    """Every fact and steering signal the question states; calendar dates count back from
    ``today`` (default: ``local_today()``)."""
    reader = _Reader(question)
    text = reader.text
    injection = bool(_signal("signal.injection").search(text))
    values: dict[str, Any] = {}
    ages = read_ages(text, today)
    # "사흘 전 아니고 이틀 전": a corrected age is no reading of the ride's age.
    stated = [a for a in ages if not is_negated((a.start, a.end), reader.scopes(), "copula")]
    age = stated[0] if stated else None

    _request(reader, values)
    reader.take("service", reader.earliest(_facts("service")), values)
    reader.take("channel", reader.first(_facts("channel")), values)

    without_phone_loss = _blank(text, (_signal("history.phone_lost"),))
    reason = reader.first(_facts("reason"), without_phone_loss)
    withheld = bool(_signal("reason.unknown").search(text))
    if withheld and reason is not None and reason.entry.value == "other":
        reason = None
    reader.take("reason", reason, values)
    reader.take("alt_recipient", reader.first(_facts("alt_recipient")), values)
    reader.take("withdrawn", reader.first(_facts("withdrawn")), values)

    if not injection:
        reader.take("identity_verified", reader.first(_facts("identity_verified")), values)
        reader.take("ride_status", reader.first(_facts("ride_status")), values)
        _age(reader, values, age)
        _history(reader, values)
        _consents(reader, values)

    facts = CaseFacts(**{k: v for k, v in values.items() if v is not None})
    issuance = vocabulary().get("signal.issuance")
    # The age counts here even under an injection attempt: it only says which document is
    # wanted, it opens nothing.
    issued = bool(issuance.compiled.search(text)) or _old_enough(issuance, ages)
    families = vocabulary().of("request_family", "family")
    return QuestionFacts(
        facts=facts,
        persistent=bool(_signal("signal.persistent").search(text)),
        self_service=bool(_signal("signal.self_service").search(text)) and not issued,
        counsel_type=_asks_counsel_type(text),
        injection=injection,
        reason_withheld=withheld and reason is None,
        request_family=frozenset(
            item for e in families if e.compiled.search(text) for item in e.value
        ),
        readings=dict(reader.readings),
        negated={k: tuple(v) for k, v in reader.negated.items() if k not in values},
    )


def _asks_counsel_type(text: str) -> bool:
    """Whether the agent asks for the counsel type; "차량 유형" and the like name what the
    customer asks about, not the ticket's type."""
    return bool(
        _signal("agent.counsel_type").search(_blank(text, (_signal("agent.not_counsel_type"),)))
    )


def _old_enough(entry: Entry, ages: list[RideAge]) -> bool:
    """Some age the question states is at least the entry's ``min_days``."""
    if entry.min_days is None:
        return False
    return any(
        not a.upper_bound and a.in_days is not None and a.in_days >= entry.min_days for a in ages
    )


def reason_implied_requests() -> tuple[tuple[str, str], ...]:
    """reason -> the item such a customer needs when none is named (분실물 → the driver)."""
    out: dict[str, str] = {}
    for entry in _facts("reason"):
        if entry.implies_request is not None:
            out.setdefault(str(entry.value), entry.implies_request)
    return tuple(out.items())


def without_item_words(question: str) -> str:
    """The question without the words that only name the requested item (for matching
    situation headings once the request is known)."""
    return _blank(fold_width_case_spaces(question), (_signal("item_words"),))


def extract_facts(question: str, today: date | None = None) -> CaseFacts:
    """The spec facts the question states; everything else ``None``."""
    return read_question(question, today).facts


def with_ride_timing(facts: CaseFacts) -> CaseFacts:
    """A ride in progress is happening now: its day count is 0 when nothing states one.
    Resolved here, not left to each reader, so the situation, ``ask`` and the guard (which
    reads the resolved facts the pipeline returns) agree that it is within every window."""
    if facts.ride_status == "in_progress" and facts.days_since_ride is None:
        return facts.with_age(days=0)
    return facts


def merge_facts(question_facts: CaseFacts, case: CaseFacts | None) -> CaseFacts:
    """Console fields over the question's, then the ride timing settled."""
    merged = question_facts if case is None else case.merged_over(question_facts)
    return with_ride_timing(merged)


def resolve_facts(
    question: str, case: CaseFacts | None = None, today: date | None = None
) -> CaseFacts:
    """The question's facts under the console's: explicit console fields win."""
    return merge_facts(extract_facts(question, today), case)
