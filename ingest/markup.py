"""Line-level reading of the help-desk wiki's markdown-ish export.

The export mixes markdown with leftovers of the wiki editor: ``****`` runs, bold that opens on one
line and closes on the next, escaped underscores (``\\_``), non-breaking spaces, ``───`` rules,
``-----`` heading underlines, ``| … |`` tables whose cells hold whole paragraphs. These helpers
turn such lines into plain text and classify them; they never raise on any input.
"""

from __future__ import annotations

import html
import re
from typing import Literal

#: ``[label](url)``: the label is kept in indexed text, dropped from headings and scripts.
_LINK = re.compile(r"\[([^\]\n]*)\]\(\s*(?:https?://|www\.)[^)\s]*\s*\)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]]+")
_BOLD = re.compile(r"(?<!\\)\*{2,}")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
#: Every kind of horizontal space the export uses (NBSP, ideographic space, thin spaces, tabs).
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_EMPTY_PARENS = re.compile(r"\(\s*[▶►]?\s*\)")
_BOX_CHARS = frozenset("─━═―—–┄┈╌")
_DASH_CHARS = frozenset("-=_")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_CELL_RULE = re.compile(r"^:?-{2,}:?$")
#: A Korean sentence as scripts end them (…니다. …요? …까?), used to tell a bold sentence meant
#: for the customer from a bold instruction for the agent.
_SENTENCE_END = re.compile(r"(?:[다요까죠]|니다|세요)[.?!~…]*[)\]]?$")

RuleKind = Literal["box", "dash"]


def collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def strip_markup(text: str, *, keep_link_labels: bool = True) -> str:
    """Plain text of an inline fragment: no bold markers, escapes, URLs; spaces collapsed."""
    text = html.unescape(_BREAK.sub(" ", text))
    text = _LINK.sub(lambda m: m.group(1) if keep_link_labels else "", text)
    text = _URL.sub("", text)
    text = _BOLD.sub(" ", text)
    text = _ESCAPE.sub(r"\1", text)
    text = _EMPTY_PARENS.sub("", text)
    text = collapse_spaces(text)
    # Bold markers removed from inside words ("**펫" / "설정 **▶**") leave spaces before
    # punctuation that the author never typed.
    return re.sub(r"\s+([,.)\]])", r"\1", re.sub(r"([(\[])\s+", r"\1", text))


def is_blank(raw: str) -> bool:
    """Empty, spaces only, a bare ``****`` run, or an empty ``####`` heading."""
    s = raw.strip()
    return not s or set(s) <= {"*", "#"}


def rule_kind(raw: str) -> RuleKind | None:
    """``box`` for a ``───`` separator, ``dash`` for ``---``/``===`` (a rule or an underline)."""
    s = raw.strip().replace("*", "").replace(" ", "")
    if len(s) < 3:
        return None
    chars = set(s)
    if chars <= _BOX_CHARS:
        return "box"
    if chars <= _DASH_CHARS:
        return "dash"
    return None


def is_fence(raw: str) -> bool:
    return raw.lstrip().startswith(("```", "~~~"))


def is_table_row(raw: str) -> bool:
    return raw.lstrip().startswith("|")


def table_cells(raw: str) -> list[str]:
    """The raw cells of a ``| a | b |`` row (markup still inside)."""
    s = raw.strip()
    parts = _CELL_SPLIT.split(s)
    if parts and not parts[0].strip():
        parts = parts[1:]
    if parts and not parts[-1].strip() and s.endswith("|"):
        parts = parts[:-1]
    return parts


def is_table_rule(cells: list[str]) -> bool:
    """The ``| --- | --- |`` row, or a row with no text at all (the export's empty header)."""
    texts = [c.strip() for c in cells]
    return all(not t or _CELL_RULE.match(t) for t in texts)


def starts_bold(raw: str) -> bool:
    return raw.lstrip().startswith("**")


def is_sentence(text: str) -> bool:
    """A complete Korean sentence addressed to someone (not a label or an instruction)."""
    return len(text) >= 8 and bool(_SENTENCE_END.search(text)) and not is_remark(text)


def is_remark(text: str) -> bool:
    """Agent-only remarks: ``ㄴ …`` sub-notes and ``※ …`` notes (also inside a parenthesis)."""
    s = text.lstrip("(*- ").lstrip()
    return s.startswith(("ㄴ", "※", "└"))


def cut_remark(text: str) -> tuple[str, str]:
    """Split a heading at its first remark (``※ …`` or `` ㄴ …``): (heading, remark)."""
    jamo = re.search(r"\sㄴ\s", text)
    starts = [i for i in (text.find("※"), jamo.start() if jamo else -1) if i > 0]
    if not starts:
        return text, ""
    head = text[: min(starts)].rstrip(" (-:：")
    if not head:
        return text, ""
    return head, text[min(starts) :].strip()


def cell_text(cell: str) -> str:
    """A table cell as plain text; the export marks line breaks inside cells with 2+ spaces."""
    parts = re.split(r"[ \u00a0]{2,}|<br\s*/?>", cell.strip(), flags=re.IGNORECASE)
    return "\n".join(p for p in (strip_markup(x) for x in parts) if p)


def script_line(raw: str) -> str | None:
    """A content line as the customer would read it, or None for agent-only text: bold
    instructions (unless a full sentence), ``ㄴ``/``※`` notes, bare links."""
    text = strip_markup(raw, keep_link_labels=False)
    if not text or is_remark(text):
        return None
    if starts_bold(raw) and not is_sentence(text):
        return None
    if not text.strip("▶►→·•-()[] "):
        return None
    return text
