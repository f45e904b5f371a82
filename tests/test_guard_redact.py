"""``redact``: every personal value the guard reads is masked, whatever the case allows; company
numbers, ordinary text and templates stay as they are."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evals.mutations import MUTATIONS
from policy_guard import CaseFacts, redact
from policy_guard.canonical import canonical
from policy_guard.lexicon import load_lexicon
from policy_guard.text import fold_lookalikes

# Spellings the canonical reading reads (the fuzzer's own rewrites of a value).
OBFUSCATIONS = {
    name: (lambda f: lambda value: f(value, CaseFacts()) or value)(MUTATIONS[name])
    for name in ("circled", "superscript", "bold", "particles", "positional", "nul")
}
OBFUSCATIONS["english"] = lambda value: MUTATIONS["english_words"](value, CaseFacts()) or value

LEX = load_lexicon()
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# The case allows every disclosure it can: redaction must not care.
OPEN_CASE = CaseFacts(
    ride_status="completed", days_since_ride=1, history_available=False, driver_consent=True
)

FRAGMENTS = [
    "기사님 연락처는",
    "고객님,",
    "확인 부탁드립니다.",
    "차량 정보는",
    "입니다",
    "로 연락 주세요",
    "안내드릴게요.",
    "요청하신 정보는",
    "참고해 주세요:",
    "감사합니다",
    "차량번호는",
]
context = st.lists(st.sampled_from(FRAGMENTS), max_size=3).map(" ".join)
joiner = st.sampled_from(["", " ", "\n", ": "])
KOREAN_DIGITS = {d: [w for w, v in LEX.digit_words.items() if v == d] for d in range(10)}
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
PLATE_LETTERS = list(LEX.plate_letters)


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    tail = draw(st.text("0123456789", min_size=8, max_size=8).filter(lambda t: t.strip("0")))
    return "010" + tail


def _korean(draw: st.DrawFn, digits: str) -> str:
    return "".join(draw(st.sampled_from(KOREAN_DIGITS[int(c)])) for c in digits)


@st.composite
def phone_spellings(draw: st.DrawFn, digits: str) -> str:
    groups = [digits[:3], digits[3:7], digits[7:]]
    style = draw(
        st.sampled_from(
            ["dash", "dot", "space", "none", "intl", "full", "split", "korean", *OBFUSCATIONS]
        )
    )
    if style in OBFUSCATIONS:
        return OBFUSCATIONS[style]("-".join(groups))
    if style == "korean":
        return draw(st.sampled_from([" ", "-", ""])).join(_korean(draw, g) for g in groups)
    if style == "split":
        return draw(st.sampled_from([" ", "-"])).join(digits)
    if style == "intl":
        return "+82 " + "-".join([groups[0][1:], *groups[1:]])
    if style == "full":
        return "-".join(groups).translate(FULL_WIDTH)
    sep = {"dash": "-", "dot": ".", "space": " ", "none": ""}[style]
    return sep.join(groups)


@st.composite
def plates(draw: st.DrawFn) -> str:
    front = draw(st.text("0123456789", min_size=2, max_size=3).filter(lambda t: t[0] != "0"))
    back = draw(st.text("0123456789", min_size=4, max_size=4))
    return f"{front}{draw(st.sampled_from(PLATE_LETTERS))}{back}"


@st.composite
def plate_spellings(draw: st.DrawFn, plate: str) -> str:
    front, letter, back = plate[:-5], plate[-5], plate[-4:]
    sep = draw(st.sampled_from(["", " ", "-"]))
    region = draw(st.sampled_from(["", "서울 ", "경기"]))
    plain = f"{region}{front}{sep}{letter}{sep}{back}"
    styles = ["plain", "plate_roman", "plate_spaced", "bold"]
    if letter not in LEX.digit_words:  # 일공오공공공공: a digit-word letter reads as a digit
        styles.append("plate_words")
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return plain
    return MUTATIONS[style](plain, CaseFacts()) or plain


def _digits_left(text: str) -> str:
    """Every digit still readable, in the plain or the canonical reading."""
    plain = fold_lookalikes(text)
    return "".join(c for c in canonical(plain).text if c.isascii() and c.isdigit())


@SETTINGS
@given(data=st.data(), digits=mobile_numbers())
def test_no_digit_of_a_phone_is_left_in_any_spelling(data: st.DataObject, digits: str) -> None:
    spelling = data.draw(phone_spellings(digits))
    text = (
        data.draw(context) + data.draw(joiner) + spelling + data.draw(joiner) + data.draw(context)
    )
    out = redact(text, OPEN_CASE.model_copy(update={"driver_phone": digits}))
    assert _digits_left(out) == ""
    assert spelling not in out
    assert "[전화번호]" in out


@SETTINGS
@given(data=st.data(), plate=plates())
def test_no_digit_of_a_plate_is_left_in_any_spelling(data: st.DataObject, plate: str) -> None:
    spelling = data.draw(plate_spellings(plate))
    text = data.draw(context) + " " + spelling + " " + data.draw(context)
    out = redact(text, OPEN_CASE.model_copy(update={"vehicle_plate": plate}))
    assert _digits_left(out) == ""
    assert "[차량번호]" in out


def test_each_kind_gets_its_own_mask() -> None:
    text = (
        "이영희 기사님 연락처는 010-8765-4321, 차량은 서울 12가 3456, "
        "계좌는 우리은행 1002-345-678901, 주민번호 851212-2345678입니다."
    )
    out = redact(text, CaseFacts(driver_name="이영희"))
    assert out == (
        "[이름] 기사님 연락처는 [전화번호], 차량은 [차량번호], "
        "계좌는 우리은행 [계좌번호], 주민번호 [개인정보]입니다."
    )


def test_company_numbers_templates_and_ordinary_text_stay() -> None:
    text = (
        "안심연결 발신번호는 1551-5009이며, 고객센터 1599-9400으로 문의해 주세요. "
        "기사님 연락처는 000-0000-0000 형식으로 안내됩니다. 2024.11.06 14:30, 결제 12,000원."
    )
    assert redact(text) == text


def test_partial_numbers_are_masked() -> None:
    assert redact("기사님 번호 뒷자리는 4321입니다.") == "기사님 번호 뒷자리는 [전화번호]입니다."
