"""Conditions stated by a heading ("[차량번호 요구] [상태값: 운행완료]", "3. 탑승 3일 이후 ~ 14일
이내", "① 분실물, 운행 중 사고발생 …"), read with phrase tables so that any playbook written in the
same style is understood, and combined along a heading path (a child heading refines its parents).

Requests, reasons and topics come from the vocabulary (``ingest/vocabulary.yaml``): a term it
does not know names nothing (``agent-assist kb check`` reports it). The structural phrase tables
below (statuses, history, identity, channel …) are data too: add a phrase here, and a row to the
matching test table.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ingest.chunk import ChunkConditions
from ingest.durations import read_durations
from ingest.vocabulary import Vocabulary, load_vocabulary
from policy_guard.facts import REQUESTS, RIDE_STATUSES

#: The requests for a driver's own data (every spec request but the usage statement).
DRIVER_REQUESTS: tuple[str, ...] = tuple(r for r in REQUESTS if r != "usage_statement")
ALL_STATUSES: tuple[str, ...] = RIDE_STATUSES

#: Phrases that mention personal data without it being the thing asked for: the items of a
#: collection-consent notice, and who the statement is addressed to. Removed before requests
#: are read, so "[탈퇴고객] 개인정보수집동의(성함,…)" does not read as "the driver's name".
_NOT_A_REQUEST = (
    r"(?:개인\s*정보\s*)?수집\s*동의\s*(?:\([^)]*\))?",
    r"닉네임이\s*아닌\s*(?:성함|이름|실명)",
    r"다른\s*(?:이메일|메일|e-?mail)",
)

#: (pattern, statuses). Read inside "상태값: …" when the heading has one, else in the whole text.
STATUS_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"운행\s*완료\s*(?:[xX×✕✗]|아님|제외|이외|외)",
        tuple(s for s in ALL_STATUSES if s != "completed"),
    ),
    (r"운행\s*완료(?!\s*(?:[xX×✕✗]|아님|제외|이외|외|되지))", ("completed",)),
    (r"운행\s*중(?!\s*(?:사고|에|발생))", ("in_progress",)),
    (r"배차\s*전\s*취소", ("cancelled_before_dispatch",)),
    (r"배차\s*후\s*취소", ("cancelled_after_dispatch",)),
    (
        r"승객\s*(?:이|가)?\s*(?:기사\s*(?:님)?\s*(?:를|을)\s*)?신고",
        ("stopped_by_passenger_report",),
    ),
    (r"기사\s*(?:님)?\s*(?:가|이)?\s*(?:승객\s*(?:을|를)\s*)?신고", ("stopped_by_driver_report",)),
)

#: History in the app not available to the customer.
HISTORY_UNAVAILABLE = (
    r"이용\s*기록\s*(?:확인\s*)?(?:불가|안\s*됨|없)",
    r"삭제",
    r"분실(?!물)",
    r"연락\s*불가",
)

#: A clause listing reasons it is NOT for ("…관련되지 않은 기타 일반적인 상황").
_NEGATION = re.compile(r"관련\s*되?\s*지\s*않|관련\s*없|무관|제외|아닌\s*경우")

IDENTITY_PHRASES = (r"본인\s*확인", r"본인\s*인증")
WITHDRAWN_PHRASES = (r"탈퇴",)
ALT_RECIPIENT_PHRASES = (
    r"다른\s*(?:이메일|메일|e-?mail|주소)",
    r"닉네임이\s*아닌\s*(?:성함|이름|실명)",
    r"실명\s*으로",
)
#: (pattern, channel): a table row or heading that names the channel the wording is for
#: ("채팅", "[전화 상담 시]"), not "기사 전화번호". A text naming both ("[채팅-전화]") states
#: neither.
CHANNEL_PHRASES: tuple[tuple[str, str], ...] = (
    (r"^\W*(?:채팅|챗)\W*$|(?:채팅|챗)\s*(?:상담|인입|응대)", "chat"),
    (r"^\W*(?:전화|유선)\W*$|(?:전화|유선)\s*(?:상담|인입|응대)|콜\s*상담", "phone"),
)
FALLBACK_PHRASES = (r"기타\s*(?:상황|문의|사항|사유)", r"기간\s*경과", r"기본\s*안내")
PERSISTENT_PHRASES = (r"지속\s*(?:적\s*(?:으로|인)\s*)?(?:요구|요청|문의)", r"계속\s*(?:요구|요청)")
#: A "기타 …" heading is the counterpart of the reasons its earlier siblings name.
OTHER_SITUATION = re.compile(r"기타")


def _any(patterns: Iterable[str], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


def _normal(text: str) -> str:
    """Full-width digits and letters folded (１４일 → 14일); circled digits left alone."""
    return "".join(
        c if "\u2460" <= c <= "\u24ff" else unicodedata.normalize("NFKC", c) for c in text
    )


def read_requests(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The requests a heading names, from the vocabulary; a term it does not know names none."""
    vocab = vocabulary or load_vocabulary()
    for pattern in _NOT_A_REQUEST:
        text = re.sub(pattern, " ", text)
    found: list[str] = []
    for term in vocab.requests:
        if term.named_in(text):
            found.extend(v for v in (term.means or [term.id]) if v not in found)
    return found


def read_topics(text: str, vocabulary: Vocabulary | None = None) -> list[str]:
    """The topics a heading names ("[분실물 전달 - 택배]" → delivery)."""
    vocab = vocabulary or load_vocabulary()
    return [t.id for t in vocab.topics if t.named_in(text)]


def read_statuses(text: str) -> list[str]:
    clauses = re.findall(r"상태\s*값\s*[:：]\s*([^\]\)]*)", text)
    if not clauses:
        if "상태값" in text.replace(" ", ""):  # "상태값 상관없음": no status stated
            return []
        clauses = [text]
    found: list[str] = []
    for clause in clauses:
        for pattern, values in STATUS_PHRASES:
            if re.search(pattern, clause):
                found.extend(v for v in values if v not in found)
    return [s for s in ALL_STATUSES if s in found]


Window = tuple[int | None, int | None]


def read_windows(text: str) -> tuple[Window, Window]:
    """Inclusive (day, hour) bounds: "3일 이내" → days (None, 3), "3일 이후" → days (4, None),
    "1년 경과" → days (366, None), "하차 후 24시간 이내" → hours (None, 24). Contradicting
    bounds in one heading are a remark, not a range: nothing is stated."""
    days: list[int | None] = [None, None]
    hours: list[int | None] = [None, None]
    for duration in read_durations(text):
        low, high = duration.bounds()
        target, per = (hours, 1) if duration.in_hours else (days, 24)
        if low is not None:
            bound = low // per
            target[0] = bound if target[0] is None else max(target[0], bound)
        if high is not None:
            bound = high // per
            target[1] = bound if target[1] is None else min(target[1], bound)
    windows: list[Window] = []
    for low, high in (days, hours):
        windows.append(
            (None, None) if low is not None and high is not None and low > high else (low, high)
        )
    return windows[0], windows[1]


def read_days(text: str) -> Window:
    """The day window alone (see ``read_windows``)."""
    return read_windows(text)[0]


def _day_is_one_alternative(text: str) -> bool:
    """ "법원,경찰서 제출 / 재차 요청 / 1년 경과건": a list of three or more triggers, any of
    which leads here; the day range is one trigger among others, not a requirement. (Two parts,
    "탑승 7일 이내 / 이용기록 확인 안내", are a window and what to do in it.)"""
    parts = re.split(r"\s+/\s+", text)
    with_days = sum(
        1 for part in parts if any(d.bounds() != (None, None) for d in read_durations(part))
    )
    return len(parts) >= 3 and 0 < with_days < len(parts)


def read_reasons(text: str, vocabulary: Vocabulary | None = None) -> tuple[list[str], list[str]]:
    """(reasons the heading is for, reasons it excludes), clause by clause."""
    vocab = vocabulary or load_vocabulary()
    clauses = [*re.findall(r"\(([^()]*)\)", text), re.sub(r"\([^()]*\)", " ", text)]
    wanted: list[str] = []
    excluded: list[str] = []
    for clause in clauses:
        target = excluded if _NEGATION.search(clause) else wanted
        for term in vocab.reasons:
            if term.named_in(clause) and term.id not in target:
                target.append(term.id)
    return wanted, excluded


def read_channel(text: str) -> str | None:
    named = {channel for pattern, channel in CHANNEL_PHRASES if re.search(pattern, text)}
    return named.pop() if len(named) == 1 else None


def read_conditions(heading: str) -> ChunkConditions:
    """The conditions one heading states (not its parents)."""
    text = _normal(heading)
    no_window: tuple[Window, Window] = ((None, None), (None, None))
    days, hours = no_window if _day_is_one_alternative(text) else read_windows(text)
    reasons, excluded = read_reasons(text)
    unavailable = _any(HISTORY_UNAVAILABLE, text)
    return ChunkConditions(
        requests=read_requests(text),
        ride_statuses=read_statuses(text),
        days_min=days[0],
        days_max=days[1],
        hours_min=hours[0],
        hours_max=hours[1],
        history_available=False if unavailable else None,
        reasons=reasons,
        reasons_excluded=excluded,
        identity_required=True if _any(IDENTITY_PHRASES, text) else None,
        withdrawn=True if _any(WITHDRAWN_PHRASES, text) else None,
        alt_recipient=True if _any(ALT_RECIPIENT_PHRASES, text) else None,
        channel=read_channel(text),
        fallback=_any(FALLBACK_PHRASES, text),
        persistent=_any(PERSISTENT_PHRASES, text),
        topics=read_topics(text),
    )


def states_window(conditions: ChunkConditions) -> bool:
    """A time window (days, and any other ``*_min`` / ``*_max`` bound): the heading is one
    window of a numbered partition ("1. 탑승 3일 이내", "2. 탑승 3일 이후")."""
    return any(value is not None for name, value in conditions if name.endswith(("_min", "_max")))


def is_other_situation(heading: str) -> bool:
    return bool(OTHER_SITUATION.search(heading))


def _intersect(
    parent: tuple[int | None, int | None], child: tuple[int | None, int | None]
) -> tuple[int | None, int | None]:
    lows = [x for x in (parent[0], child[0]) if x is not None]
    highs = [x for x in (parent[1], child[1]) if x is not None]
    low = max(lows) if lows else None
    high = min(highs) if highs else None
    if low is not None and high is not None and low > high:
        return parent  # the child's phrase is a remark ("14일 경과 등으로 OB 필요 시")
    return low, high


def merge_conditions(parent: ChunkConditions, child: ChunkConditions) -> ChunkConditions:
    """A child heading refines its parent: what it states replaces the parent's statement (day
    ranges intersect); flags (fallback, persistent) hold for the whole sub-tree."""
    parent_days = (parent.days_min, parent.days_max)
    parent_hours = (parent.hours_min, parent.hours_max)
    if child.ride_statuses and not set(child.ride_statuses) & set(parent.ride_statuses):
        # Day windows are stated for the parent's statuses ("운행완료 3일 이내"); a block for
        # other statuses ("[상태값: 배차 후 취소]") does not inherit them.
        parent_days = parent_hours = (None, None)
    days = _intersect(parent_days, (child.days_min, child.days_max))
    hours = _intersect(parent_hours, (child.hours_min, child.hours_max))

    def pick(a: object, b: object) -> object:
        return b if b not in (None, []) else a

    excluded = list(parent.reasons_excluded)
    excluded += [r for r in child.reasons_excluded if r not in excluded]
    values = {
        name: pick(getattr(parent, name), getattr(child, name))
        for name in ChunkConditions.model_fields
        if name
        not in {
            "days_min",
            "days_max",
            "hours_min",
            "hours_max",
            "reasons_excluded",
            "fallback",
            "persistent",
            "open",
        }
    }
    # Open conditions hold along the path: a child's add to its parents', and a child that
    # states a polarity of the parent's mention refines it ("영수증 확인" > "영수증 없음").
    opened = [
        o
        for o in parent.open
        if not (
            o.polarity == "mention"
            and any(c.polarity != "mention" and set(o.words) <= set(c.words) for c in child.open)
        )
    ]
    opened += [c for c in child.open if all(c != o for o in opened)]
    return ChunkConditions.model_validate(
        {
            **values,
            "days_min": days[0],
            "days_max": days[1],
            "hours_min": hours[0],
            "hours_max": hours[1],
            "reasons_excluded": excluded,
            "fallback": parent.fallback or child.fallback,
            "persistent": parent.persistent or child.persistent,
            "open": opened,
        }
    )
