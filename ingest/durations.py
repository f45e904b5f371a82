"""Korean durations and relative days: "24시간 이내", "1년 경과", "3개월 전", "하루 지남",
"이틀째", "탄 지 사흘 넘었", "어제 저녁", "30분 전".

One reader for both sides: playbook headings state windows with it ("하차 후 24시간 이내" is
an hour window, "3일 이후" a day window) and questions state the ride's age with it, so a
phrasing understood in one is understood in the other. Calendar dates ("11월 20일", "지난주
화요일") need today's date and are read in ``rag.dates``.

Counts are digits, Sino-Korean (삼, 십오, 이십) or native (한, 두, 열두, 스무) numerals, or a
day word (하루 … 열흘, 보름). The relation after the count says how the amount bounds the age:
``ago`` (전, 째, 된, 만에), ``past`` (지났, 경과), ``over`` (넘, 초과, 이후), ``at_least``
(이상), ``within`` (이내, 안에, 까지, 이하), ``under`` (미만).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final, Literal

Relation = Literal["ago", "past", "over", "at_least", "within", "under"]

#: Hours per unit. A month is 30 days and a year 365, as the playbooks count them.
UNIT_HOURS: Final[Mapping[str, int]] = {
    "분": 0,  # minutes count as hours below one: "30분 전" is 0 hours
    "시간": 1,
    "일": 24,
    "주": 24 * 7,
    "주일": 24 * 7,
    "개월": 24 * 30,
    "달": 24 * 30,
    "년": 24 * 365,
}
#: Day words, counted in days ("이틀 전", "보름 지났").
DAY_WORDS: Final[Mapping[str, int]] = {
    "하루": 1,
    "이틀": 2,
    "사흘": 3,
    "나흘": 4,
    "닷새": 5,
    "엿새": 6,
    "이레": 7,
    "여드레": 8,
    "아흐레": 9,
    "열흘": 10,
    "보름": 15,
}
NATIVE_COUNTS: Final[Mapping[str, int]] = {
    "한": 1,
    "두": 2,
    "세": 3,
    "석": 3,
    "네": 4,
    "넉": 4,
    "다섯": 5,
    "여섯": 6,
    "일곱": 7,
    "여덟": 8,
    "아홉": 9,
    "열": 10,
    "열한": 11,
    "열두": 12,
    "스무": 20,
    "스물": 20,
}
SINO_DIGITS: Final[Mapping[str, int]] = {
    "일": 1,
    "이": 2,
    "삼": 3,
    "사": 4,
    "오": 5,
    "육": 6,
    "칠": 7,
    "팔": 8,
    "구": 9,
}
#: (relation, its surface forms). Longer forms first inside one alternation.
RELATIONS: Final[tuple[tuple[Relation, str], ...]] = (
    ("under", r"미만|안 ?(?:됐|된|돼|되었|지났|지난|넘)|못 ?(?:됐|된|돼|넘)"),
    ("within", r"이내|안에|안쪽|안으로|까지|이하|내(?:에|로)?(?![가-힣])|안(?![가-힣])"),
    ("at_least", r"이상"),
    ("over", r"넘(?:었|은|긴|김|어|음|게|고|는)?|초과|이후|후|지나서"),
    ("past", r"지났|지난|지나|지남|경과"),
    ("ago", r"전|前|째|차(?![가-힣])|된|됐|되었|되어|돼|만에|인데|이에요|입니다|건"),
)
#: Words between the amount and the relation ("3일 정도 지났", "하루가 넘었").
_FILLER = r"(?:\s*(?:이|가|은|는|을|를|정도|쯤|가량|좀|조금|약간|남짓|가까이|이나|나|밖에))*\s*"
#: Fixed relative days ("어제 저녁"), no date needed. Checked after the counted forms.
FIXED_DAYS: Final[tuple[tuple[int, str], ...]] = (
    (3, r"그끄저께|그끄제"),
    (2, r"엊그저께|엊그제|그저께|그제(?!서)"),
    (1, r"어제|어저께|전날|간밤|yesterday"),
    (0, r"오늘|금일|방금|아까|조금 ?전|좀 ?전|몇 ?분 ?전|today|just now"),
)
_PART_OF_DAY = r"(?:\s*(?:아침|오전|오후|저녁|밤|새벽|낮|점심|중))?"
#: "D+2": the agents' day count after the ride.
_D_PLUS = re.compile(r"(?<![a-z])d ?\+ ?(?P<n>\d{1,4})(?!\d)")
#: English counts as agents type them ("a week ago", "two days ago").
_ENGLISH_COUNTS: Final[dict[str, int]] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
    "fifteen": 15, "twenty": 20, "thirty": 30, "a couple of": 2, "a few": 3,
}  # fmt: skip
_ENGLISH_HOURS = re.compile(
    r"(?<![a-z])(?P<n>\d{1,4}|"
    + "|".join(sorted(_ENGLISH_COUNTS, key=len, reverse=True)).replace(" ", r"\s+")
    + r")\s*(?P<u>hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
)
#: Hours per English unit (a month is 30 days and a year 365, as above).
_ENGLISH_UNIT_HOURS: Final[tuple[tuple[str, int], ...]] = (
    ("hour", 1), ("hr", 1), ("day", 24), ("week", 168), ("month", 720), ("year", 8760),
)  # fmt: skip

_SINO = r"(?:[이삼사오육칠팔구]?십[일이삼사오육칠팔구]?|[일이삼사오육칠팔구])"
_NATIVE = "|".join(sorted(NATIVE_COUNTS, key=len, reverse=True))
_UNITS = r"시간|개월|주일|주|달|년|일|분"
_COUNTED = re.compile(
    r"(?:(?P<n>\d{1,4})|(?<![가-힣])(?P<sino>"
    + _SINO
    + r")|(?<![가-힣])(?P<native>"
    + _NATIVE
    + r"))\s*(?P<unit>"
    + _UNITS
    + r")"
)
_NOT_NATIVE = frozenset({"일", "년", "분"})
#: What may stand between the parts of one compound duration ("1년 3개월", "1년하고 3개월").
_COMPOUND_GAP = re.compile(r"\s{0,2}(?:하고|와|과|및)?\s{0,2}")
_DAY_WORD = re.compile(r"(?<![가-힣])(?P<word>" + "|".join(DAY_WORDS) + r")")
_RELATION = re.compile(
    _FILLER + "(?P<rel>" + "|".join(f"(?P<{name}>{forms})" for name, forms in RELATIONS) + ")"
)
#: "탄 지 3일", "완료된지 이틀": the count follows "지", so no relation is needed.
_SINCE = re.compile(r"(?:[ㄱ-ㅎ가-힣]\s?)지\s*$")


@dataclass(frozen=True)
class Duration:
    """One duration in a text: its span, amount and how it bounds the age."""

    start: int
    end: int
    hours: int  # the amount, in whole hours (days words and units converted)
    unit: str  # "시간", "일", …, or "day" for day words and fixed days
    relation: Relation

    @property
    def in_hours(self) -> bool:
        """Stated in hours or minutes: an hour window, not a day window."""
        return self.unit in ("시간", "분")

    @property
    def step(self) -> int:
        """One unit of the stated precision, in hours ("7일 넘었" is at least 8 days)."""
        return 1 if self.in_hours else 24

    def age_hours(self) -> int:
        """The ride's age this states, as a question does: "넘었" is one step past it."""
        return self.hours + self.step if self.relation == "over" else self.hours

    def bounds(self) -> tuple[int | None, int | None]:
        """Inclusive (low, high) bounds in hours, as a heading states a window: "3일 이내" →
        (None, 72), "3일 이후" → (96, None). "전"/"째" bound nothing."""
        if self.relation == "within":
            return None, self.hours
        if self.relation == "under":
            return None, self.hours - self.step
        if self.relation in ("past", "over"):
            return self.hours + self.step, None
        if self.relation == "at_least":
            return self.hours, None
        return None, None


def _count(m: re.Match[str]) -> int:
    if m.group("n"):
        return int(m.group("n"))
    if m.group("native"):
        return NATIVE_COUNTS[m.group("native")]
    sino = m.group("sino")
    if "십" in sino:
        tens, _, ones = sino.partition("십")
        return SINO_DIGITS.get(tens, 1) * 10 + SINO_DIGITS.get(ones, 0)
    return SINO_DIGITS[sino]


def _relation(text: str, end: int, after_since: bool) -> tuple[Relation, int] | None:
    m = _RELATION.match(text, end)
    if m is not None:
        name = next(n for n, _ in RELATIONS if m.group(n))
        return name, m.end()
    if after_since:
        return "ago", end
    return None


def _amounts(text: str) -> Iterator[tuple[int, int, int, str]]:
    """(start, end, hours, unit) of every counted amount: "3일", "한 달", "이틀"."""
    for m in _COUNTED.finditer(text):
        unit = m.group("unit")
        if (m.group("native") and unit in _NOT_NATIVE) or (m.group("sino") and unit == "달"):
            continue  # "한 일", "이 달" (this month) are no durations
        count = _count(m)
        if unit == "분":
            yield m.start(), m.end(), count // 60, unit
        else:
            yield m.start(), m.end(), count * UNIT_HOURS[unit], unit
    for m in _DAY_WORD.finditer(text):
        yield m.start(), m.end(), DAY_WORDS[m.group("word")] * 24, "day"


def _compound(text: str) -> list[tuple[int, int, int, str]]:
    """Counted amounts with adjacent ones summed: "1년 3개월", "2시간 30분", "1주 2일" state
    one age (the relation follows the last part); overlapping readings keep the longer one."""
    amounts = sorted(_amounts(text), key=lambda a: (a[0], -(a[1] - a[0])))
    out: list[tuple[int, int, int, str]] = []
    for start, end, hours, unit in amounts:
        if out and start < out[-1][1]:
            continue
        if out and _COMPOUND_GAP.fullmatch(text[out[-1][1] : start]) and hours < out[-1][2]:
            first = out.pop()
            # The finer unit decides how the sum is kept (hours for "2시간 30분").
            out.append((first[0], end, first[2] + hours, unit))
            continue
        out.append((start, end, hours, unit))
    return out


def normal(text: str) -> str:
    """Full-width digits folded (１４일 → 14일), lower case; offsets unchanged for Korean."""
    return "".join(
        c if "\u2460" <= c <= "\u24ff" else unicodedata.normalize("NFKC", c) for c in text
    ).lower()


def read_durations(text: str) -> list[Duration]:
    """Every duration in ``text`` with a relation, in order of position. Overlapping readings
    keep the longer one ("일주일" is one week, not also "일" + "주일")."""
    found: list[Duration] = []
    for start, end, hours, unit in _compound(text):
        after_since = bool(_SINCE.search(text[max(0, start - 4) : start]))
        rel = _relation(text, end, after_since)
        if rel is not None:
            found.append(Duration(start, rel[1], hours, unit, rel[0]))
    for m in _ENGLISH_HOURS.finditer(text):
        per = next(h for u, h in _ENGLISH_UNIT_HOURS if m.group("u").startswith(u))
        count = m.group("n")
        n = int(count) if count.isdigit() else _ENGLISH_COUNTS[re.sub(r"\s+", " ", count)]
        # Hours stay an hour window; days and longer are a day count.
        kept_as = "시간" if per == 1 else "일"
        found.append(Duration(m.start(), m.end(), n * per, kept_as, "ago"))
    for m in _D_PLUS.finditer(text):
        found.append(Duration(m.start(), m.end(), int(m.group("n")) * 24, "day", "ago"))
    for days, pattern in FIXED_DAYS:
        for m in re.finditer("(?:" + pattern + ")" + _PART_OF_DAY, text):
            found.append(Duration(m.start(), m.end(), days * 24, "day", "ago"))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[Duration] = []
    for d in found:
        if kept and d.start < kept[-1].end:
            continue
        kept.append(d)
    return kept


def first_age(text: str) -> Duration | None:
    """The first duration that states the ride's age (a question's reading)."""
    durations = read_durations(text)
    return durations[0] if durations else None
