"""Kiwi morpheme tokens for BM25: particles and endings go, content and numbers stay."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.synonyms import CANONICAL, SYNONYM_GROUPS
from rag.tokenizer import fold_width_case, tokenize, tokenize_many


def test_particles_and_endings_are_stripped() -> None:
    terms = tokenize("기사님의 연락처를 알려주세요")
    assert "기사" in terms
    assert "연락처" in terms
    for functional in ("의", "를", "님", "세요", "주", "기사님의", "연락처를"):
        assert functional not in terms


def test_the_same_noun_with_different_particles_gives_the_same_term() -> None:
    forms = ["차량번호가", "차량번호를", "차량번호는", "차량번호도"]
    term_sets = [set(tokenize(f)) for f in forms]
    assert all("차량번호" in terms for terms in term_sets)


def test_numbers_are_kept_with_their_unit() -> None:
    assert "3일" in tokenize("탑승 3일 이내")
    assert "14일" in tokenize("14일이 지나지 않았다면")
    assert "7일" in tokenize("7일 이후에는")
    assert "1551-5009" in tokenize("발신번호는 1551-5009로 적용되며")
    # Full-width digits (pasted from other tools) read as ASCII digits.
    assert "3일" in tokenize("３일 전")


def test_bare_numbers_are_kept() -> None:
    terms = tokenize("12가3456 차량")
    assert "3456" in terms


def test_spacing_does_not_change_the_compound() -> None:
    assert "차량번호" in tokenize("차량 번호 알려주세요")
    assert "차량번호" in tokenize("차량번호 알려주세요")
    assert "이용기록" in tokenize("이용 기록에서 확인")
    assert "이용기록" in tokenize("이용기록에서 확인")


def test_slang_and_variants_meet_their_canonical_term() -> None:
    assert "연락처" in tokenize("기사 전번 좀 알려주세요")
    assert "연락처" in tokenize("기사님 전화번호 알려주세요")
    assert "차량번호" in tokenize("차번 알려달래요")
    assert "이름" in tokenize("기사님 성함이 궁금해요")
    assert "계좌번호" in tokenize("기사 통장 알려주세요")


def test_every_synonym_group_is_consistent() -> None:
    for canonical, variants in SYNONYM_GROUPS.items():
        assert canonical not in variants
        for variant in variants:
            assert CANONICAL[variant.lower()] == canonical


def test_light_verbs_are_dropped_but_content_verbs_stay() -> None:
    terms = tokenize("이용기록을 삭제했어요. 확인이 안 돼요")
    assert "하" not in terms
    assert "되" not in terms
    assert "삭제" in terms
    terms = tokenize("가방을 두고 내렸어요")
    assert "내리" in terms
    assert "가방" in terms


def test_empty_and_blank_texts() -> None:
    assert tokenize("") == []
    assert tokenize("   \n") == []
    assert tokenize_many(["", "기사 연락처", " "]) == [[], tokenize("기사 연락처"), []]


def test_batch_matches_one_by_one() -> None:
    texts = [
        "펫 이용하신 고객님이 오늘 내린 기사님 전화번호를 물어보세요",
        "6일 전 펫 운행완료, 이용기록 삭제해서 차량번호 확인이 안 된대요",
        "대리 이용내역서를 구청에 제출해야 한대요",
        "킥보드 충전 요금 문의",
    ]
    assert tokenize_many(texts) == [tokenize(t) for t in texts]


def test_concurrent_use_gives_the_same_terms() -> None:
    texts = [f"{n}일 전 펫 이용 기사 연락처 요청 {n}번" for n in range(40)]
    expected = [tokenize(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(tokenize, texts))
    assert got == expected


def test_normalise_folds_width_and_case() -> None:
    assert fold_width_case("ＫａｋａｏＴ １２") == "kakaot 12"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_clean_terms(text: str) -> None:
    terms = tokenize(text)
    assert all(isinstance(t, str) and t and not any(c.isspace() for c in t) for t in terms)
