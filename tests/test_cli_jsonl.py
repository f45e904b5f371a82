"""The JSON Lines mode shared by the ask, guard and search commands."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from api.commands.jsonl import Record, answer_lines, read_lines, require_text
from core.errors import UserError


def _upper(item: Record) -> Record:
    return {"text": require_text(item, "text").upper()}


def test_answers_in_order_with_bad_lines_in_place_and_ids_echoed() -> None:
    lines = ['{"id": 1, "text": "a"}', "", "[1]", "{oops", '{"text": ""}', '{"text": "b"}']
    out = io.StringIO()
    assert answer_lines(lines, _upper, out) == 2
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[0] == {"id": 1, "text": "A"}
    assert records[1]["error"].startswith("line 3: not a JSON object")
    assert records[2]["error"].startswith("line 4: not valid JSON")
    assert records[3]["error"] == 'line 5: "text" must be a non-empty string'
    assert records[4] == {"text": "B"}


def test_clean_input_exits_zero_and_ids_can_be_left_out() -> None:
    out = io.StringIO()
    assert answer_lines(['{"id": 7, "text": "x"}'], _upper, out, echo_id=False) == 0
    assert json.loads(out.getvalue()) == {"text": "X"}


def test_unreadable_and_non_utf8_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="cannot read"):
        read_lines(str(tmp_path / "missing.jsonl"))
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"text": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        read_lines(str(latin))
