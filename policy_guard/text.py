"""The draft as the detectors read it, with a map back to the original characters.

People and models write the same value in many ways: full-width digits, other Unicode decimal
digits, typographic dashes and spaces, zero-width characters slipped between digits. The
detectors match on one normal form; every change is one character to one character, or a
deletion, so a span found in the normal form maps back exactly onto the draft the console shows.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Typographic dashes, and the Hangul letter ㅡ that people type for a dash (010ㅡ1234ㅡ5678).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u30fc\u3161"


class _NormalMap(dict[int, int | None]):
    """``str.translate`` table built on demand: most characters are looked up once per process."""

    def __missing__(self, code: int) -> int | None:
        char = chr(code)
        target: int | None = code
        decimal = unicodedata.decimal(char, None)
        category = unicodedata.category(char)
        if decimal is not None:
            target = ord("0") + decimal
        elif 0xFF01 <= code <= 0xFF5E:  # full-width ASCII forms
            target = code - 0xFEE0
        elif char in _DASHES:
            target = ord("-")
        elif category == "Zs" or char == "\t":
            target = ord(" ")
        elif category == "Cf":  # zero-width and other invisible format characters
            target = None
        self[code] = target
        return target


_MAP = _NormalMap()
for _c in range(0x80):  # ASCII stays as it is (tab becomes a space)
    _MAP[_c] = _c
_MAP[ord("\t")] = ord(" ")


@dataclass(frozen=True)
class NormalText:
    """``text`` is the normal form; ``origin[i]`` is the index in ``original`` of ``text[i]``.

    ``ends[i]`` (when given) is where the original characters ``text[i]`` stands for end: a
    canonical reading may write one character for several (``&#48;`` -> ``0``, ``공`` ``일``
    ``공`` -> ``010``, ``구천백삼십칠`` -> ``9137``).
    """

    original: str
    text: str
    origin: tuple[int, ...] | None  # None: nothing was deleted, indices are the same
    ends: tuple[int, ...] | None = None  # None: text[i] stands for one original character
    # Original spans where this reading wrote digits for Korean numerals: there it reads the
    # number as a whole, so a plain reading's cut of the same numerals is not trusted.
    numerals: tuple[tuple[int, int], ...] = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` of the normal-form slice ``[start, end)``."""
        if self.origin is None:
            return start, end
        if end <= start:
            pos = self.origin[start] if start < len(self.origin) else len(self.original)
            return pos, pos
        last = self.ends[end - 1] if self.ends is not None else self.origin[end - 1] + 1
        return self.origin[start], max(last, self.origin[start] + 1)


def fold_lookalikes(draft: str) -> NormalText:
    """Other digits, full-width ASCII, typographic dashes and spaces to their ASCII form, invisible
    format characters dropped, case and width of everything else kept, with the map back."""
    # Unlike rag's folds (NFKC, lower case), one character to at most one: spans map back exactly.
    text = draft.translate(_MAP)
    if len(text) == len(draft):
        return NormalText(draft, text, None)
    origin = tuple(i for i, ch in enumerate(draft) if _MAP[ord(ch)] is not None)
    return NormalText(draft, text, origin)


def digits_of(value: str) -> str:
    """The digits of a value the console holds (``+82`` read as a leading ``0``)."""
    text = value.translate(_MAP)
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    stripped = text.lstrip()
    if stripped.startswith("+82") and digits.startswith("82"):
        rest = digits[2:]
        digits = rest if rest.startswith("0") else "0" + rest
    return digits
