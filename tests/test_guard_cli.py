"""``agent-assist guard``: single drafts, JSON output, JSONL in order, bad lines and bad facts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from api.cli import main

REPO = Path(__file__).resolve().parents[1]
PHONE = "기사님 연락처는 010-8765-4321입니다."


def test_single_draft_json(capsys: pytest.CaptureFixture[str]) -> None:
    case = json.dumps({"ride_status": "completed", "days_since_ride": 6})
    assert main(["guard", "--draft", PHONE, "--case", case, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["allowed"] is False
    (v,) = out["violations"]
    assert v["rule"] == "driver-phone"
    assert PHONE[v["span"][0] : v["span"][1]] == v["text"] == "010-8765-4321"
    assert set(v) == {"rule", "span", "text", "clause", "message"}


def test_single_draft_text(capsys: pytest.CaptureFixture[str]) -> None:
    open_case = json.dumps(
        {"ride_status": "completed", "days_since_ride": 1, "history_available": False}
    )
    assert main(["guard", "--draft", PHONE, "--case", open_case]) == 0
    assert capsys.readouterr().out.strip() == "allowed"
    assert main(["guard", "--draft", PHONE]) == 0
    text = capsys.readouterr().out
    assert text.startswith("blocked") and "driver-phone" in text and "010-8765-4321" in text


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ('{"days": 3}', "days"),
        ('{"days_since_ride": "3"}', "days_since_ride"),
        ('{"ride_status": "finished"}', "ride_status"),
        ("[1, 2]", "JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_case_is_a_clear_user_error(
    case: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["guard", "--draft", PHONE, "--case", case]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_needs_a_draft(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guard"]) == 2
    assert "--draft" in capsys.readouterr().err


def test_jsonl_in_order_with_a_bad_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        {"draft": PHONE, "case": {"days_since_ride": 9}},
        {"draft": "차량번호는 56다7890입니다.", "case": {"ride_status": "completed"}},
        "this is not json",
        {"draft": "", "case": {}},
        {"draft": PHONE, "case": {"days": 1}},
        {"id": "x", "draft": "안녕하세요, 무엇을 도와드릴까요?"},
    ]
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([lines[0], "", *lines[1:]]) + "\n", encoding="utf-8")
    assert main(["guard", "--jsonl", str(path)]) == 2
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 6
    assert [v["rule"] for v in out[0]["violations"]] == ["driver-phone"]
    assert [v["rule"] for v in out[1]["violations"]] == ["vehicle-plate"]
    assert out[2]["error"].startswith("line 4:")  # the blank line 2 is skipped, still counted
    assert "draft" in out[3]["error"]
    assert "days" in out[4]["error"]
    assert out[5] == {"id": "x", "allowed": True, "violations": []}


def test_jsonl_all_valid_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps({"draft": PHONE}) + "\n", encoding="utf-8")
    assert main(["guard", "--jsonl", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["allowed"] is False


def test_jsonl_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guard", "--jsonl", "/nonexistent/in.jsonl"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_jsonl_from_stdin_through_the_installed_entry_point() -> None:
    drafts = [f"기사님 연락처는 010-1234-{i:04d}입니다." for i in range(1, 30)]
    payload = "".join(
        json.dumps({"id": i, "draft": d, "case": {"days_since_ride": i % 6}}) + "\n"
        for i, d in enumerate(drafts)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "api.cli", "guard", "--jsonl", "-"],
        input=payload,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == list(range(len(drafts)))
    for o, d in zip(out, drafts, strict=True):
        (v,) = o["violations"]
        assert v["text"] == d[v["span"][0] : v["span"][1]]
