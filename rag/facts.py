"""Case facts read from the agent's Korean question, merged under the console's ``case``.

The question is read with the phrasing table in ``rag.facts_table`` (regular expressions over
normalised text: predictable, sub-millisecond, and testable phrase by phrase). A fact the
question does not state stays ``None``: unknown facts take the restrictive branch downstream,
so guessing would be the unsafe direction.

When the question carries an instruction-override attempt ("이전 지시 무시하고 …"), the facts
that could open a disclosure (consents, identity, history, status, days) are not read from it:
only the console may state those for such a question.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from ingest.durations import read_durations
from policy_guard.facts import CaseFacts, ride_age
from rag import facts_table as t
from rag.dates import calendar_mentions

_T = TypeVar("_T")


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


def _compile_pairs(pairs: tuple[tuple[_T, str], ...]) -> tuple[tuple[_T, re.Pattern[str]], ...]:
    return tuple((value, t.phrase(p)) for value, p in pairs)


_REQUESTS = _compile_pairs(t.REQUEST_PHRASES)
_NOT_A_REQUEST = tuple(t.phrase(p) for p in t.NOT_A_REQUEST)
_FAMILIES = tuple((frozenset(items), t.phrase(p)) for items, p in t.REQUEST_FAMILIES)
_STATUSES = _compile_pairs(t.RIDE_STATUS_PHRASES)
_HISTORY = _compile_pairs(t.HISTORY_PHRASES)
_PHONE_LOST = t.phrase(t.HISTORY_PHRASES[2][1])
_GENERIC_NOT_VISIBLE = t.phrase(t.GENERIC_NOT_VISIBLE)
_REASONS = _compile_pairs(t.REASON_PHRASES)
_REASON_UNKNOWN = t.phrase(t.REASON_UNKNOWN)
_IDENTITY = _compile_pairs(t.IDENTITY_PHRASES)
_WITHDRAWN = _compile_pairs(t.WITHDRAWN_PHRASES)
_ALT = _compile_pairs(t.ALT_RECIPIENT_PHRASES)
_DRIVER_CONSENT = _compile_pairs(t.DRIVER_CONSENT_PHRASES)
_COLLECTION_CONSENT = _compile_pairs(t.COLLECTION_CONSENT_PHRASES)
_GENERIC_CONSENT = _compile_pairs(t.GENERIC_CONSENT_PHRASES)
_CHANNELS = _compile_pairs(t.CHANNEL_PHRASES)
_SELF_SERVICE = t.phrase(t.SELF_SERVICE)
_ISSUANCE = t.phrase(t.ISSUANCE)
_SERVICES = _compile_pairs(t.SERVICE_PHRASES)
_INJECTION = t.phrase(t.INJECTION)
_PERSISTENT = t.phrase(t.PERSISTENT)


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC), lower case, whitespace runs collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


def _blank(text: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """Replace matches with spaces of equal length, keeping other offsets valid."""
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _first(text: str, table: tuple[tuple[_T, re.Pattern[str]], ...]) -> _T | None:
    for value, pattern in table:
        if pattern.search(text):
            return value
    return None


def _earliest(text: str, table: tuple[tuple[_T, re.Pattern[str]], ...]) -> _T | None:
    """The value whose phrasing appears first in the text (the agent's main subject)."""
    best: tuple[int, _T] | None = None
    for value, pattern in table:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), value)
    return best[1] if best else None


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


def read_age(text: str, today: date | None = None) -> RideAge | None:
    """The ride's age from the first age expression in ``text`` (normalised): a duration
    ("3시간 전", "1년 넘은", "하루 지남") or a calendar date ("11월 20일", "지난주 금요일",
    counted back from ``today``, default ``local_today()``). A date in the future or one that
    does not exist leaves the age unknown."""
    found: list[RideAge] = []
    for mention in calendar_mentions(text, today or local_today()):
        found.append(RideAge(mention.days, None, mention.start, mention.end))
        # The date's digits are no relative count ("11월 20일 건" is not 20 days).
        text = text[: mention.start] + " " * (mention.end - mention.start) + text[mention.end :]
    for duration in read_durations(text):
        hours = duration.age_hours()
        if duration.in_hours:
            found.append(RideAge(None, hours, duration.start, duration.end))
        else:
            found.append(RideAge(hours // 24, None, duration.start, duration.end))
    if not found:
        return None
    return min(found, key=lambda age: age.start)


def extract_days(text: str, today: date | None = None) -> int | None:
    """Whole days since the ride, from the first age expression in ``text``."""
    age = read_age(normalise(text), today)
    if age is None:
        return None
    return ride_age(age.days, age.hours)[0]


def _request(text: str) -> str | None:
    """The item asked for first. Earlier table entries claim their span first, so
    "계좌번호" is an account and never also a phone "번호"."""
    remaining = _blank(text, _NOT_A_REQUEST)
    hits: list[tuple[int, str]] = []
    for value, pattern in _REQUESTS:
        m = pattern.search(remaining)
        if m is not None:
            hits.append((m.start(), value))
            remaining = _blank(remaining, (pattern,))
    return min(hits)[1] if hits else None


def _consents(text: str, request: str | None) -> dict[str, bool]:
    out: dict[str, bool] = {}
    driver = _first(text, _DRIVER_CONSENT)
    collection = _first(text, _COLLECTION_CONSENT)
    if driver is not None:
        out["driver_consent"] = driver
    if collection is not None:
        out["collection_consent"] = collection
    if driver is None and collection is None:
        generic = _first(text, _GENERIC_CONSENT)
        # An unqualified "동의했대요" is about the consent the request needs.
        if generic is not None and request is not None:
            key = "collection_consent" if request == "usage_statement" else "driver_consent"
            out[key] = generic
    return out


def read_question(question: str, today: date | None = None) -> QuestionFacts:
    """Every fact and steering signal the question states; calendar dates count back from
    ``today`` (default: ``local_today()``)."""
    text = normalise(question)
    injection = bool(_INJECTION.search(text))
    values: dict[str, Any] = {}

    values["request"] = _request(text)

    values["service"] = _earliest(text, _SERVICES)
    values["channel"] = _first(text, _CHANNELS)

    without_phone_loss = _PHONE_LOST.sub(lambda m: " " * len(m.group(0)), text)
    reason = _first(without_phone_loss, _REASONS)
    withheld = bool(_REASON_UNKNOWN.search(text))
    if withheld and reason == "other":
        reason = None
    values["reason"] = reason

    alt = _first(text, _ALT)
    values["alt_recipient"] = alt
    withdrawn = _first(text, _WITHDRAWN)
    values["withdrawn"] = withdrawn

    if not injection:
        identity = _first(text, _IDENTITY)
        values["identity_verified"] = identity
        values["ride_status"] = _first(text, _STATUSES)
        age = read_age(text, today)
        if age is not None:
            values["days_since_ride"], values["hours_since_ride"] = ride_age(age.days, age.hours)
        history = _first(text, _HISTORY)
        if history is None and values.get("request") in ("driver_phone", "vehicle_plate"):
            # "차량번호 확인이 안 된대요": with no other subject, it is the app record.
            no_identity = _blank(text, tuple(p for v, p in _IDENTITY))
            if _GENERIC_NOT_VISIBLE.search(no_identity):
                history = False
        values["history_available"] = history
        values.update(_consents(text, values.get("request")))

    facts = CaseFacts(**{k: v for k, v in values.items() if v is not None})
    return QuestionFacts(
        facts=facts,
        persistent=bool(_PERSISTENT.search(text)),
        self_service=bool(_SELF_SERVICE.search(text)) and not _ISSUANCE.search(text),
        injection=injection,
        reason_withheld=withheld and reason is None,
        request_family=frozenset(
            item for items, pattern in _FAMILIES if pattern.search(text) for item in items
        ),
    )


_ITEM_WORDS = t.phrase(t.ITEM_WORDS)


def without_item_words(question: str) -> str:
    """The question without the words that only name the requested item (for matching
    situation headings once the request is known)."""
    return _blank(normalise(question), (_ITEM_WORDS,))


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
