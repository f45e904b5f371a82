"""Stretches of the draft where a long number could stand.

Identity, card and account numbers have ten digits or more; most of a Korean draft has none.
Their detectors run only inside these zones (``Pattern.finditer(text, start, end)`` still sees
the characters around a zone, so boundary checks behave as on the whole text).
"""

from __future__ import annotations

import functools
import re

# Digits with the separators and mask characters those numbers are written with.
_ZONE = re.compile(r"[0-9][0-9 \-*＊xX●○]{8,}")


@functools.lru_cache(maxsize=16)
def numeric_zones(text: str) -> tuple[tuple[int, int], ...]:
    return tuple((m.start(), m.end()) for m in _ZONE.finditer(text))


def finditer_in_zones(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    return [m for s, e in numeric_zones(text) for m in pattern.finditer(text, s, e)]
