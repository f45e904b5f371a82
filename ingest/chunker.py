"""Structure-aware chunking: one chunk per answerable situation of a playbook.

A playbook is read line by line into a tree of headings (see ``ingest.headings``); the text under
each heading, up to the next heading, is one chunk, so a heading always stays with the script it
introduces and two sibling situations never share a chunk. Consent tables whose rows are per
channel (채팅 / 전화) give one chunk per row. Each chunk carries its heading path, the conditions
the path states (``ingest.conditions``) and its customer-facing script (``ingest.segments``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chunk import Chunk, ChunkConditions, ChunkKind
from ingest.conditions import read_conditions, states_window
from ingest.counsel import read_counsel_type
from ingest.headings import ANSWER, CASE, LABEL, NUMBERED, SITUATION, TITLE, detect_heading
from ingest.markup import is_blank, is_fence, is_table_row, rule_kind
from ingest.open_conditions import with_open_conditions
from ingest.segments import HeadingLines, Node, derive_sibling_conditions, join_lead_ins
from ingest.tables import add_table

_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINK_WORDS = re.compile(r"링크|아지트|https?://")


@dataclass(frozen=True)
class _Line:
    start: int
    end: int  # end of the line's text, line break excluded
    raw: str


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for piece in text.splitlines(keepends=True):
        raw = piece.rstrip(_LINE_BREAKS)
        lines.append(_Line(offset, offset + len(raw), raw))
        offset += len(piece)
    return lines


class _Reader:
    """One pass over the lines, keeping the stack of open headings."""

    def __init__(self, raws: list[str]) -> None:
        self.raws = raws
        self.root = Node("", -1, None, ChunkConditions(), None)
        self.stack: list[Node] = [self.root]
        self.segments: list[HeadingLines] = []
        self.current: HeadingLines | None = None
        self.title = ""

    def segment(self) -> HeadingLines:
        """The open segment, or a new continuation of the innermost open heading."""
        if self.current is None or self.current.node is not self.stack[-1]:
            self.close()
            self.current = HeadingLines(self.stack[-1])
        return self.current

    def close(self) -> None:
        if self.current is not None:
            self.segments.append(self.current)
        self.current = None

    def pop_to(self, rank: int) -> None:
        while self.stack[-1].rank >= rank:
            self.stack.pop()

    def close_windows(self) -> None:
        """A bracketed situation after a numbered list of time windows ("1. 3일 이내", "2. 3일
        이후", then "[택배 수령 시]") is not one more window: it closes the open window item
        instead of nesting in it (and inheriting its range)."""
        for depth, node in enumerate(self.stack):
            if node.rank == NUMBERED and states_window(node.own):
                del self.stack[depth:]
                return

    def run(self) -> None:
        raws = self.raws
        i = 0
        in_fence = False
        previous_blank = True
        while i < len(raws):
            raw = raws[i]
            if in_fence or is_fence(raw):
                in_fence = in_fence != is_fence(raw)  # an opening or closing ``` toggles
                self.segment().add_fence_line(i, raw)
                i += 1
                previous_blank = False
                continue
            if is_blank(raw):
                self._blank()
                previous_blank = True
                i += 1
                continue
            rule = rule_kind(raw)
            if rule == "box" or (rule == "dash" and previous_blank):
                # A separator ends every block below the Q/A level.
                self.close()
                self.pop_to(ANSWER + 1)
                i += 1
                continue
            if rule == "dash":  # a setext underline below a heading
                i += 1
                continue
            previous_blank = False
            if is_table_row(raw):
                end = i
                while end < len(raws) and is_table_row(raws[end]):
                    end += 1
                add_table(self, i, end)
                i = end
                continue
            heading = detect_heading(raws, i, has_title=bool(self.title))
            if heading is None:
                self.segment().add_content_line(i, raw)
                i += 1
                continue
            if heading.rank == SITUATION:
                self.close_windows()
            self.pop_to(heading.rank)
            own = read_conditions(heading.text)
            if CASE <= heading.rank <= SITUATION and heading.role is None:
                # Situation headings (not the title, Q/A or labels in the customer's words).
                own = with_open_conditions(own, heading.text)
            node = Node(
                heading.text,
                heading.rank,
                heading.role,
                own,
                self.stack[-1],
                leaf=heading.leaf,
            )
            self.stack.append(node)
            if heading.rank == TITLE and not self.title:
                self.title = heading.text
            self.close()
            self.current = HeadingLines(node)
            self.current.add_heading(range(i, i + heading.lines), heading.rest)
            i += heading.lines
        self.close()

    def _blank(self) -> None:
        top = self.stack[-1]
        seg = self.current
        if top.leaf and top.rank == LABEL and seg is not None and seg.node is top and seg.has_body:
            # A bare label ("상담유형: …") covers its own paragraph only.
            self.close()
            self.stack.pop()
            return
        if seg is not None:
            seg.add_break()


def _kind(seg: HeadingLines, script: str) -> ChunkKind:
    node: Node | None = seg.node
    if seg.node.rank == TITLE:
        return "title"
    while node is not None:
        if node.role is not None:
            return node.role
        node = node.parent
    if script:
        return "script"
    body = "\n".join(seg.text)
    if ("※" in body or seg.has_fence) and not _LINK_WORDS.search(body):
        return "policy"
    return "note"


def _emitted(segments: list[HeadingLines]) -> list[HeadingLines]:
    """Segments that become chunks: those with a body, and headings that stand alone."""
    segments = join_lead_ins(sorted(segments, key=lambda s: min(s.line_ids, default=-1)))
    with_body = {id(s.node) for s in segments if s.has_body}
    out: list[HeadingLines] = []
    for seg in segments:
        alone = seg.is_heading and not seg.node.children and id(seg.node) not in with_body
        if seg.has_body or alone:
            out.append(seg)
    return out


def chunk_document(source: str, text: str) -> list[Chunk]:
    """Split one playbook into chunks, one per situation, in document order."""
    lines = _split_lines(text)
    reader = _Reader([line.raw for line in lines])
    reader.run()
    derive_sibling_conditions(reader.root)
    chunks: list[Chunk] = []
    for seg in _emitted(reader.segments):
        if not seg.line_ids:
            continue
        section = seg.node.section() or reader.title or source
        script = seg.script_text()
        kind = _kind(seg, script)
        header = [reader.title] if reader.title and reader.title != section else []
        body = seg.body_text()
        chunk_text = "\n".join([*header, section, *([""] if body else []), body]).strip()
        chunks.append(
            Chunk(
                source=source,
                section=section,
                index=len(chunks),
                start=lines[min(seg.line_ids)].start,
                end=lines[max(seg.line_ids)].end,
                kind=kind,
                text=chunk_text,
                script=script if kind == "script" else "",
                conditions=seg.conditions(),
                counsel_type=read_counsel_type(seg.node.heading, body) if kind == "note" else None,
            )
        )
    return chunks
