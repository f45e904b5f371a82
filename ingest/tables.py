"""Tables in playbooks. Most are agent notes (a 응대순서 grid, 아지트 links) and stay in the text
of the block they sit in. A consent table whose rows are per channel

    | **※ [다른 이메일 / …]으로 발급 요청 시 - 개인정보수집동의 필요** | |
    | **채팅** | 문의하신 상담에 도움을 드리기 위해 … |
    | **전화** | 문의하신 이용내역서 발급 상담에 … |
    | 확인 감사합니다. … 발송해 드릴 예정이에요. | |

is split: each channel row is a chunk with ``conditions.channel`` under the row that heads it, and
text after the rows (the closing) is a chunk that assumes the consent was given.
"""

from __future__ import annotations

from typing import Any, Protocol

from ingest.conditions import read_channel, read_conditions
from ingest.headings import LABEL
from ingest.markup import (
    cell_text,
    cut_remark,
    is_sentence,
    is_table_rule,
    strip_markup,
    table_cells,
)
from ingest.segments import HeadingLines, Node

#: Table nodes are scoped to their table and never on the heading stack.
TABLE_RANK = LABEL + 1


class TableHost(Protocol):
    raws: list[str]
    stack: list[Node]
    segments: list[HeadingLines]
    current: HeadingLines | None

    def segment(self) -> HeadingLines: ...

    def close(self) -> None: ...


def row_channel(cells: list[str]) -> str | None:
    """``chat`` / ``phone`` for a row labelled by its channel that has text beside the label."""
    if len(cells) < 2 or not any(strip_markup(c) for c in cells[1:]):
        return None
    label = strip_markup(cells[0])
    return read_channel(label) if 0 < len(label) <= 12 else None


def _heads_rows(cells: list[str]) -> bool:
    if not strip_markup(cells[0]) or any(strip_markup(c) for c in cells[1:]):
        return False
    first = cells[0].strip()
    return first.startswith("**") or strip_markup(first).startswith(("[", "※"))


def add_table(host: TableHost, start: int, end: int) -> None:
    rows = [(k, table_cells(host.raws[k])) for k in range(start, end)]
    if not any(row_channel(cells) for _, cells in rows):
        seg = host.segment()
        for k, cells in rows:
            texts = [] if is_table_rule(cells) else [strip_markup(c) for c in cells]
            seg.add_row(k, " | ".join(t for t in texts if t), [])
        return
    host.close()
    base = host.stack[-1]
    head: Node | None = None
    consent = asked = False
    closing: HeadingLines | None = None
    for k, cells in rows:
        if not cells or is_table_rule(cells):
            continue
        texts = [strip_markup(c) for c in cells]
        channel = row_channel(cells)
        if channel is not None:
            own = read_conditions(texts[0]).model_copy(update={"channel": channel})
            node = Node(texts[0], TABLE_RANK, None, own, head or base)
            extra: dict[str, Any] = {"collection_consent": False} if consent else {}
            seg = HeadingLines(node, extra)
            script = [cell_text(c) for c in cells[1:] if strip_markup(c)]
            seg.add_row(k, " ".join(t for t in texts[1:] if t), script)
            host.segments.append(seg)
            asked, closing = True, None
        elif _heads_rows(cells):
            label, _remark = cut_remark(texts[0].lstrip("※ ").strip())
            head = Node(label, TABLE_RANK, None, read_conditions(label), base)
            consent = "동의" in label
            asked, closing = False, None
        else:
            if closing is None:
                after = {"collection_consent": True} if asked and consent else {}
                closing = HeadingLines(head or base, after)
                host.segments.append(closing)
            # Only sentences are sent ("확인 감사합니다. …"); a header row ("채널 | 문구") is not.
            script = [cell_text(c) for c in cells if is_sentence(strip_markup(c))]
            closing.add_row(k, " | ".join(t for t in texts if t), script)
    after_table = {"collection_consent": True} if asked and consent else {}
    host.current = HeadingLines(base, after_table)
