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
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    region = alternation(lex.plate_regions)
    letter = f"[{lex.plate_letters}]"
    mask = re.escape(lex.mask_chars)
    sep = r"[ \-]?"
    plate = re.compile(
        rf"(?:(?P<region>{region}){sep}(?P<old>[0-9]{{1,3}})|(?<![0-9])(?P<front>[0-9]{{2,3}}))"
        rf"{sep}(?P<letter>{letter}){sep}(?P<back>[0-9]{{4}})(?![0-9])"
    )
    cell = f"[0-9{mask}]"
    template = re.compile(
        rf"(?<![0-9A-Za-z{mask}])(?P<front>{cell}{{2,3}}){sep}(?P<letter>{letter}){sep}"
        rf"(?P<back>{cell}{{4}})(?![0-9A-Za-z{mask}])"
    )
    return plate, template


def plate_key(value: str) -> str:
    """A plate without region and separators (``서울 12가 3456`` -> ``12가3456``)."""
    plate_re, _ = _patterns()
    m = plate_re.search(value)
    if not m:
        return re.sub(r"[\s\-]", "", value)
    return f"{m.group('front') or m.group('old')}{m.group('letter')}{m.group('back')}"


def detect(text: str, console_plate: str | None) -> list[Finding]:
    plate_re, template_re = _patterns()
    console = plate_key(console_plate) if console_plate else ""
    findings: list[Finding] = []
    for m in template_re.finditer(text):
        cells = m.group("front") + m.group("back")
        if not cells.isdigit() or not cells.strip("0"):
            findings.append(Finding(m.start(), m.end(), "template"))
    for m in plate_re.finditer(text):
        if any(f.start < m.end() and m.start() < f.end for f in findings):
            continue
        key = f"{m.group('front') or m.group('old')}{m.group('letter')}{m.group('back')}"
        if console:
            findings.append(Finding(m.start(), m.end(), "console" if key == console else "other"))
        else:
            findings.append(Finding(m.start(), m.end(), "value"))
    return findings
