"""Is a place in the draft about the driver? The words of the sentence before it (and right after
it) are read for a driver mention: 기사, 드라이버, 운행하신 분, … (``driver_mentions``)."""

from __future__ import annotations

import functools
import re

from policy_guard.lexicon import alternation, load_lexicon

_SENTENCE_END = re.compile(r"[.!?\n]")
_HEAD = 40  # characters of the sentence read before the place
_TAIL = 3  # characters read after it (``[이름] 기사님``)


@functools.cache
def _driver_mention() -> re.Pattern[str]:
    return re.compile(alternation(load_lexicon().driver_mentions))


def about_driver(text: str, start: int, end: int) -> bool:
    """A driver mention in the sentence before ``[start, end)``, inside it, or right after it."""
    begin = max(0, start - _HEAD)
    cut = max((m.end() for m in _SENTENCE_END.finditer(text, begin, start)), default=begin)
    return bool(_driver_mention().search(text, cut, min(len(text), end + _TAIL)))
