"""The self-contained HTML report: tables, embedded PNG plots and the failing cases with why.

One file, no external assets, so it can be attached to a CI run and opened anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from evals import plots
from evals.compare import MetricDiff
from evals.runner import GuardResult, RetrievalResult, SuggestResult
from evals.thresholds import GateResult

_CSS = """
body{font-family:'NanumGothic','Noto Sans KR',system-ui,sans-serif;margin:24px;color:#222;
max-width:1200px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b00020;font-weight:bold}.good{color:#1b7f3b}.muted{color:#777}
img{max-width:100%;display:block;margin:8px 0}
.reply{white-space:pre-wrap;max-width:520px;font-size:12px}
details{margin:6px 0}
"""
RATE_COLUMNS = (
    "source_hit1",
    "source_hit3",
    "source_hit5",
    "source_mrr",
    "section_hit1",
    "section_hit3",
    "section_hit5",
    "section_mrr",
)
MODES = ("bm25", "dense", "hybrid")
#: Rows of the comparison shown before the rest is folded away.
COMPARE_SHOWN = 25


def _fmt(value: Any) -> str:
    if value is None:
        return '<span class="muted">n/a</span>'
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return escape(str(value))


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], raw: bool = False) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if raw and isinstance(cell, str):
                cells.append(f"<td>{cell}</td>")
            elif isinstance(cell, int | float) and not isinstance(cell, bool):
                cells.append(f'<td class="num">{_fmt(cell)}</td>')
            else:
                cells.append(f"<td>{_fmt(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _img(b64: str, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{b64}">'


def _run_section(info: Mapping[str, Any], gates: Sequence[GateResult]) -> str:
    rows = [(k, v if isinstance(v, str | int | float) else str(v)) for k, v in info.items()]
    half = (len(rows) + 1) // 2
    paired = [
        (*rows[i], *(rows[i + half] if i + half < len(rows) else ("", ""))) for i in range(half)
    ]
    out = ["<h2>Run</h2>", _table(["", "", "", ""], paired)]
    if gates:
        gate_rows = [
            (
                f'<span class="{"good" if g.passed else "bad"}">'
                f"{'pass' if g.passed else 'MISS'}</span>",
                escape(g.threshold.describe()),
                escape("missing" if g.value is None else f"{g.value:g}"),
            )
            for g in gates
        ]
        out += ["<h3>Thresholds</h3>", _table(["", "gate", "value"], gate_rows, raw=True)]
    return "".join(out)


def _retrieval_section(m: Mapping[str, Any], misses: Sequence[RetrievalResult]) -> str:
    modes = [mode for mode in MODES if mode in m]
    if not modes:
        return ""
    fusion = m.get("fusion", {})
    out = [
        "<h2>Retrieval: ablation (BM25 alone, dense alone, fused)</h2>",
        "<p>Fusion: " + escape(", ".join(f"{k}={v}" for k, v in fusion.items())) + "</p>",
        _table(
            ["mode", "n", *RATE_COLUMNS, "p50 ms", "p95 ms"],
            [
                (
                    mode,
                    m[mode]["n"],
                    *(m[mode].get(c) for c in RATE_COLUMNS),
                    m[mode]["latency_ms"].get("p50"),
                    m[mode]["latency_ms"].get("p95"),
                )
                for mode in modes
            ],
        ),
    ]
    shown = ("source_hit1", "source_mrr", "section_hit1", "section_hit3", "section_mrr")
    out.append(
        _img(
            plots.grouped_bars(
                "Retrieval ablation",
                list(shown),
                {mode: [m[mode].get(c) for c in shown] for mode in modes},
            ),
            "retrieval ablation",
        )
    )
    sources = sorted({s for mode in modes for s in m[mode]["by_source"]})
    out.append("<h3>By source (hit@1 / MRR)</h3>")
    out.append(
        _table(
            ["source", "n", *(f"{mode} {c}" for mode in modes for c in ("hit1", "mrr"))],
            [
                (
                    src,
                    m[modes[0]]["by_source"].get(src, {}).get("n"),
                    *(
                        m[mode]["by_source"].get(src, {}).get(f"source_{c}")
                        for mode in modes
                        for c in ("hit1", "mrr")
                    ),
                )
                for src in sources
            ],
        )
    )
    sections = sorted({s for mode in modes for s in m[mode]["by_section"]})
    out.append("<details><summary>By section (section hit@1 / hit@3 / MRR)</summary>")
    out.append(
        _table(
            [
                "section label",
                "n",
                *(f"{mode} {c}" for mode in modes for c in ("hit1", "hit3", "mrr")),
            ],
            [
                (
                    label,
                    m[modes[0]]["by_section"].get(label, {}).get("n"),
                    *(
                        m[mode]["by_section"].get(label, {}).get(f"section_{c}")
                        for mode in modes
                        for c in ("hit1", "hit3", "mrr")
                    ),
                )
                for label in sections
            ],
        )
    )
    out.append("</details>")
    if misses:
        rows = [
            (r.id, r.source_rank, r.section_label, r.section_rank, " | ".join(r.top[:3]))
            for r in misses
        ]
        out.append(f"<details><summary>Hybrid top-1 misses ({len(misses)})</summary>")
        out.append(_table(["id", "source rank", "section label", "section rank", "top 3"], rows))
        out.append("</details>")
    return "".join(out)


def _consistency(c: Mapping[str, Any]) -> str:
    """pass^k over paraphrase groups, with the groups that failed for some phrasing."""
    if not c.get("groups"):
        return ""
    failing = ", ".join(escape(g) for g in c["failing_groups"]) or "none"
    return (
        f"<p>Paraphrase consistency (a situation passes only if all its phrasings pass): "
        f"<b>{_fmt(c['pass_k'])}</b> ({c['all_passed']}/{c['groups']} groups). "
        f"Failing groups: {failing}</p>"
    )


def _suggest_section(m: Mapping[str, Any]) -> str:
    if not m.get("n"):
        return ""
    checks = m["checks"]
    out = [
        "<h2>Suggestions</h2>",
        f"<p>Pass rate (every check passes): <b>{_fmt(m['pass_rate'])}</b> "
        f"({m['passed']}/{m['n']}), errors: {m['errors']}</p>",
        _consistency(m.get("consistency") or {}),
        _table(
            ["check", "n", "passed", "pass rate"],
            [(k, v["n"], v["passed"], v["pass_rate"]) for k, v in checks.items()],
        ),
        _img(
            plots.grouped_bars(
                "Pass rate per check",
                list(checks),
                {"pass rate": [v["pass_rate"] for v in checks.values()]},
            ),
            "pass rate per check",
        ),
    ]
    by_section = m["by_section"]
    out.append(
        _img(
            plots.horizontal_rates(
                "Pass rate per expected section",
                list(by_section),
                [v["pass_rate"] for v in by_section.values()],
            ),
            "pass rate per section",
        )
    )
    out.append("<details><summary>Per section and per tag</summary>")
    out.append(
        _table(
            ["section label", "n", "passed", "rate"],
            [(k, v["n"], v["passed"], v["pass_rate"]) for k, v in by_section.items()],
        )
    )
    out.append(
        _table(
            ["tag", "n", "passed", "rate"],
            [(k, v["n"], v["passed"], v["pass_rate"]) for k, v in m["by_tag"].items()],
        )
    )
    out.append("</details>")
    return "".join(out)


def _guard_section(m: Mapping[str, Any]) -> str:
    if not m.get("n"):
        return ""
    c = m["confusion"]
    per_rule = m["per_rule"]
    out = [
        "<h2>Policy guard</h2>",
        f"<p>Precision {_fmt(m['precision'])}, recall {_fmt(m['recall'])}, exact verdicts "
        f"{_fmt(m['exact_rate'])}; false blocks on playbook scripts: "
        f"<b>{m['playbook_false_blocks']}</b> of {m['playbook_cases']}; false blocks on all "
        f"must-pass drafts: <b>{m['false_blocks']}</b>.</p>",
        "<h3>Confusion (blocked = positive)</h3>",
        _table(
            ["", "guard blocked", "guard allowed"],
            [("should block", c["tp"], c["fn"]), ("should allow", c["fp"], c["tn"])],
        ),
        "<h3>Per rule</h3>",
        _table(
            ["rule", "support", "tp", "fp", "fn", "precision", "recall"],
            [
                (rule, v["support"], v["tp"], v["fp"], v["fn"], v["precision"], v["recall"])
                for rule, v in per_rule.items()
            ],
        ),
        _img(
            plots.grouped_bars(
                "Guard precision / recall per rule",
                list(per_rule),
                {
                    "precision": [v["precision"] for v in per_rule.values()],
                    "recall": [v["recall"] for v in per_rule.values()],
                },
            ),
            "guard per rule",
        ),
    ]
    return "".join(out)


def _guard_files_section(by_file: Mapping[str, Any]) -> str:
    if not by_file:
        return ""
    return "".join(
        [
            "<h3>Guard per file</h3>",
            "<p>Each guard set on its own (a blind set, written without seeing the code, "
            "apart from the rest).</p>",
            _table(
                ["file", "cases", "precision", "recall", "exact", "false blocks"],
                [
                    (f, v["n"], v["precision"], v["recall"], v["exact_rate"], v["false_blocks"])
                    for f, v in by_file.items()
                ],
            ),
        ]
    )


def _mutation_section(m: Mapping[str, Any]) -> str:
    if not m:
        return ""
    by = m["by_mutation"]
    misses = [
        (x["example"], x["mutation"], ", ".join(x["want"]), ", ".join(x["got"]))
        for x in m["misses"]
    ]
    blocks = [(x["example"], x["mutation"], ", ".join(x["got"])) for x in m["blocks"]]
    out = [
        "<h2>Guard under obfuscation (mutation fuzzing)</h2>",
        f"<p>{m['examples']} violating drafts, each value rewritten by every obfuscation "
        f"{'alone and in pairs' if m['pairs'] else 'alone'}: {m['trials']} drafts, "
        f"mutation recall <b>{_fmt(m['recall'])}</b> ({m['caught']} caught). "
        f"{m['safe_examples']} playbook scripts and safe replies, as written and with their "
        f"numbers rewritten ({m['safe_trials']} drafts): <b>{m['false_blocks']}</b> false "
        "blocks.</p>",
        _table(
            ["obfuscation", "drafts", "caught", "recall"],
            [(k, v["n"], v["caught"], v["recall"]) for k, v in by.items()],
        ),
        _img(
            plots.grouped_bars(
                "Mutation recall per obfuscation (alone or paired)",
                list(by),
                {"recall": [v["recall"] for v in by.values()]},
            ),
            "mutation recall",
        ),
    ]
    if misses:
        out += [
            "<h3>Missed (first 50)</h3>",
            _table(["case", "obfuscation", "want", "got"], misses),
        ]
    if blocks:
        out += ["<h3>False blocks (first 50)</h3>", _table(["case", "obfuscation", "got"], blocks)]
    return "".join(out)


def _latency_section(latency: Mapping[str, Any], extra: Mapping[str, Any]) -> str:
    if not latency and not extra:
        return ""
    cols = ("n", "p50", "p90", "p95", "p99", "mean", "max")
    rows = [(stage, *(block.get(c) for c in cols)) for stage, block in latency.items()]
    rows += [(name, *(block.get(c) for c in cols)) for name, block in extra.items()]
    out = ["<h2>Latency (ms)</h2>", _table(["stage", *cols], rows)]
    if latency:
        out.append(_img(plots.latency_chart(latency), "latency per stage"))
    return "".join(out)


def _compare_section(diffs: Sequence[MetricDiff] | None) -> str:
    if diffs is None:
        return ""
    if not diffs:
        return "<h2>Compared with the previous run</h2><p>No metric changed.</p>"
    counts = {
        kind: sum(1 for d in diffs if d.change == kind) for kind in ("regression", "improvement")
    }
    scored = [d for d in diffs if d.delta is not None and d.change in ("regression", "improvement")]
    quality = [d for d in scored if "latency" not in d.metric]
    headers = ["change", "metric", "old", "new", "delta"]
    rows = [(d.change, d.metric, d.old, d.new, d.delta) for d in diffs]
    out = [
        "<h2>Compared with the previous run (regressions first)</h2>",
        f"<p>{counts['regression']} regressions, {counts['improvement']} improvements "
        "(latencies move with machine load; quality figures are listed first).</p>",
        _table(headers, rows[:COMPARE_SHOWN]),
    ]
    if len(rows) > COMPARE_SHOWN:
        out.append(f"<details><summary>All {len(rows)} changes</summary>")
        out.append(_table(headers, rows[COMPARE_SHOWN:]))
        out.append("</details>")
    if quality:
        top = quality[:30]
        out.append(
            _img(
                plots.deltas_chart(
                    [d.metric for d in top],
                    [d.delta or 0.0 for d in top],
                    [d.change == "regression" for d in top],
                ),
                "changes",
            )
        )
    return "".join(out)


def _failures_section(suggest: Sequence[SuggestResult], guard: Sequence[GuardResult]) -> str:
    out = ["<h2>Failing cases</h2>"]
    s_fail = [r for r in suggest if not r.passed]
    g_fail = [r for r in guard if not r.passed]
    out.append(f"<h3>Suggestions ({len(s_fail)})</h3>")
    rows = [
        (
            escape(r.id),
            escape(r.question),
            f'<div class="reply">{escape(r.reply)}</div>',
            escape(r.error or "; ".join(f"{c.name}: {c.reason}" for c in r.checks if not c.passed)),
            escape(r.citations[0] if r.citations else "-"),
        )
        for r in s_fail
    ]
    out.append(_table(["id", "question", "reply", "why", "first citation"], rows, raw=True))
    out.append(f"<h3>Guard ({len(g_fail)})</h3>")
    rows = [
        (
            escape(r.id),
            f'<div class="reply">{escape(r.draft)}</div>',
            escape(", ".join(r.want_rules) or "allowed"),
            escape(", ".join(r.got_rules) or ("allowed" if r.got_allowed else "-")),
            escape(r.error or "; ".join(c.reason for c in r.checks if not c.passed)),
        )
        for r in g_fail
    ]
    out.append(_table(["id", "draft", "want", "got", "why"], rows, raw=True))
    return "".join(out)


def render_report(
    metrics: Mapping[str, Any],
    suggest: Sequence[SuggestResult],
    guard: Sequence[GuardResult],
    retrieval: Sequence[RetrievalResult],
    gates: Sequence[GateResult] = (),
    diffs: Sequence[MetricDiff] | None = None,
) -> str:
    misses = [r for r in retrieval if r.mode == "hybrid" and r.source_rank != 1]
    misses += [
        r
        for r in retrieval
        if r.mode == "hybrid" and r.source_rank == 1 and r.section_label and r.section_rank != 1
    ]
    extra_latency: dict[str, Any] = {}
    for mode in MODES:
        block = metrics.get("retrieval", {}).get(mode)
        if block:
            extra_latency[f"retriever {mode} (query vector cached)"] = block["latency_ms"]
    if metrics.get("guard", {}).get("latency_ms"):
        extra_latency["guard only (guard set)"] = metrics["guard"]["latency_ms"]
    parts = [
        "<!doctype html><html lang='ko'><head><meta charset='utf-8'>",
        "<title>agent-assist evaluation</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>agent-assist evaluation report</h1>",
        _run_section(metrics.get("run", {}), gates),
        _retrieval_section(metrics.get("retrieval", {}), misses),
        _suggest_section(metrics.get("suggest", {})),
        _guard_section(metrics.get("guard", {})),
        _guard_files_section(metrics.get("guard_by_file", {})),
        _mutation_section(metrics.get("guard_mutation", {})),
        _latency_section(metrics.get("latency", {}), extra_latency),
        _compare_section(diffs),
        _failures_section(suggest, guard),
        "</body></html>",
    ]
    return "\n".join(parts)
