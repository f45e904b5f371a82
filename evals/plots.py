"""Matplotlib figures for the report, returned as base64 PNG so the HTML is self-contained.

Agg backend (no display); a Korean-capable font is chosen when one is installed, so section
labels render as text rather than boxes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.ticker import FuncFormatter

_KOREAN_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "UnDotum")
_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")


def _use_korean_font() -> None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    chosen = [name for name in _KOREAN_FONTS if name in installed]
    plt.rcParams["font.family"] = [*chosen, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False


_use_korean_font()


def _plain(label: str) -> str:
    """Matplotlib reads "$…$" as math: section labels use "$" as an anchor."""
    return label.replace("$", r"\$")


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def grouped_bars(
    title: str,
    groups: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    ylabel: str = "",
    ylim: tuple[float, float] | None = (0.0, 1.05),
    log: bool = False,
) -> str:
    """One cluster of bars per group, one colour per series; values printed on the bars."""
    width = 0.8 / max(1, len(series))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(groups) * max(1, len(series)) / 2), 3.6))
    for i, (name, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        ys = [0.0 if v is None else v for v in values]
        bars = ax.bar(xs, ys, width, label=_plain(name), color=_COLORS[i % len(_COLORS)])
        for bar, v in zip(bars, values, strict=True):
            text = "n/a" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.0f}")
            ax.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_xticks(range(len(groups)))
    ax.set_xticklabels(
        [_plain(g) for g in groups], rotation=20 if len(groups) > 5 else 0, ha="right", fontsize=8
    )
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
        # Plain tick labels: mathtext's minus sign is missing from the Korean fonts.
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    elif ylim is not None:
        ax.set_ylim(*ylim)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def horizontal_rates(title: str, labels: Sequence[str], rates: Sequence[float | None]) -> str:
    """A horizontal bar per label (e.g. pass rate per section), worst first."""
    pairs = sorted(zip(labels, rates, strict=True), key=lambda p: (p[1] is not None, p[1] or 0))
    fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(pairs) + 1.2))
    ys = range(len(pairs))
    values = [0.0 if r is None else r for _, r in pairs]
    colors = ["#C44E52" if v < 1.0 else "#55A868" for v in values]
    ax.barh(list(ys), values, color=colors)
    ax.set_yticks(list(ys))
    ax.set_yticklabels([_plain(label[:48]) for label, _ in pairs], fontsize=7)
    ax.set_xlim(0, 1.05)
    ax.invert_yaxis()  # worst first, at the top
    for y, v in zip(ys, values, strict=True):
        ax.text(min(v, 1.0) + 0.01, y, f"{v:.2f}", va="center", fontsize=7)
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


def latency_chart(latency: Mapping[str, Mapping[str, Any]]) -> str:
    stages = [s for s, block in latency.items() if block.get("n")]
    return grouped_bars(
        "Latency per stage (ms)",
        stages,
        {
            "p50": [latency[s]["p50"] for s in stages],
            "p95": [latency[s]["p95"] for s in stages],
            "p99": [latency[s]["p99"] for s in stages],
        },
        ylabel="ms (log)",
        log=True,
    )


def deltas_chart(metrics: Sequence[str], deltas: Sequence[float], regress: Sequence[bool]) -> str:
    """Change per metric: red for regressions, green for improvements."""
    fig, ax = plt.subplots(figsize=(8.5, 0.3 * len(metrics) + 1.2))
    ys = list(range(len(metrics)))
    ax.barh(ys, list(deltas), color=["#C44E52" if r else "#55A868" for r in regress])
    ax.set_yticks(ys)
    ax.set_yticklabels([_plain(m[-60:]) for m in metrics], fontsize=7)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_title("Changes vs the previous run (regressions in red)")
    return _png(fig)
