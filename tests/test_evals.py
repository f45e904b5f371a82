"""Evaluation building blocks: dataset loading, section labels, evaluators, metrics, gates,
comparison and the report. No model is loaded here (see test_evals_cli for the real run)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from core.errors import UserError
from evals.compare import compare_metrics, direction, format_diffs
from evals.datasets import (
    DatasetError,
    GuardCase,
    SuggestCase,
    default_dataset_paths,
    load_dataset,
    load_datasets,
)
from evals.evaluators import EvalResult, evaluate_suggestion, evaluate_verdict, phrase_in
from evals.metrics import flatten, guard_metrics, percentiles, suggest_metrics
from evals.report import render_report
from evals.runner import GuardResult, SuggestResult, run_guard
from evals.sections import section_matches
from evals.thresholds import check_thresholds, parse_threshold
from ingest.chunker import chunk_document
from policy_guard import check
from policy_guard.facts import CaseFacts
from policy_guard.verdict import RuleId, Verdict, Violation
from rag.contract import Citation, Suggestion

KB_DIR = Path(__file__).resolve().parents[1] / "kb"

PET = "004_2b128af64891507b.txt"
ALL_RULES = {
    "driver-name",
    "driver-account",
    "driver-phone",
    "vehicle-plate",
    "statement-identity",
    "statement-consent",
    "personal-id",
}


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- datasets


def test_project_datasets_are_large_valid_and_cover_every_rule() -> None:
    data = load_datasets(default_dataset_paths())
    assert len(data.suggest) >= 150
    assert len(data.guard) >= 150
    assert {r for c in data.guard for r in c.rules} == ALL_RULES
    # Both outcomes for every rule-gated disclosure, and playbook sentences that must pass.
    assert any(c.allowed and "playbook" in c.tags for c in data.guard)
    assert sum(1 for c in data.suggest if c.grounded is False) >= 10
    assert any("injection" in c.tags for c in data.suggest)
    assert {c.source for c in data.suggest if c.source} == {p.name for p in KB_DIR.glob("*.txt")}


def test_every_section_label_names_a_real_section_of_its_playbook() -> None:
    """A label that matches no chunk would fail for any retriever: a broken label, not a
    finding. Checked against the real chunker's heading paths."""
    sections: dict[str, list[str]] = {}
    for path in sorted(KB_DIR.glob("*.txt")):
        chunks = chunk_document(path.name, path.read_text(encoding="utf-8"))
        sections[path.name] = [c.section for c in chunks]
    data = load_datasets(default_dataset_paths())
    labels = {(c.source, c.section) for c in data.suggest if c.source and c.section}
    assert labels
    for source, label in labels:
        assert any(section_matches(label, s) for s in sections[source]), (source, label)


def test_every_guard_label_follows_the_consent_rule_of_the_spec() -> None:
    """A spot check of the generated labels against the table: driver consent opens the phone
    and the plate, never the name or the account."""
    data = load_datasets(default_dataset_paths())
    consented = [c for c in data.guard if c.case.driver_consent is True]
    assert consented
    for c in consented:
        assert "driver-phone" not in c.rules and "vehicle-plate" not in c.rules, c.id


def test_loader_names_the_line_of_a_bad_record(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "draft": "안녕하세요", "allowed": True, "rules": []})
    bad = json.dumps({"id": "b", "draft": "x", "allowed": True, "rules": ["driver-phone"]})
    path = _write(tmp_path / "g.jsonl", [good, "", bad])
    with pytest.raises(DatasetError, match=r"g\.jsonl:3: invalid guard case"):
        load_dataset(path)
    _write(path, [good, "{not json"])
    with pytest.raises(DatasetError, match=r"g\.jsonl:2: not valid JSON"):
        load_dataset(path)
    _write(path, [good, good])
    with pytest.raises(DatasetError, match="duplicate guard case id 'a'"):
        load_dataset(path)
    unknown_rule = json.dumps({"id": "c", "draft": "x", "allowed": False, "rules": ["nope"]})
    _write(path, [unknown_rule])
    with pytest.raises(DatasetError, match=r":1: invalid guard case: rules\.0"):
        load_dataset(path)
    assert issubclass(DatasetError, UserError)


def test_loader_rejects_bad_facts_and_regexes(tmp_path: Path) -> None:
    bad_fact = {"id": "s", "question": "q", "case": {"days_since_ride": "3"}, "include_any": []}
    path = _write(tmp_path / "s.jsonl", [json.dumps(bad_fact)])
    with pytest.raises(DatasetError, match=r"s\.jsonl:1: .*case\.days_since_ride"):
        load_dataset(path)
    bad_re = {"id": "s", "question": "q", "include_any": [], "exclude": ["("]}
    _write(path, [json.dumps(bad_re)])
    with pytest.raises(DatasetError, match="not a regex"):
        load_dataset(path)


def test_yaml_list_and_mapping_forms(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(
        "suggest:\n"
        "  - id: y1\n    question: 기사님 이름 알려주세요\n    source: a.txt\n"
        "guard:\n"
        "  - id: y2\n    draft: 안녕하세요\n    allowed: true\n"
        "retrieval:\n"
        "  - id: y3\n    question: 이용내역서\n    source: b.txt\n",
        encoding="utf-8",
    )
    data = load_dataset(path)
    assert [c.id for c in data.suggest] == ["y1"]
    assert [c.id for c in data.guard] == ["y2"]
    assert [c.id for c in data.retrieval_cases()] == ["y3", "y1"]
    path.write_text("- id: z\n  draft: x\n  allowed: maybe\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"cases\.yaml:\[1\]: invalid guard case: allowed"):
        load_dataset(path)


# --- section labels


@pytest.mark.parametrize(
    ("label", "section", "expected"),
    [
        ("탑승 3일 이내$", "Q1 > [기사 연락처 요구] > 1. 탑승 3일 이내", True),
        ("탑승 3일 이내$", "Q1 > 2. 탑승 3일 이내 (이용기록 삭제 등의 사유로 연락불가)", False),
        ("탑승 3일 이내 (이용기록 삭제", "Q1 > 2. **탑승 3일 이내** (이용기록 삭제 등)", True),
        ("[지속 요구 시]", "Q2 > A2. > [지속   요구 시]", True),
        ("기타 상황|기간 경과 - 기본안내", "Q2 > [정보제공 가능 기간 경과 - 기본안내]", True),
        ("기타 상황|기간 경과 - 기본안내", "Q2 > [지속 요구 시]", False),
        ("이메일 발급 안내$", "A1. > ⑤ 이메일 발급 안내 > 채팅", False),
    ],
)
def test_section_matches(label: str, section: str, expected: bool) -> None:
    assert section_matches(label, section) is expected


# --- evaluators


def _suggestion(reply: str, sections: list[str], grounded: bool = True) -> Suggestion:
    return Suggestion(
        reply=reply,
        grounded=grounded,
        citations=[Citation(source=PET, section=s, score=0.5) for s in sections],
        facts=CaseFacts(),
        ask=[],
        guard=Verdict(allowed=True, violations=[]),
        draft_violations=[],
    )


def test_evaluators_explain_each_failure() -> None:
    case = SuggestCase(
        id="t",
        question="기사 번호",
        case=CaseFacts(service="pet", days_since_ride=9, driver_phone="010-8765-4321"),
        source=PET,
        section="기타 상황",
        include_any=[["동의 없이", "제공이 어려운"]],
        exclude=[r"010[\s.\-]?8765[\s.\-]?4321"],
        grounded=True,
    )
    good = evaluate_suggestion(
        case,
        _suggestion("본인 동의 없이 제공이 어려운 점 양해 부탁드립니다.", ["Q1 > ② 기타 상황"]),
        check,
    )
    assert [r.name for r in good] == [
        "citation",
        "section",
        "include",
        "exclude",
        "grounded",
        "guard",
    ]
    assert all(r.passed for r in good)

    leak = evaluate_suggestion(
        case, _suggestion("기사님 번호는 010 8765 4321 입니다.", ["Q1 > 1. 탑승 3일 이내"]), check
    )
    by_name = {r.name: r for r in leak}
    assert not by_name["section"].passed and "탑승 3일 이내" in by_name["section"].reason
    assert not by_name["include"].passed and "동의 없이" in by_name["include"].reason
    assert not by_name["exclude"].passed and "010 8765 4321" in by_name["exclude"].reason
    # The reply is re-checked by the real guard with the labelled facts (9 days: closed).
    assert not by_name["guard"].passed and "driver-phone" in by_name["guard"].reason


def test_ungrounded_reply_must_cite_nothing() -> None:
    case = SuggestCase(id="o", question="킥보드 요금", grounded=False)
    results = evaluate_suggestion(
        case, _suggestion("다루는 스크립트가 없습니다.", ["x"], False), check
    )
    grounded = next(r for r in results if r.name == "grounded")
    assert not grounded.passed and "cites 1" in grounded.reason


def test_phrases_match_regardless_of_spacing() -> None:
    assert phrase_in("기사님께 전화", "[기사님께전화] 선택")
    assert not phrase_in("안심연결", "이용기록을 확인해 주세요")


def _violation(rule: RuleId) -> Violation:
    return Violation(rule=rule, span=(0, 3), text="abc", clause="c", message="m")


def test_verdict_evaluator_wants_exact_rules() -> None:
    case = GuardCase(id="g", draft="d", allowed=False, rules=["driver-phone"])
    both = Verdict(
        allowed=False, violations=[_violation("driver-phone"), _violation("driver-name")]
    )
    results = {r.name: r for r in evaluate_verdict(case, both)}
    assert results["allowed"].passed
    assert not results["rules"].passed and "wrongly flagged driver-name" in results["rules"].reason
    none = Verdict(allowed=True, violations=[])
    results = {r.name: r for r in evaluate_verdict(case, none)}
    assert not results["allowed"].passed and "missed driver-phone" in results["rules"].reason


# --- metrics, gates, comparison, report


def _guard_result(want: list[str], got: list[str], tags: list[str] | None = None) -> GuardResult:
    return GuardResult(
        id="x",
        draft="d",
        tags=tags or [],
        want_allowed=not want,
        want_rules=want,
        got_allowed=not got,
        got_rules=got,
    )


def test_guard_metrics_per_rule_and_false_blocks() -> None:
    results = [
        _guard_result(["driver-phone"], ["driver-phone"]),
        _guard_result(["driver-phone"], []),
        _guard_result([], ["vehicle-plate"], ["playbook"]),
        _guard_result([], []),
    ]
    m = guard_metrics(results)
    assert m["confusion"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 1}
    assert m["recall"] == 0.5 and m["precision"] == 0.5
    assert m["per_rule"]["driver-phone"]["recall"] == 0.5
    assert m["per_rule"]["vehicle-plate"]["precision"] == 0.0
    assert m["playbook_false_blocks"] == 1
    assert m["per_rule"]["personal-id"]["recall"] is None  # no support: not a perfect score


def test_percentiles_and_flatten() -> None:
    p = percentiles([float(i) for i in range(1, 101)])
    assert p["n"] == 100 and 50 <= p["p50"] <= 51 and 95 <= p["p95"] <= 96
    flat = flatten({"a": {"b": 1, "c": None, "d": [1]}, "e": True})
    assert flat == {"a.b": 1.0, "e": 1.0}


def test_threshold_gates_fail_on_missing_metrics() -> None:
    flat = {"guard.recall": 0.97, "latency.end_to_end.p95": 40.0}
    gates = check_thresholds(
        flat,
        [
            parse_threshold("guard.recall=1.0", "min"),
            parse_threshold("latency.end_to_end.p95=50", "max"),
            parse_threshold("guard.recal=0.5", "min"),
        ],
    )
    assert [g.passed for g in gates] == [False, True, False]
    assert "missing" in gates[2].describe()
    with pytest.raises(UserError):
        parse_threshold("guard.recall>=1", "min")


def test_compare_lists_regressions_first() -> None:
    old = {"suggest": {"pass_rate": 0.9, "n": 10}, "latency": {"guard": {"p95": 2.0}}}
    new = {"suggest": {"pass_rate": 0.95, "n": 12}, "latency": {"guard": {"p95": 3.0}}}
    diffs = compare_metrics(old, new)
    assert [(d.metric, d.change) for d in diffs] == [
        ("latency.guard.p95", "regression"),
        ("suggest.pass_rate", "improvement"),
        ("suggest.n", "neutral"),
    ]
    assert direction("guard.playbook_false_blocks") == "down"
    assert format_diffs(diffs).startswith("regression  latency.guard.p95: 2 -> 3 (+1)")


def test_report_is_self_contained_html_with_plots() -> None:
    data = load_datasets(default_dataset_paths())
    guard_results = run_guard(data.guard[:40], check)
    suggest_result = SuggestResult(
        id="s1",
        question="기사 번호 <b>",
        reply="답변 <script>",
        checks=[EvalResult(name="include", passed=False, reason="none of 동의")],
        timings_ms={"facts": 0.1, "retrieval": 5.0, "guard": 0.2, "end_to_end": 6.0},
    )
    metrics = {
        "run": {"datasets": "x"},
        "retrieval": {},
        "suggest": suggest_metrics([suggest_result]),
        "guard": guard_metrics(guard_results),
        "latency": {"end_to_end": percentiles([6.0, 7.0])},
    }
    html = render_report(metrics, [suggest_result], guard_results, [])
    assert html.startswith("<!doctype html>")
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', html)) >= 3
    assert "Per rule" in html and "driver-phone" in html
    assert "<script>" not in html and "답변 &lt;script&gt;" in html  # escaped
    assert "include: none of 동의" in html  # the failing case says why
    assert 'src="http' not in html and 'href="http' not in html


def test_compare_plot_written_for_quality_changes(tmp_path: Path) -> None:
    from evals.evaluation import write_compare_plot

    old = {"suggest": {"pass_rate": 0.9}, "latency": {"guard": {"p95": 2.0}}}
    new = {"suggest": {"pass_rate": 0.8}, "latency": {"guard": {"p95": 3.0}}}
    write_compare_plot(tmp_path / "c.png", compare_metrics(old, new))
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")
    write_compare_plot(
        tmp_path / "none.png", compare_metrics(old, {**new, "suggest": old["suggest"]})
    )
    assert not (tmp_path / "none.png").exists()  # latency-only changes are not plotted
