"""A chunk's customer-facing script, and the text operations composing a reply needs.

The chunker stores the script in ``Chunk.script``; for a chunk without one (older stores) it
is derived here from the chunk text by the same rule: drop agent-only lines (bold
instructions, ※ remarks, links, table scaffolding, headings). Scripts written for both
channels hold a 채팅 and a 전화 variant; ``channel_variant`` keeps the one the case needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ingest.chunk import Chunk

#: Disclosure placeholders of the playbooks, and the guard rule that decides each.
PHONE_PLACEHOLDER: Final = re.compile(r"0{2,3}\s*-\s*0{3,4}\s*-\s*0{4}")
PLATE_PLACEHOLDER: Final = re.compile(r"(?:[O○◯0]{2,3})\s*[가-힣]\s*[O○◯0]{4}")
#: The info-type blank of refusal scripts ("기사님의 OOOO 정보는", "기사님의 OOO은").
INFO_BLANK: Final = re.compile(r"[O○◯]{3,4}(?=[\s은는이가을를의]|$)")
DISCLOSURE_PLACEHOLDERS: Final[dict[str, re.Pattern[str]]] = {
    "driver-phone": PHONE_PLACEHOLDER,
    "vehicle-plate": PLATE_PLACEHOLDER,
}
#: The console field that fills each disclosure placeholder.
PLACEHOLDER_FIELDS: Final[dict[str, str]] = {
    "driver-phone": "driver_phone",
    "vehicle-plate": "vehicle_plate",
}
#: How a refusal names the requested item.
ITEM_NAMES: Final[dict[str | None, str]] = {
    "driver_phone": "연락처",
    "vehicle_plate": "차량번호",
    "driver_name": "이름",
    "driver_account": "계좌번호",
    "usage_statement": "이용내역서",
    None: "개인정보",
}

_AGENT_LINE = re.compile(
    r"^\s*(?:\*\*|※|ㄴ|#|\||-{3,}|─{3,}|`{3}|▶\s*\[[^\]]*\]\(http|\[[^\]]*\]\(http|https?://|\(▶)"
)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|https?://\S+")
_CHANNEL_ROW = re.compile(r"^\s*\|?\s*\**\s*(채팅|전화)\s*\**\s*\|\s*(.+?)\s*\|?\s*$")
#: "[채팅] text", "채팅: text", or a bare "채팅" line (not "[전화 연결 방법]").
_CHANNEL_LABEL = re.compile(
    r"^\s*(?:\[(채팅|전화)\]|\**(채팅|전화)\**\s*[:：]|\**(채팅|전화)\**\s*$)\s*(.*)$"
)
_CHANNEL_OF = {"채팅": "chat", "전화": "phone"}
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|(?<=니다\.)|(?<=요\.)")


def derive_script(text: str) -> str:
    """Customer-facing lines of a chunk text: agent-only notes, links and ※ remarks dropped."""
    kept: list[str] = []
    for line in text.splitlines():
        row = _CHANNEL_ROW.match(line)
        if row:  # a channel table row is a script variant, not scaffolding
            kept.append(f"[{row.group(1)}] {row.group(2)}")
            continue
        if not line.strip() or _AGENT_LINE.match(line):
            if kept and kept[-1] != "":
                kept.append("")
            continue
        kept.append(_LINK.sub(lambda m: m.group(1) or "", line).rstrip())
    return "\n".join(kept).strip()


def customer_script(chunk: Chunk) -> str:
    """The chunk's script as stored, or derived from its text when the store holds none."""
    if chunk.script.strip():
        return chunk.script.strip()
    if chunk.kind != "script":
        return ""
    return derive_script(chunk.text)


def channel_variant(script: str, channel: str | None) -> str:
    """Keep the lines of the wanted channel where the script has 채팅 / 전화 variants.

    A variant is a line labelled "채팅" / "전화" (or "[채팅] …"); unlabelled lines are shared.
    Without a channel the chat wording is used: it is the written form.
    """
    wanted = channel or "chat"
    out: list[str] = []
    for line in script.splitlines():
        m = _CHANNEL_LABEL.match(line)
        if m is None:
            out.append(line)
            continue
        label = _CHANNEL_OF[m.group(1) or m.group(2) or m.group(3)]
        if m.group(4).strip():
            if label == wanted:
                out.append(m.group(4).strip())
        else:  # a bare label line: the variant text follows on the next lines
            out.append(f"\0{label}")
    return _resolve_bare_labels(out, wanted)


def _resolve_bare_labels(lines: list[str], wanted: str) -> str:
    """Lines after a bare "채팅" / "전화" label belong to it until a blank line."""
    kept: list[str] = []
    current: str | None = None
    for line in lines:
        if line.startswith("\0"):
            current = line[1:]
            continue
        if not line.strip():
            current = None
        if current is None or current == wanted:
            kept.append(line)
    return "\n".join(kept).strip()


def has_batchim(word: str) -> bool:
    """Whether the last syllable ends in a consonant (picks 은/는, 이/가, 을/를)."""
    last = word.rstrip()[-1:] if word.strip() else ""
    if not ("가" <= last <= "힣"):
        return False
    return (ord(last) - 0xAC00) % 28 != 0


_PARTICLES: Final[dict[str, tuple[str, str]]] = {
    "은": ("은", "는"),
    "는": ("은", "는"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "을": ("을", "를"),
    "를": ("을", "를"),
}


def fill_info_blank(text: str, request: str | None) -> str:
    """Name the requested item in a refusal's blank, with the particle agreeing with it."""
    name = ITEM_NAMES.get(request, ITEM_NAMES[None])

    def repl(m: re.Match[str]) -> str:
        after = text[m.end() : m.end() + 1]
        if after in _PARTICLES:
            return name + "\0"  # particle fixed below, once the word is known
        return name

    filled = INFO_BLANK.sub(repl, text)

    def particle(m: re.Match[str]) -> str:
        with_batchim, without = _PARTICLES[m.group(2)]
        return m.group(1) + (with_batchim if has_batchim(m.group(1)) else without)

    filled = re.sub(r"(\S+)\0([은는이가을를])", particle, filled)
    # "개인정보 정보" reads double: one "정보" is enough.
    return filled.replace("개인정보 정보", "개인정보")


@dataclass(frozen=True)
class ScriptSentence:
    """One sentence of a script, with its place in the text (paragraph index)."""

    text: str
    paragraph: int


def segments(text: str) -> list[ScriptSentence]:
    """Sentences in order; paragraphs are separated by blank lines."""
    out: list[ScriptSentence] = []
    for p_index, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        for line in paragraph.splitlines():
            for sentence in _SENTENCE_END.split(line):
                if sentence.strip():
                    out.append(ScriptSentence(sentence.strip(), p_index))
    return out


def join_segments(parts: list[ScriptSentence]) -> str:
    """Sentences back into text: one line per sentence, a blank line between paragraphs."""
    lines: list[str] = []
    previous: int | None = None
    for seg in parts:
        if previous is not None and seg.paragraph != previous:
            lines.append("")
        lines.append(seg.text)
        previous = seg.paragraph
    return "\n".join(lines).strip()
