"""Latency of the conversation assist on a 10-turn chat against ``ask`` on the same chat pasted
as one question (customer turns joined), in the same run.

    .venv/bin/python benchmarks/bench_assist.py [--data-dir DIR] [--rounds N]

Each round alters the chats (another day count, another 제출처) so neither path is served from
the embedder's query cache; assist and ask alternate so both see the same machine load. With no
``--data-dir`` the knowledge base is ingested into a temporary directory first. Target: assist
p95 within 1.5x ask p95 (the turns are read cheaply, one retrieval per request).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from core.settings import Settings  # noqa: E402
from ingest.pipeline import ingest_kb  # noqa: E402
from policy_guard.facts import CaseFacts  # noqa: E402
from rag.conversation.assist import AssistRequest, ConversationAssistant  # noqa: E402
from rag.pipeline import build_pipeline  # noqa: E402

PLACES = ("법원", "경찰서", "구청", "보험사", "세무서", "주민센터", "회사", "검찰청")


def _chats(n: int) -> list[dict[str, Any]]:
    """Two 10-turn chats per round: a 대리 statement procedure and a 펫 phone request."""
    place = PLACES[n % len(PLACES)]
    month = 1 + n % 12
    statement = [
        ("customer", f"대리 이용내역서가 필요해요. {place}에 내야 해서요 ({n}번째 문의)"),
        (
            "agent",
            "이용내역서는 이용자 본인에게만 발급해드리고 있어요. "
            "카카오 T 앱을 통해 호출하신 본인이십니까?",
        ),
        ("customer", "네 제가 불렀어요"),
        ("agent", "이용내역서 발급을 위해 아래 내용 확인 부탁드려요."),
        ("customer", f"{place} 제출용이고 대리 앱으로 불렀어요"),
        ("agent", "취소내역 포함 여부와 발급요청 기간도 알려주세요."),
        ("customer", f"취소내역은 빼주세요. 2025년 {month}월 1일부터 2025년 {month}월 28일까지요"),
        ("agent", "앱에 등록되어 있는 카카오계정의 이메일 주소로 발송해 드리면 될까요?"),
        ("customer", "아니요 다른 메일로 받고 싶어요"),
        ("agent", "개인정보 수집 동의가 필요합니다. 수집 항목 : 성함, 이메일주소"),
    ]
    day = 2 + n % 12
    phone = [
        ("customer", f"펫 기사님 번호 알 수 있을까요? {day}일 전에 탔어요"),
        ("agent", "기사님 개인정보가 필요하신 사유를 말씀할 수 있으실까요?"),
        ("customer", "그냥 연락드릴 일이 있어서요"),
        (
            "agent",
            "요청하신 기사님의 연락처 정보는 본인 동의 없이 제공이 어려운 점 양해 부탁드립니다.",
        ),
        ("customer", "아 잘못 말했네요, 어제 탔어요"),
        ("agent", "확인해 보겠습니다."),
        ("customer", "이용기록도 지웠어요"),
        ("agent", "잠시만 기다려 주세요."),
        ("customer", f"빨리 알려주세요 ({n})"),
        ("agent", "확인 중입니다."),
    ]
    return [
        {"conversation": [{"role": r, "text": t} for r, t in chat], "case": case}
        for chat, case in (
            (statement, {"service": "daeri"}),
            (
                phone,
                {"service": "pet", "ride_status": "completed", "driver_phone": "010-0000-0000"},
            ),
        )
    ]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    tmp = None
    data_dir = args.data_dir
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory()
        data_dir = Path(tmp.name)
    settings = Settings(
        kb_dir=REPO / "kb", data_dir=data_dir, model_cache_dir=REPO / ".data" / "models"
    )
    if args.data_dir is None:
        ingest_kb(settings)
    pipeline = build_pipeline(settings)
    assistant = ConversationAssistant(pipeline)
    for item in _chats(90_000):  # warm-up: models, BM25, procedures
        request = AssistRequest.model_validate(item)
        assistant.assist(request)
        pipeline.suggest("\n".join(t.text for t in request.conversation if t.role == "customer"))
    assist_ms: list[float] = []
    ask_ms: list[float] = []
    overhead_ms: list[float] = []  # reading the turns + choosing the step, inside assist
    for n in range(args.rounds):
        # Each path gets chats of its own, so neither reuses the other's query vectors; the
        # order alternates so neither always runs right after the other.
        for item, pasted in zip(_chats(n), _chats(n + 5_000), strict=True):
            pasted_request = AssistRequest.model_validate(pasted)
            question = "\n".join(
                t.text for t in pasted_request.conversation if t.role == "customer"
            )
            case = CaseFacts.model_validate(pasted["case"])
            request = AssistRequest.model_validate(item)
            for path in ("ask", "assist") if n % 2 == 0 else ("assist", "ask"):
                started = time.perf_counter()
                if path == "ask":
                    pipeline.suggest(question, case)  # the chat pasted as one question
                    ask_ms.append((time.perf_counter() - started) * 1000)
                else:
                    result = assistant.assist(request)
                    assist_ms.append((time.perf_counter() - started) * 1000)
                    overhead_ms.append(result.timings_ms["turns"] + result.timings_ms["steps"])
    a95, q95 = _pct(assist_ms, 0.95), _pct(ask_ms, 0.95)
    print(f"chats={len(assist_ms)} turns_per_chat=10 load_avg_1m={os.getloadavg()[0]:.2f}")
    print(f"ask    p50={_pct(ask_ms, 0.5):7.1f} ms  p95={q95:7.1f} ms")
    print(f"assist p50={_pct(assist_ms, 0.5):7.1f} ms  p95={a95:7.1f} ms")
    print(f"assist/ask p95 ratio={a95 / q95:.2f} (target <= 1.5)")
    print(
        f"assist's own work (turns + step) p50={_pct(overhead_ms, 0.5):.1f} ms "
        f"p95={_pct(overhead_ms, 0.95):.1f} ms"
    )
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
