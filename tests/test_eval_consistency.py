"""Paraphrase consistency (pass^k): a situation passes only if every phrasing of it passes."""

from __future__ import annotations

import json
from pathlib import Path

from evals.datasets import load_dataset
from evals.evaluators import EvalResult
from evals.metrics import consistency, suggest_metrics
from evals.runner import SuggestResult


def _result(case_id: str, group: str | None, passed: bool) -> SuggestResult:
    tags = [f"group:{group}"] if group else []
    return SuggestResult(
        id=case_id,
        question="q",
        tags=tags,
        checks=[EvalResult(name="include", passed=passed, reason="")],
    )


def test_a_group_fails_when_one_phrasing_fails() -> None:
    results = [
        _result("a1", "a", True),
        _result("a2", "a", True),
        _result("b1", "b", True),
        _result("b2", "b", False),
        _result("c1", None, False),
    ]
    got = consistency(results)
    assert (got["groups"], got["all_passed"], got["pass_k"]) == (2, 1, 0.5)
    assert got["failing_groups"] == ["b"]
    assert "group:a" not in suggest_metrics(results)["by_tag"]


def test_the_group_field_and_expect_grounded_load(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    rows = [
        {
            "id": "x1",
            "group": "g",
            "question": "택시 요금 문의",
            "case": {},
            "source": None,
            "include_any": [],
            "exclude": [],
            "expect_grounded": False,
        },
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    [case] = load_dataset(path).suggest
    assert case.group == "g" and case.grounded is False and "group:g" in case.tags


def test_the_blind_sets_load() -> None:
    blind = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "blind"
    para = load_dataset(blind / "paraphrases.jsonl").suggest
    assert len(para) >= 100 and len({c.group for c in para}) >= 20
    assert len(load_dataset(blind / "claims.jsonl").suggest) >= 60
    assert len(load_dataset(blind / "guard_blind.jsonl").guard) >= 100


def test_the_later_held_out_sets_load_and_name_their_playbooks() -> None:
    blind = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "blind"
    set2 = load_dataset(blind / "set2" / "paraphrases.jsonl").suggest
    assert len(set2) >= 150 and len({c.group for c in set2}) >= 25
    assert len(load_dataset(blind / "set2" / "chats.jsonl").chats) >= 30
    shipped = {p.name for p in (blind / "services" / "kb").glob("*.txt")}
    for name in ("questions_taxi_bike.jsonl", "questions_parking_quick.jsonl"):
        cases = load_dataset(blind / "services" / name).suggest
        assert len(cases) >= 80
        # every answerable question names a playbook of the folder; the others expect none
        assert all(c.source in shipped or c.grounded is False for c in cases)
