"""Feedback and logs keep no personal value: ``agent-assist serve`` in its own process, real
HTTP, then the SQLite file and the server's own log output are read back.

The property test writes the case's phone, name and plate, each in a random spelling, into
every text field of a feedback body; the check of what was stored is independent of the
guard's detectors (digits of every spelling folded together, spaces removed).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from child_env import child_env
from chroma_server import free_port
from conftest import KB_DIR, MODEL_CACHE
from http_server import serve_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KOREAN_DIGITS = dict(zip("공영일이삼사오육칠팔구", "00123456789", strict=True))
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서준지우현수예하윤도길동영희철성진혜"


@dataclass
class Served:
    url: str
    data_dir: Path
    log_path: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The service over an empty data dir: feedback and the guard need no index."""
    root = tmp_path_factory.mktemp("feedback")
    port = free_port()
    log_path = root / "serve.log"
    env = child_env(
        AGENT_ASSIST_KB_DIR=str(KB_DIR),
        AGENT_ASSIST_DATA_DIR=str(root / "data"),
        AGENT_ASSIST_MODEL_CACHE_DIR=str(MODEL_CACHE),
    )
    with serve_cli(env, port, log_path) as url:
        yield Served(url, root / "data", log_path)


# --- spellings


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str]:
    """(the case's value, a spelling of the same number)."""
    digits = st.lists(st.sampled_from("0123456789"), min_size=8, max_size=8)
    # one repeated digit (010-0000-0000) is a template, not a number: the guard keeps it
    tail = "".join(draw(digits.filter(lambda d: len(set(d)) > 2)))
    value = f"010-{tail[:4]}-{tail[4:]}"
    sep = draw(st.sampled_from(["", "-", " ", ".", " - ", "  "]))
    head = draw(st.sampled_from(["010", "+82 10", "+8210", "82-10"]))
    spelled = f"{head}{sep}{tail[:4]}{sep}{tail[4:]}"
    style = draw(st.sampled_from(["plain", "full-width", "words"]))
    if style == "full-width":
        spelled = spelled.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    elif style == "words" and head == "010":
        words = "공일이삼사오육칠팔구"
        spelled = "".join(words[int(c)] if c.isdigit() else c for c in spelled)
    return value, spelled


@st.composite
def names(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(SURNAMES)) + "".join(
        draw(st.lists(st.sampled_from(GIVEN), min_size=2, max_size=2))
    )
    spelled = draw(st.sampled_from([name, f"{name} 기사님", f"{name}님", f"{name} 씨"]))
    return name, spelled


@st.composite
def plates(draw: st.DrawFn) -> tuple[str, str]:
    front = draw(st.integers(10, 699))
    letter = draw(
        st.sampled_from("가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주하허호배")
    )
    back = draw(st.integers(1000, 9999))
    value = f"{front}{letter}{back}"
    sep = draw(st.sampled_from(["", " "]))
    region = draw(st.sampled_from(["", "서울 ", "경기"]))
    return value, f"{region}{front}{letter}{sep}{back}"


def _folded(text: str) -> str:
    """Digits of every spelling as ASCII, with spaces and separators removed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(KOREAN_DIGITS.get(ch, ch) for ch in text)
    return re.sub(r"[\s\-.+*·]", "", text)


def _stored(data_dir: Path, row_id: int) -> dict[str, object]:
    conn = sqlite3.connect(data_dir / "feedback.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        return dict(conn.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone())
    finally:
        conn.close()


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(phone=phones(), name=names(), plate=plates(), where=st.integers(0, 2))
def test_no_spelling_of_a_case_value_is_stored(
    served: Served,
    phone: tuple[str, str],
    name: tuple[str, str],
    plate: tuple[str, str],
    where: int,
) -> None:
    mentions = [f"기사님 번호 {phone[1]} 맞나요?", f"기사님 성함은 {name[1]}", f"차량 {plate[1]}"]
    # every text field carries every value, in a different order per field
    texts = [" ".join(mentions[(i + where) % 3 :] + mentions[: (i + where) % 3]) for i in range(3)]
    body = {
        "rating": "down",
        "question": texts[0],
        "reply": texts[1],
        "comment": texts[2],
        "case": {
            "service": "pet",
            "driver_phone": phone[0],
            "driver_name": name[0],
            "vehicle_plate": plate[0],
        },
        "chunk_ids": ["004_2b128af64891507b.txt#0005", f"x{phone[1]}"[:200]],
    }
    resp = httpx.post(f"{served.url}/v1/feedback", json=body, timeout=60)
    assert resp.status_code == 201, resp.text
    row = _stored(served.data_dir, resp.json()["id"])
    stored = _folded(
        json.dumps({k: v for k, v in row.items() if k != "created_at"}, ensure_ascii=False)
    )
    digits = phone[0].replace("-", "")
    assert digits[3:] not in stored, (phone, row)
    assert name[0] not in stored, (name, row)
    assert plate[0] not in stored and plate[0][-4:] not in stored, (plate, row)
    facts = json.loads(str(row["facts_json"]))
    assert facts == {
        "service": "pet",
        "has_driver_name": True,
        "has_driver_phone": True,
        "has_vehicle_plate": True,
    }
    assert "004_2b128af64891507b.txt#0005" in str(row["chunk_ids_json"])  # ids survive


def test_the_example_from_the_report_is_stored_masked(served: Served) -> None:
    body = {
        "rating": "down",
        "question": "기사 번호 01087654321 맞나요?",
        "reply": "연락처는 010 8765 4321 입니다.",
        "case": {"driver_phone": "010-8765-4321"},
    }
    resp = httpx.post(f"{served.url}/v1/feedback", json=body, timeout=60)
    assert resp.status_code == 201
    row = _stored(served.data_dir, resp.json()["id"])
    assert row["question"] == "기사 번호 [전화번호] 맞나요?"
    assert row["reply"] == "연락처는 [전화번호] 입니다."


def test_logs_mask_what_the_caller_put_in_paths_and_ids(served: Served) -> None:
    httpx.get(f"{served.url}/v1/01087654321", timeout=30)
    httpx.post(
        f"{served.url}/v1/guard",
        json={"draft": "안녕하세요"},
        headers={"X-Request-ID": "01087654321"},
        timeout=30,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        text = served.log_path.read_text(encoding="utf-8", errors="replace")
        if text.count("POST /v1/guard status=200") >= 1 and "status=404" in text:
            break
        time.sleep(0.2)
    assert "GET /v1/[전화번호] status=404" in text
    assert "POST /v1/guard status=200" in text
    assert "01087654321" not in text and "8765" not in text
