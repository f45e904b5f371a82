"""Identity and card numbers: 주민등록번호 / 외국인등록번호 (also masked, ``851212-2******``),
card numbers (4×4 groups, or 15–16 plain digits that pass the Luhn check), driver's licence
numbers (``11-23-123456-78``) and passport numbers next to the word 여권.
"""

from __future__ import annotations

import functools
import re

from policy_guard.detectors.base import Finding
from policy_guard.detectors.driver_context import about_driver
from policy_guard.detectors.zones import finditer_in_zones
from policy_guard.lexicon import alternation, load_lexicon

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


_CARD_WINDOW = 12  # characters between a card word and the number


@functools.cache
def _card_word() -> re.Pattern[str]:
    return re.compile(alternation(load_lexicon().card_keywords))


def _after_card_word(text: str, start: int) -> bool:
    """A card word shortly before ``start`` (카드번호 1234567890123456): a card number even
    when it fails the Luhn check (a typo, or a made-up example, is still written as one)."""
    return bool(_card_word().search(text, max(0, start - _CARD_WINDOW), start))


_RRN_WINDOW = 24  # characters after a 주민등록번호 word where its parts may stand
_RRN_PART = re.compile(
    r"(?<![0-9])(?:[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])|[1-8][0-9]{6})(?![0-9])"
)


@functools.cache
def _rrn_word() -> re.Pattern[str]:
    return re.compile(alternation(load_lexicon().rrn_keywords))


def _rrn_parts(text: str) -> list[tuple[int, int]]:
    """The halves of a 주민등록번호 given apart (앞자리 851212, 뒷자리 2345678)."""
    out = []
    for word in _rrn_word().finditer(text):
        out += [
            (m.start(), m.end())
            for m in _RRN_PART.finditer(text, word.end(), word.end() + _RRN_WINDOW)
        ]
    return out


_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


def _driver_emails(text: str) -> list[tuple[int, int]]:
    """An e-mail address in a sentence about the driver is the driver's personal data (the
    customer's own address, in the statement flow, stands in sentences about the customer)."""
    if "@" not in text:
        return []
    return [
        (m.start(), m.end())
        for m in _EMAIL.finditer(text)
        if about_driver(text, m.start(), m.start())
    ]


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
        (m.start(), m.end())
        for m in finditer_in_zones(_CARD_PLAIN, text)
        if luhn_ok(m.group()) or _after_card_word(text, m.start())
    ]
    spans += [(m.start(), m.end()) for m in finditer_in_zones(_LICENCE, text)]
    spans += _rrn_parts(text)
    spans += _driver_emails(text)
    if "여권" in text:
        spans += [(m.start(1), m.end(1)) for m in _PASSPORT.finditer(text)]
    return [Finding(s, e, "value") for s, e in sorted(set(spans))]
