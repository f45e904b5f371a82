"""Per-field text limits, checked after parsing so the error names the field."""

from __future__ import annotations

import functools
import sys
import unicodedata

from api.errors import FieldError

#: Letters that render as nothing: the Hangul fillers (a common "blank" in Korean input) and
#: the braille blank. Format characters (U+200B, U+200D, U+2060, U+FEFF, …) are found by their
#: Unicode category instead.
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def is_blank(text: str) -> bool:
    """True when the text shows nothing: only spaces (NBSP, ideographic space, …), control and
    format characters (zero-width space and joiners, word joiner, BOM) or invisible letters."""
    return all(_invisible(ch) for ch in text)


def _invisible(ch: str) -> bool:
    return (
        ch.isspace()
        or ch in _INVISIBLE_LETTERS
        or unicodedata.category(ch) in _INVISIBLE_CATEGORIES
    )


@functools.cache
def visible_pattern() -> str:
    """``is_blank`` as a JSON Schema ``pattern``: at least one character outside the invisible
    set, listed exactly (built once, from the same test), so the schema and the check agree."""
    ranges: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or not _invisible(chr(code)):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    # Literal characters (none of them is special inside a class): both Python's and
    # ECMAScript's regex read them the same way.
    parts = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
    return f"[^{parts}]"


def check_text(field: str, value: str, max_chars: int) -> None:
    if is_blank(value):
        raise FieldError(f"{field} is empty", [field])
    if len(value) > max_chars:
        raise FieldError(
            f"{field} is longer than {max_chars} characters ({len(value)})",
            [field],
            status_code=413,
            code="payload_too_large",
        )
