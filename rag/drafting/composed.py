"""The default drafter: the reply is the chosen situation's approved script, made safe.

No model: the script is taken as written, the requested item is named in a refusal's blank,
a disclosure placeholder is filled with the console's value only where the guard's rule allows
it (and dropped otherwise), and any sentence the guard still objects to (e.g. "이용내역서는 …
발송해 드릴 예정이에요" before the collection consent) is removed until the guard passes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Verdict, Violation
from rag.drafting.base import DraftContext
from rag.script import (
    DISCLOSURE_PLACEHOLDERS,
    PLACEHOLDER_FIELDS,
    ScriptSentence,
    channel_variant,
    customer_script,
    fill_info_blank,
    join_segments,
    segments,
)

log = logging.getLogger(__name__)

GuardCheck = Callable[[str, CaseFacts], Verdict]
DisclosureCheck = Callable[[str, CaseFacts], bool]

#: Said when no approved script can be used: it states no policy of its own.
NO_SCRIPT_REPLY = (
    "문의하신 내용에 해당하는 승인된 상담 스크립트를 찾지 못했습니다. "
    "상담 가이드를 확인하신 후 안내해 주세요."
)
#: Guard passes left after removing sentences; each pass removes at least one sentence.
MAX_PASSES = 8


@dataclass(frozen=True)
class Composition:
    reply: str
    removed_rules: tuple[str, ...] = ()  # rules whose sentences had to be dropped


def _with_offsets(
    text: str, parts: Sequence[ScriptSentence]
) -> list[tuple[int, int, ScriptSentence]]:
    """Each sentence with its character range in ``text`` (sentences appear in order)."""
    out: list[tuple[int, int, ScriptSentence]] = []
    pos = 0
    for seg in parts:
        start = text.find(seg.text, pos)
        if start < 0:  # cannot happen for text built by join_segments; stay safe anyway
            start = pos
        end = start + len(seg.text)
        out.append((start, end, seg))
        pos = end
    return out


def drop_violating(text: str, violations: Sequence[Violation]) -> str:
    """The text without every sentence that overlaps a violation's span (spans are offsets
    into ``text``; every sentence is a substring of it, found in order)."""
    kept = [
        seg
        for start, end, seg in _with_offsets(text, segments(text))
        if not any(v.span[0] < end and start < v.span[1] for v in violations)
    ]
    return join_segments(kept)


def compose_reply(
    chunk: Chunk, facts: CaseFacts, check: GuardCheck, allows: DisclosureCheck
) -> Composition:
    """The approved script of ``chunk`` for this case, passing the guard (possibly empty)."""
    text = channel_variant(customer_script(chunk), facts.channel)
    text = fill_info_blank(text, facts.request)
    removed: list[str] = []
    for rule, pattern in DISCLOSURE_PLACEHOLDERS.items():
        if not pattern.search(text):
            continue
        value = getattr(facts, PLACEHOLDER_FIELDS[rule])
        if allows(rule, facts):
            if value:
                text = pattern.sub(str(value).replace("\\", "\\\\"), text)
            # Allowed but unknown to the console: the agent fills it in from the admin tool.
            continue
        removed.append(rule)
        text = join_segments([s for s in segments(text) if not pattern.search(s.text)])
    text = text.strip()
    for _ in range(MAX_PASSES):
        if not text:
            break
        verdict = check(text, facts)
        if verdict.allowed:
            break
        removed.extend(v.rule for v in verdict.violations)
        shorter = drop_violating(text, verdict.violations)
        if shorter == text:  # a violation outside every sentence: give nothing rather than it
            text = ""
            break
        text = shorter
    else:
        text = ""
    if removed:
        log.info("composed chunk=%s removed_rules=%s", chunk.id, sorted(set(removed)))
    return Composition(text, tuple(dict.fromkeys(removed)))


class ComposedDrafter:
    """Returns the composed reply as it is: the safe default and the LLM's fallback."""

    name = "composed"

    def draft(self, ctx: DraftContext, violations: Sequence[Violation] = ()) -> str:
        return ctx.composed or NO_SCRIPT_REPLY
