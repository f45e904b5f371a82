"""Vehicle plates (``12가3456``, ``123가4567``, ``서울12가3456``, ``12 가 3456``) and templates
that offer one (``OO가OOOO``, ``12가****``).

A plate is 2–3 digits, a plate letter and 4 digits; with a region in front the old 1–2 digit
form is read too. Spaces or dashes may stand between the parts.
"""

from __future__ import annotations

import functools
import re

from policy_guard.detectors.base import Finding
from policy_guard.lexicon import alternation, load_lexicon


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    letter = f"[{lex.plate_letters}]"
    mask = re.escape(lex.mask_chars)
    sep = r"[ \-]?"
    # Patterns start on a character class (quick to scan for); what stands before a match is
    # checked afterwards (no digit glued on the left; a 1-digit front needs a region).
    plate = re.compile(
        rf"(?P<front>[0-9]{{1,3}}){sep}(?P<letter>{letter}){sep}(?P<back>[0-9]{{4}})(?![0-9])"
    )
    cell = f"[0-9{mask}]"
    template = re.compile(
        rf"(?P<front>{cell}{{2,3}}){sep}(?P<letter>{letter}){sep}"
        rf"(?P<back>{cell}{{4}})(?![0-9A-Za-z{mask}])"
    )
    region = re.compile(rf"(?:{alternation(lex.plate_regions)}){sep}$")
    return plate, template, region


def _glued(text: str, start: int, chars: str) -> bool:
    return start > 0 and (
        text[start - 1] in chars or (text[start - 1].isascii() and text[start - 1].isalnum())
    )


def _plates(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` of every plate; ``start`` includes a region written before it."""
    plate_re, _, region_re = _patterns()
    out = []
    for m in plate_re.finditer(text):
        start = m.start()
        if start > 0 and text[start - 1].isdigit():
            continue
        region = region_re.search(text, max(0, start - 4), start)
        if len(m.group("front")) == 1 and not region:
            continue
        key = f"{m.group('front')}{m.group('letter')}{m.group('back')}"
        out.append((region.start() if region else start, m.end(), key))
    return out


def plate_key(value: str) -> str:
    """A plate without region and separators (``서울 12가 3456`` -> ``12가3456``)."""
    found = _plates(value)
    return found[0][2] if found else re.sub(r"[\s\-]", "", value)


def detect(text: str, console_plate: str | None) -> list[Finding]:
    _, template_re, _ = _patterns()
    mask = load_lexicon().mask_chars
    console = plate_key(console_plate) if console_plate else ""
    findings: list[Finding] = []
    for m in template_re.finditer(text):
        cells = m.group("front") + m.group("back")
        if _glued(text, m.start(), mask):
            continue
        if not cells.isdigit() or not cells.strip("0"):
            findings.append(Finding(m.start(), m.end(), "template"))
    for start, end, key in _plates(text):
        if any(f.start < end and start < f.end for f in findings):
            continue
        if console:
            findings.append(Finding(start, end, "console" if key == console else "other"))
        else:
            findings.append(Finding(start, end, "value"))
    return findings
