"""The heading tree and the text segments hung on it, before they become chunks.

A ``Node`` is one heading; a ``HeadingLines`` is a run of lines under one node (a node can own
several: its own body, text that resumes after a label or a table). Conditions combine along the
node's path; ``derive_sibling_conditions`` adds what only the order of siblings says (a step after
"본인확인" assumes a verified requester, a "기타" situation is for the reasons its siblings do not
cover, a situation beside "이용기록 확인 불가" is the one where the history is available).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ingest.chunk import ChunkConditions
from ingest.conditions import is_other_situation, merge_conditions
from ingest.headings import CIRCLED, TITLE, Role
from ingest.markup import collapse_spaces, is_fence, script_line, strip_markup


def _paragraphs(lines: list[str]) -> str:
    """Lines joined, with at most one empty line between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class Node:
    def __init__(
        self,
        heading: str,
        rank: int,
        role: Role | None,
        own: ChunkConditions,
        parent: Node | None,
        *,
        leaf: bool = False,
    ) -> None:
        self.heading = heading
        self.rank = rank
        self.role = role
        self.own = own  # what the heading itself states
        self.parent = parent
        self.leaf = leaf
        self.children: list[Node] = []
        self.extra: dict[str, Any] = {}  # what the order of siblings adds
        if parent is not None:
            parent.children.append(self)

    def path(self) -> list[Node]:
        nodes: list[Node] = []
        node: Node | None = self
        while node is not None and node.parent is not None:
            nodes.append(node)
            node = node.parent
        return nodes[::-1]

    def section(self) -> str:
        return " > ".join(n.heading for n in self.path() if n.rank != TITLE and n.heading)

    def conditions(self) -> ChunkConditions:
        merged = ChunkConditions()
        for node in self.path():
            merged = merge_conditions(merged, node.own.model_copy(update=node.extra))
        return merged


class HeadingLines:
    """A run of lines under one heading node: their ids, indexed text and customer script."""

    def __init__(self, node: Node, extra: dict[str, Any] | None = None) -> None:
        self.node = node
        self.extra: dict[str, Any] = dict(extra or {})
        self.line_ids: list[int] = []
        self.text: list[str] = []  # cleaned lines for indexing; "" is a paragraph break
        self.script: list[str] = []  # customer-facing lines; "" is a paragraph break
        self.is_heading = False
        self.has_body = False
        self.has_fence = False

    def add_heading(self, line_ids: Iterable[int], rest: str) -> None:
        self.line_ids.extend(line_ids)
        self.is_heading = True
        if rest:
            self.text.append(rest)
            self.has_body = True

    def add_content_line(self, i: int, raw: str) -> None:
        self.line_ids.append(i)
        text = strip_markup(raw)
        if not text:
            return
        self.text.append(text)
        self.has_body = True
        line = script_line(raw)
        if line is not None:
            self.script.append(line)

    def add_fence_line(self, i: int, raw: str) -> None:
        """Code fences hold policy text: indexed, never part of a script."""
        self.line_ids.append(i)
        self.has_fence = True
        text = collapse_spaces(raw)
        if is_fence(raw):
            return
        if text:
            self.text.append(text)
            self.has_body = True
        else:
            self.add_break()

    def add_row(self, i: int, text: str, script: list[str]) -> None:
        self.line_ids.append(i)
        if text:
            self.text.append(text)
            self.has_body = True
        self.script.extend(script)

    def add_break(self) -> None:
        for lines in (self.text, self.script):
            if lines and lines[-1]:
                lines.append("")

    def body_text(self) -> str:
        return _paragraphs(self.text)

    def script_text(self) -> str:
        return _paragraphs(self.script)

    def absorb(self, lead: HeadingLines) -> None:
        """Open this segment with ``lead`` (which directly precedes it in the document)."""
        self.line_ids = lead.line_ids + self.line_ids
        self.text = [*lead.text, "", *self.text]
        self.script = [*lead.script, "", *self.script]
        self.has_body = True

    def conditions(self) -> ChunkConditions:
        base = self.node.conditions()
        return base.model_copy(update=self.extra) if self.extra else base


def derive_sibling_conditions(node: Node) -> None:
    kids = node.children
    verified = False
    for kid in kids:
        if kid.own.identity_required and not verified:
            kid.extra["identity_verified"] = False
            verified = True
        elif verified:
            kid.extra.update(identity_required=True, identity_verified=True)
    seen: list[str] = []
    for kid in kids:
        if is_other_situation(kid.heading) and not kid.own.reasons:
            excluded = list(kid.own.reasons_excluded)
            excluded += [r for r in seen if r not in excluded]
            if excluded:
                kid.extra["reasons_excluded"] = excluded
        seen += [r for r in kid.own.reasons if r not in seen]
    for kid in kids:
        days = (kid.own.days_min, kid.own.days_max)
        if kid.own.history_available is not False or days == (None, None):
            continue
        for other in kids:
            if (
                other.own.history_available is None
                and (
                    other.own.days_min,
                    other.own.days_max,
                )
                == days
            ):
                other.extra.setdefault("history_available", True)
    for kid in kids:
        derive_sibling_conditions(kid)


def join_lead_ins(segments: list[HeadingLines]) -> list[HeadingLines]:
    """A sequence of steps (③ 본인확인, ④ …) opens with its parent's short lead-in ("제가 몇 가지
    확인 후 신속하게 안내해 드리겠습니다."): it joins the first step rather than standing alone
    as a situation with no conditions of its own."""
    out: list[HeadingLines] = []
    for seg in segments:
        lead = out[-1] if out else None
        if (
            lead is not None
            and lead.is_heading
            and lead.has_body
            and not lead.has_fence
            and 0 < sum(1 for line in lead.script if line) <= 2
            and seg.is_heading
            and seg.node.rank == CIRCLED
            and seg.node.parent is lead.node
            and lead.node.children[0] is seg.node
        ):
            seg.absorb(lead)
            out[-1] = seg
        else:
            out.append(seg)
    return out
