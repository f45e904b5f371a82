"""Calendar dates in the question ("11월 20일", "11/20", "2026-11-20", "지난주 금요일",
"지난달 말", "작년") turned into whole days before ``today``.

A date is read only when it names one day (or a span no wider than the day windows can
tolerate, see ``VAGUE_EXACT_FROM``). A date in the future, or one that does not exist
("2월 30일"), is unknown: the disclosure windows take the restrictive branch for unknown days,
so guessing would be the unsafe direction. A month and day without a year that would lie in
the future means last year ("12월 30일" asked on 1 January).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

#: A vague span ("지난달 말": the 21st to the month's end) gives a day count only when even
#: its latest day is this many days back or more: within two weeks the windows (3, 7, 14
#: days) need the exact day, so the agent asks instead.
VAGUE_EXACT_FROM: Final = 15

WEEKDAYS: Final = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}

# "2026-11-20", "2026.11.20", "2026/11/20", "2026년 11월 20일".
_FULL = re.compile(
    r"(?<!\d)(?P<y>20\d{2})\s*(?:[-./]|년)\s*(?P<m>\d{1,2})\s*(?:[-./]|월)\s*(?P<d>\d{1,2})"
    r"(?!\d)(?:\s*일)?"
)
# "작년 11월 20일", "11월 20일", "11/20" (a slash pair: "11.20" stays a number).
_MONTH_DAY = re.compile(
    r"(?:(?P<rel>작년|지난 ?해|올해|금년)\s*)?"
    r"(?:(?<!\d)(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일|"
    r"(?<![\d/])(?P<sm>\d{1,2})/(?P<sd>\d{1,2})(?![\d/]))"
)
# "지난달 20일", "이번 달 3일".
_REL_MONTH_DAY = re.compile(
    r"(?P<rel>지난 ?달|저번 ?달|전 ?달|이번 ?달|이 ?달)\s*(?P<d>\d{1,2})\s*일"
)
# "지난달 말", "저번 달 초", "이번 달 중순".
_REL_MONTH_PART = re.compile(
    r"(?P<rel>지난 ?달|저번 ?달|전 ?달|이번 ?달|이 ?달)\s*(?P<part>말|초|중순|하순|상순)"
)
# "지난주 금요일", "저번 주 금", "이번 주 월요일", "지지난주 화요일".
_WEEK_DAY = re.compile(
    r"(?P<rel>지지난 ?주|저저번 ?주|지난 ?주|저번 ?주|전 ?주|이번 ?주|이 ?주|금주)"
    r"(?:\s*(?:에|의))?\s*(?P<wd>[월화수목금토일])(?:요일|욜|(?![가-힣]))"
)

# "작년 3월", "2024년 3월" (no day): the month's last day is the nearest the phrase can mean.
_YEAR_MONTH = re.compile(
    r"(?:(?<![가-힣])(?P<rel>재작년|작년|지난 ?해|올해|금년)|(?<!\d)(?P<y>20\d{2})\s*년)"
    r"\s*(?P<m>\d{1,2})\s*월(?!\s*\d)"
)
# "작년 초", "재작년 여름", "2024년 하반기": the part's last day, likewise.
_YEAR_PART = re.compile(
    r"(?:(?<![가-힣])(?P<rel>재작년|작년|지난 ?해|올해|금년)|(?<!\d)(?P<y>20\d{2})\s*년)"
    r"\s*(?:도\s*)?(?P<part>초|초반|상반기|봄|중반|여름|가을|하반기|말|연말|겨울)"
)
#: A part of a year -> the month it ends with.
_PART_END: Final = {
    "초": 3, "초반": 3, "봄": 5, "상반기": 6, "중반": 8, "여름": 8, "가을": 11,
    "하반기": 12, "말": 12, "연말": 12, "겨울": 12,
}  # fmt: skip
# "2024년 건" (a year alone): its last day.
_YEAR = re.compile(r"(?<!\d)(?P<y>20\d{2})\s*년(?!\s*\d)")
# "작년", "재작년", "지난해": the year's last day is the nearest the phrase can mean.
_REL_YEAR = re.compile(r"(?<![가-힣])(?P<rel>재작년|작년|지난 ?해)")

_LAST_MONTH = ("지난", "저번", "전")
_WEEKS_BACK = {
    "지지난": 2,
    "저저번": 2,
    "지난": 1,
    "저번": 1,
    "전": 1,
    "이번": 0,
    "이": 0,
    "금주": 0,
}


@dataclass(frozen=True)
class CalendarMention:
    """One calendar expression: where it is, and its day count (``None``: unknown)."""

    start: int
    end: int
    days: int | None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _days(day: date | None, today: date) -> int | None:
    if day is None or day > today:
        return None
    return (today - day).days


def _month_back(today: date, back: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - back
    return index // 12, index % 12 + 1


def _month_end(year: int, month: int) -> int:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def _month_day(m: re.Match[str], today: date) -> int | None:
    month = int(m.group("m") or m.group("sm"))
    day = int(m.group("d") or m.group("sd"))
    rel = (m.group("rel") or "").replace(" ", "")
    if rel in ("작년", "지난해"):
        return _days(_valid(today.year - 1, month, day), today)
    this_year = _valid(today.year, month, day)
    if rel in ("올해", "금년"):
        return _days(this_year, today)
    if this_year is not None and this_year > today:
        # No year named and it would be in the future: last year's date.
        return _days(_valid(today.year - 1, month, day), today)
    return _days(this_year, today)


def _rel_month_day(m: re.Match[str], today: date) -> int | None:
    back = 1 if m.group("rel").replace(" ", "").startswith(_LAST_MONTH) else 0
    year, month = _month_back(today, back)
    return _days(_valid(year, month, int(m.group("d"))), today)


def _rel_month_part(m: re.Match[str], today: date) -> int | None:
    back = 1 if m.group("rel").replace(" ", "").startswith(_LAST_MONTH) else 0
    year, month = _month_back(today, back)
    # The span's latest day gives the count: the fewest days the phrase can mean.
    last = {"초": 10, "상순": 10, "중순": 20}.get(m.group("part"), _month_end(year, month))
    nearest = _days(date(year, month, last), today)
    if nearest is None or nearest < VAGUE_EXACT_FROM:
        return None
    return nearest


def _week_day(m: re.Match[str], today: date) -> int | None:
    rel = m.group("rel").replace(" ", "")
    weekday = WEEKDAYS[m.group("wd")]
    back = next(n for key, n in _WEEKS_BACK.items() if rel.startswith(key))
    monday = today - timedelta(days=today.weekday() + 7 * back)
    return _days(monday + timedelta(days=weekday), today)


def _year_of(m: re.Match[str], today: date) -> int:
    if m.group("y"):
        return int(m.group("y"))
    rel = m.group("rel").replace(" ", "")
    return today.year - {"재작년": 2, "작년": 1, "지난해": 1}.get(rel, 0)


def _month_last_day(year: int, month: int, today: date) -> int | None:
    """Days back to the month's last day, or to today within the month itself; a month
    still to come is unknown."""
    if not 1 <= month <= 12:
        return None
    last = date(year, month, _month_end(year, month))
    if last > today:
        return 0 if (year, month) == (today.year, today.month) else None
    return _days(last, today)


def _year_month(m: re.Match[str], today: date) -> int | None:
    days = _month_last_day(_year_of(m, today), int(m.group("m")), today)
    return days if days is not None and days >= VAGUE_EXACT_FROM else None


def _year_part(m: re.Match[str], today: date) -> int | None:
    days = _month_last_day(_year_of(m, today), _PART_END[m.group("part")], today)
    return days if days is not None and days >= VAGUE_EXACT_FROM else None


def _year(m: re.Match[str], today: date) -> int | None:
    days = _month_last_day(int(m.group("y")), 12, today)
    return days if days is not None and days >= VAGUE_EXACT_FROM else None


def _rel_year(m: re.Match[str], today: date) -> int | None:
    back = 2 if m.group("rel") == "재작년" else 1
    return _days(date(today.year - back, 12, 31), today)


def _full(m: re.Match[str], today: date) -> int | None:
    return _days(_valid(int(m.group("y")), int(m.group("m")), int(m.group("d"))), today)


_READERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str], date], int | None]], ...] = (
    (_FULL, _full),
    (_REL_MONTH_DAY, _rel_month_day),
    (_REL_MONTH_PART, _rel_month_part),
    (_WEEK_DAY, _week_day),
    (_MONTH_DAY, _month_day),
    (_YEAR_MONTH, _year_month),
    (_YEAR_PART, _year_part),
    (_YEAR, _year),
    (_REL_YEAR, _rel_year),
)


def calendar_mentions(text: str, today: date) -> Iterator[CalendarMention]:
    """Every calendar expression in ``text`` (normalised), earlier readers claiming their
    span first ("2026년 11월 20일" is one date, not also "11월 20일")."""
    claimed: list[tuple[int, int]] = []
    for pattern, read in _READERS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in claimed):
                continue
            claimed.append((m.start(), m.end()))
            yield CalendarMention(m.start(), m.end(), read(m, today))
