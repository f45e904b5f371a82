"""Property tests: any driver phone, plate, account or name value, in any supported spelling,
embedded anywhere in Korean text, is caught whenever the rule forbids it; the same drafts pass
where the rule allows them; and no text at all makes the guard raise."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from policy_guard import CaseFacts, check
from policy_guard.lexicon import load_lexicon, load_words_with_ending

LEX = load_lexicon()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Neutral Korean fragments (no digits, no names, no promises) to embed values in.
FRAGMENTS = [
    "기사님 연락처는",
    "고객님,",
    "확인 부탁드립니다.",
    "차량 정보는",
    "입니다",
    "이에요",
    "로 연락 주세요",
    "안내드릴게요.",
    "양해 부탁드립니다",
    "잠시만 기다려 주세요!",
    "요청하신 정보는",
    "참고해 주세요:",
    "감사합니다",
    "(확인됨)",
    "운행 관련",
    "번호",
]
context = st.lists(st.sampled_from(FRAGMENTS), max_size=4).map(" ".join)
joiner = st.sampled_from(["", " ", "\n", ": "])

KOREAN_DIGITS = {d: [w for w, v in LEX.digit_words.items() if v == d] for d in range(10)}
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")


@st.composite
def phone_numbers(draw: st.DrawFn) -> str:
    prefix, rest = draw(
        st.sampled_from(
            [
                ("010", 8),
                ("011", 7),
                ("016", 8),
                ("02", 7),
                ("02", 8),
                ("031", 7),
                ("051", 8),
                ("064", 7),
                ("070", 8),
                ("0505", 7),
                ("0507", 8),
            ]
        )
    )
    tail = draw(st.text("0123456789", min_size=rest, max_size=rest).filter(lambda t: t.strip("0")))
    return prefix + tail


def _groups(digits: str) -> list[str]:
    head = 2 if digits.startswith("02") else 4 if digits.startswith("050") else 3
    rest = digits[head:]
    mid = len(rest) - 4
    return [digits[:head], rest[:mid], rest[mid:]]


@st.composite
def phone_spellings(draw: st.DrawFn, digits: str) -> tuple[str, bool]:
    """A spelling of ``digits`` and whether it is written in Korean digit words."""
    style = draw(
        st.sampled_from(
            ["dash", "dot", "space", "none", "intl", "full", "split", "korean", "mixed"]
        )
    )
    groups = _groups(digits)
    if style == "korean":
        words = ["".join(draw(st.sampled_from(KOREAN_DIGITS[int(c)])) for c in g) for g in groups]
        return draw(st.sampled_from([" ", "-", ""])).join(words), True
    if style == "split":
        return draw(st.sampled_from([" ", "-", " - "])).join(digits), False
    if style == "intl":
        return "+82 " + "-".join([groups[0][1:], *groups[1:]]), False
    if style == "full":
        return "-".join(groups).translate(FULL_WIDTH), False
    if style == "mixed":
        return f"{groups[0]}-{groups[1]} {groups[2]}", False
    sep = {"dash": "-", "dot": ".", "space": " ", "none": ""}[style]
    return sep.join(groups), False


def phone_closed_cases() -> st.SearchStrategy[dict[str, Any]]:
    """Cases where the driver's phone may not be given (unknown facts included)."""
    status = st.sampled_from([None, "in_progress", "completed", "cancelled_after_dispatch"])
    return st.fixed_dictionaries(
        {
            "ride_status": status,
            "days_since_ride": st.none() | st.integers(0, 60),
            "history_available": st.sampled_from([None, True, False]),
            "driver_consent": st.sampled_from([None, False]),
        }
    ).filter(
        lambda c: (
            not (
                c["ride_status"] in ("in_progress", "completed")
                and c["days_since_ride"] is not None
                and c["days_since_ride"] <= 3
                and c["history_available"] is False
            )
        )
    )


def _embed(draw: st.DrawFn, value: str, spaced: bool = False) -> tuple[str, int]:
    before, after = draw(context), draw(context)
    left = " " if spaced else draw(joiner)
    right = " " if spaced else draw(joiner)
    draft = before + left + value + right + after
    return draft, len(before) + len(left)


def _covers(draft: str, rule: str, case: CaseFacts, start: int, end: int) -> bool:
    return any(
        v.rule == rule and v.span == (start, end) and v.text == draft[start:end]
        for v in check(draft, case).violations
    )


@SETTINGS
@given(data=st.data(), digits=phone_numbers(), facts=phone_closed_cases())
def test_any_phone_spelling_is_caught_when_closed(
    data: st.DataObject, digits: str, facts: dict[str, Any]
) -> None:
    value, korean = data.draw(phone_spellings(digits))
    draft, start = _embed(data.draw, value, spaced=korean)
    case = CaseFacts.model_validate({k: v for k, v in facts.items() if v is not None})
    if korean and draft[start + len(value) :].lstrip().startswith(("이", "일")):
        # "… 일일일 이에요": the copula reads as one more digit; still caught, the span longer
        assert any(
            v.rule == "driver-phone" and v.span[0] == start and v.span[1] >= start + len(value)
            for v in check(draft, case).violations
        ), draft
    else:
        assert _covers(draft, "driver-phone", case, start, start + len(value)), draft


@SETTINGS
@given(
    data=st.data(),
    digits=phone_numbers(),
    days=st.integers(0, 3),
    status=st.sampled_from(["in_progress", "completed"]),
    consent=st.booleans(),
)
def test_phone_stays_allowed_when_open(
    data: st.DataObject, digits: str, days: int, status: str, consent: bool
) -> None:
    value, korean = data.draw(phone_spellings(digits))
    draft, start = _embed(data.draw, value, spaced=korean)
    # "… 공일일 이에요": a digit word that is also the copula right after Korean digit words
    # reads either way; the guard takes the longer number, the restrictive reading.
    assume(not (korean and draft[start + len(value) :].lstrip().startswith(("이", "일"))))
    facts: dict[str, Any] = {"driver_phone": "-".join(_groups(digits))}
    if consent:
        facts.update(driver_consent=True, days_since_ride=days + 30)
    else:
        facts.update(ride_status=status, days_since_ride=days, history_available=False)
    verdict = check(draft, CaseFacts.model_validate(facts))
    assert verdict.allowed, (draft, verdict.violations)


@st.composite
def plates(draw: st.DrawFn) -> tuple[str, str]:
    """(spelling, plain plate)."""
    front = draw(st.text("0123456789", min_size=2, max_size=3))
    letter = draw(st.sampled_from(LEX.plate_letters))
    back = draw(st.text("0123456789", min_size=4, max_size=4).filter(lambda t: t.strip("0")))
    sep = draw(st.sampled_from(["", " ", "-"]))
    region = draw(st.sampled_from(["", *LEX.plate_regions])) + draw(st.sampled_from(["", " "]))
    region = region if region.strip() else ""
    spelling = f"{region}{front}{sep}{letter}{sep}{back}"
    if draw(st.booleans()):
        spelling = spelling.translate(FULL_WIDTH)
    return spelling, f"{front}{letter}{back}"


@SETTINGS
@given(
    data=st.data(),
    plate=plates(),
    days=st.none() | st.integers(0, 60),
    history=st.sampled_from([None, True, False]),
    status=st.sampled_from([None, "completed", "in_progress", "stopped_by_passenger_report"]),
)
def test_any_plate_spelling_is_caught_when_closed(
    data: st.DataObject, plate: tuple[str, str], days: int | None, history: Any, status: Any
) -> None:
    if status == "completed" and days is not None and days <= 7 and history is False:
        days += 8
    value, _plain = plate
    draft, start = _embed(data.draw, value)
    case = CaseFacts.model_validate(
        {"ride_status": status, "days_since_ride": days, "history_available": history}
    )
    assert _covers(draft, "vehicle-plate", case, start, start + len(value)), draft


@SETTINGS
@given(data=st.data(), plate=plates(), days=st.integers(0, 7))
def test_plate_stays_allowed_when_open(
    data: st.DataObject, plate: tuple[str, str], days: int
) -> None:
    value, plain = plate
    draft, _ = _embed(data.draw, value)
    case = CaseFacts(
        ride_status="completed", days_since_ride=days, history_available=False, vehicle_plate=plain
    )
    verdict = check(draft, case)
    assert verdict.allowed, (draft, verdict.violations)


ACCOUNT_SHAPES = [(3, 3, 6), (3, 2, 6), (4, 3, 6), (4, 2, 7), (6, 2, 6), (3, 6, 5), (3, 4, 4, 2)]


@st.composite
def accounts(draw: st.DrawFn) -> str:
    shape = draw(st.sampled_from(ACCOUNT_SHAPES))
    groups = [draw(st.text("0123456789", min_size=n, max_size=n)) for n in shape]
    groups[0] = draw(st.sampled_from("123456789")) + groups[0][1:]
    joined = draw(st.sampled_from(["-", " ", ""])).join(groups)
    return joined


@SETTINGS
@given(
    data=st.data(),
    number=accounts(),
    lead=st.sampled_from([*LEX.bank_names, "계좌", "계좌번호는", "입금 계좌:", "송금 계좌"]),
    consent=st.booleans(),
)
def test_any_account_is_caught(data: st.DataObject, number: str, lead: str, consent: bool) -> None:
    value = f"{lead} {number}"
    draft, start = _embed(data.draw, value)
    start += len(lead) + 1
    case = CaseFacts(driver_consent=consent)
    violations = check(draft, case).violations
    assert any(
        v.rule in ("driver-account", "personal-id") and v.span == (start, start + len(number))
        for v in violations
    ), (draft, violations)


@st.composite
def names(draw: st.DrawFn) -> str:
    surname = draw(st.sampled_from([s for s in LEX.surnames if len(s) == 1][:60]))
    given = draw(st.lists(st.sampled_from(LEX.given_name_syllables), min_size=2, max_size=2))
    return surname + "".join(given)


@SETTINGS
@given(data=st.data(), name=names(), consent=st.booleans())
def test_console_name_in_any_form_is_caught(data: st.DataObject, name: str, consent: bool) -> None:
    form = data.draw(st.sampled_from(["verbatim", "spaced", "masked", "masked_mid"]))
    value = {
        "verbatim": name,
        "spaced": " ".join(name),
        "masked": name[0] + "**",
        "masked_mid": name[0] + "*" + name[2],
    }[form]
    draft, start = _embed(data.draw, value, spaced=form.startswith("masked"))
    case = CaseFacts(driver_name=name, driver_consent=consent)
    assert _covers(draft, "driver-name", case, start, start + len(value)), draft


@SETTINGS
@given(data=st.data(), name=names())
def test_introduced_names_are_caught(data: st.DataObject, name: str) -> None:
    templates = ["기사님 성함은 {}입니다", "기사 이름: {}"]
    # 성실한 기사님: a description; 최강가 기사님: an ordinary word and its ending (최강 + 가)
    ordinary = name[2] in load_words_with_ending().get(name[:2], "")
    if not name.endswith(LEX.name_modifier_endings) and not ordinary:
        templates.append("{} 기사님이 배정되었어요")
    template = data.draw(st.sampled_from(templates))
    body = template.format(name)
    draft, start = _embed(data.draw, body, spaced=True)
    start += body.index(name)
    assert _covers(draft, "driver-name", CaseFacts(), start, start + len(name)), draft


@SETTINGS
@given(draft=st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=8).map(" ".join))
def test_neutral_text_stays_allowed(draft: str) -> None:
    assert check(draft, CaseFacts()).allowed


case_facts = st.builds(
    CaseFacts,
    request=st.sampled_from([None, "driver_phone", "usage_statement"]),
    ride_status=st.sampled_from([None, "completed", "in_progress"]),
    days_since_ride=st.none() | st.integers(0, 100),
    history_available=st.sampled_from([None, True, False]),
    driver_consent=st.sampled_from([None, True, False]),
    identity_verified=st.sampled_from([None, True, False]),
    withdrawn=st.sampled_from([None, True, False]),
    driver_name=st.none() | st.text(max_size=8),
    driver_phone=st.none() | st.text(max_size=20),
    vehicle_plate=st.none() | st.text(max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(draft=st.text(max_size=300), case=case_facts)
def test_no_exception_on_any_unicode_text(draft: str, case: CaseFacts) -> None:
    verdict = check(draft, case)
    assert verdict.allowed == (not verdict.violations)
    for v in verdict.violations:
        assert 0 <= v.span[0] <= v.span[1] <= len(draft)
        assert draft[v.span[0] : v.span[1]] == v.text


@settings(max_examples=200, deadline=None)
@given(
    draft=st.text(
        alphabet=st.sampled_from(
            [
                *"0123456789０１２３４５６７８９-. +()*O가다서울공일이삼사오육칠팔구기사님성함은",
                "\u200b",
                "\n",
            ]
        ),
        max_size=120,
    ),
    case=case_facts,
)
def test_no_exception_on_digit_heavy_text(draft: str, case: CaseFacts) -> None:
    verdict = check(draft, case)
    for v in verdict.violations:
        assert draft[v.span[0] : v.span[1]] == v.text
