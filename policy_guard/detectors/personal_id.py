"""Identity and card numbers: 주민등록번호 / 외국인등록번호 (also masked, ``851212-2******``),
card numbers (4×4 groups, or 15–16 plain digits that pass the Luhn check), driver's licence
numbers (``11-23-123456-78``) and passport numbers next to the word 여권.
"""

from __future__ import annotations

import re

from policy_guard.detectors.base import Finding
from policy_guard.detectors.zones import finditer_in_zones

_MASK = r"[0-9*＊xX●○]"
_RRN = re.compile(
    rf"(?<![0-9])[0-9]{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    rf"(?: ?- ?(?:[1-8]|[*＊xX●○]){_MASK}{{6}}|[1-8][0-9]{{6}})(?![0-9])"
)
_CARD_GROUPED = re.compile(
    r"(?<![0-9])[0-9]{4}([ \-])[0-9*＊xX●]{4}\1[0-9*＊xX●]{4}\1[0-9]{4}(?![0-9\-])"
    r"|(?<![0-9])[0-9]{4}([ \-])[0-9]{6}\2[0-9]{5}(?![0-9\-])"
)
_CARD_PLAIN = re.compile(r"(?<![0-9\-])[0-9]{15,16}(?![0-9\-])")
_LICENCE = re.compile(r"(?<![0-9\-])[0-9]{2}-[0-9]{2}-[0-9]{6}-[0-9]{2}(?![0-9\-])")
_PASSPORT = re.compile(
    r"여권[^.\n]{0,12}?(?<![A-Za-z0-9])([MSRODG][0-9]{8}|M[0-9]{3}[A-Z][0-9]{4})"
)


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def detect(text: str) -> list[Finding]:
    spans: list[tuple[int, int]] = [(m.start(), m.end()) for m in finditer_in_zones(_RRN, text)]
    spans += [(m.start(), m.end()) for m in finditer_in_zones(_CARD_GROUPED, text)]
    spans += [
        (m.start(), m.end()) for m in finditer_in_zones(_CARD_PLAIN, text) if luhn_ok(m.group())
    ]
    spans += [(m.start(), m.end()) for m in finditer_in_zones(_LICENCE, text)]
    if "여권" in text:
        spans += [(m.start(1), m.end(1)) for m in _PASSPORT.finditer(text)]
    return [Finding(s, e, "value") for s, e in sorted(set(spans))]
