"""Which lines of a playbook are headings, how deep each one sits, and what role it plays.

Playbooks mark their structure with bold lines rather than markdown levels, so depth comes from
the kind of marker, from outer to inner:

    # title
    Q1. / 목차 / [정책 및 참고사항]      TOP
    A1.                                  ANSWER
    [case 1] …                           CASE
    [기사 연락처 요구][상태값: …]        REQUEST   (a bracket that names what is asked for)
    1. 탑승 3일 이내                      NUMBERED
    ① 분실물, …                          CIRCLED
    [상태값: 승객 신고로 중단 …]         STATUS    (a bracket that only names ride statuses)
    [지속 요구 시] / [탈퇴고객]           SITUATION (any other bracket)
    상담유형: … (a bare bold label)       LABEL     (closes at the next blank line)

A heading pops every open heading of the same or a deeper rank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ingest.conditions import read_requests, read_statuses
from ingest.markup import cut_remark, is_blank, is_remark, starts_bold, strip_markup
from ingest.vocabulary import load_vocabulary

TITLE, TOP, ANSWER, CASE, REQUEST, NUMBERED, CIRCLED, STATUS, SITUATION, LABEL = range(10)
#: Longest text still read as a heading; longer bold lines are emphasised prose.
MAX_HEADING_CHARS = 200

Role = Literal["title", "policy", "note"]

_CIRCLED = "\u2460-\u2473\u24eb-\u24f4\u2776-\u2793"
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[*+\-]\s+(.+)$")
_QUESTION = re.compile(r"^Q\s*\d{1,3}\s*[.):]?(?:\s|$)", re.IGNORECASE)
_ANSWER = re.compile(r"^A\s*\d{1,3}\s*[.):]?(?:\s|$)", re.IGNORECASE)
_CASE = re.compile(r"^\[\s*(?:case|케이스)\s*\d{1,3}\s*\]", re.IGNORECASE)
_NUMBERED = re.compile(r"^\d{1,2}\s*[.)](?!\d)\s*\S")
_CIRCLED_START = re.compile(rf"^[{_CIRCLED}]")
_MARKER = re.compile(rf"^(?:\d{{1,2}}\s*[.)](?!\d)|[{_CIRCLED}])\s*")


def _counsel_labels() -> tuple[tuple[str, Role], ...]:
    """The 상담유형 block's labels (vocabulary data): agent-only, a note."""
    words = load_vocabulary().counsel_type
    return tuple((p, "note") for p in (words.labels if words else ()))


#: Labels of agent-facing blocks; the role decides the chunk kind.
ROLE_LABELS: tuple[tuple[str, Role], ...] = (
    (r"목\s*차", "title"),
    (r"정책|참고\s*사항|주의\s*사항|유의\s*사항|안내\s*기준", "policy"),
    *_counsel_labels(),
    (r"응대\s*순서|아지트|관련\s*링크|참고\s*링크", "note"),
)
_LABEL_SPLIT = re.compile(r"^(?P<head>[^:：]{1,30}?)\s*[:：]\s*(?P<rest>\S.*)$")


@dataclass(frozen=True)
class Heading:
    text: str  # the clean heading, as it appears in a section path
    rank: int
    role: Role | None  # set by a label (목차, 정책, 상담유형 …)
    rest: str  # text that followed the heading on its line(s): a remark, a label's value
    lines: int  # lines the heading spans
    leaf: bool  # a bare label: its block ends at the next blank line


def role_of(text: str) -> Role | None:
    """The role a label gives a heading ("⑥ 아지트 작성" → note, "[정책 및 참고사항]" → policy)."""
    head = _MARKER.sub("", _fold_marker(_MARKER.sub("", text))).lstrip("[(* ")
    for pattern, role in ROLE_LABELS:
        if re.match(pattern, head):
            return role
    return None


def _fold_marker(text: str) -> str:
    """Full-width marker characters folded ("２．" → "2."), so numbering is seen in any width."""
    return unicodedata.normalize("NFKC", text[:4]) + text[4:]


def _marker_rank(text: str) -> int | None:
    """The rank a heading's leading marker gives it, or None for a line with no marker."""
    if _QUESTION.match(text):
        return TOP
    if _ANSWER.match(text):
        return ANSWER
    if _CASE.match(text):
        return CASE
    if text.startswith("["):
        if role_of(text) is not None:
            return TOP
        if read_requests(text):
            return REQUEST
        return STATUS if read_statuses(text) else SITUATION
    if _CIRCLED_START.match(text):
        return CIRCLED
    if _NUMBERED.match(_fold_marker(text)):
        return NUMBERED
    if re.match(r"상태\s*값\s*[:：]", text):
        return STATUS
    return None


def _split_label(text: str) -> tuple[str, str]:
    """ "1. 상담유형 : 대리_고객 ▶ …" → ("1. 상담유형", "대리_고객 ▶ …")."""
    m = _LABEL_SPLIT.match(text)
    if m and role_of(m.group("head")) is not None:
        return m.group("head").strip(), m.group("rest").strip()
    return text, ""


def _joined_bold(lines: list[str], i: int) -> tuple[str, int]:
    """A bold heading may close on the next line ("**① 분실물, … 경우\\n    (안내 …)**")."""
    raw = lines[i]
    if raw.rstrip().endswith("**") or i + 1 >= len(lines):
        return raw, 1
    nxt = lines[i + 1]
    inner = nxt.strip().lstrip("*").strip()
    if (
        not is_blank(nxt)
        and nxt.rstrip().endswith("**")
        and not starts_bold(nxt)
        and not is_remark(inner)
        and not inner.startswith(("|", "```"))
        and len(inner) <= MAX_HEADING_CHARS // 2
    ):
        return raw.rstrip() + " " + nxt.strip(), 2
    return raw, 1


def _make(text: str, rank: int, lines: int, *, leaf: bool = False) -> Heading | None:
    head, remark = cut_remark(text)
    head, value = _split_label(head)
    rest = " ".join(x for x in (value, remark) if x)
    if not head or len(head) > MAX_HEADING_CHARS:
        return None
    return Heading(head, rank, role_of(head), rest, lines, leaf)


def detect_heading(lines: list[str], i: int, *, has_title: bool) -> Heading | None:
    """The heading starting at line ``i``, or None when the line is not a heading."""
    raw = lines[i]
    atx = _ATX.match(raw)
    if atx:
        text = strip_markup(atx.group(2), keep_link_labels=False)
        if not text:
            return None
        level = len(atx.group(1))
        if level == 1 and not has_title:
            return _make(text, TITLE, 1)
        rank = _marker_rank(text)
        if rank is None:  # no marker: the markdown level decides
            rank = TOP if level <= 2 else CASE if level == 3 else SITUATION
        return _make(text, rank, 1)
    bullet = _BULLET.match(raw)
    if bullet and not starts_bold(raw):
        text = strip_markup(bullet.group(1), keep_link_labels=False)
        return _make(text, TOP, 1) if role_of(text) == "title" and len(text) <= 10 else None
    if starts_bold(raw):
        joined, count = _joined_bold(lines, i)
        text = strip_markup(joined, keep_link_labels=False)
        if not text or is_remark(text):
            return None
        rank = _marker_rank(text)
        if rank is not None:
            return _make(text, rank, count)
        if role_of(text) is not None:
            return _make(text, LABEL, count, leaf=True)
        return None
    text = strip_markup(raw, keep_link_labels=False)
    if _CASE.match(text):
        return _make(text, CASE, 1)
    if _NUMBERED.match(_fold_marker(text)) and role_of(text) is not None:
        return _make(text, NUMBERED, 1)
    return None
