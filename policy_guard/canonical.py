"""A canonical reading of the draft, for values written to slip past a plain reading.

``fold_lookalikes`` keeps the draft as a person reads it; ``canonical`` goes further and writes each
value the way the detectors know it: Unicode compatibility forms (circled, superscript,
parenthesised digits, decomposed hangul), no control or format characters, no markdown emphasis
or HTML around digits and names, HTML entities decoded, letters that stand for digits (``O`` for
0, ``l`` for 1) and stray letters inside a digit run, numbers in English words, Korean numerals
(digit by digit, and by place value: 구천백삼십칠 = 9137), groups joined by particles or short
words (010에 8765에 4321로), digits spelt one by one with spaces, plates with a romanised or
spelt-out letter (57 Deo 2841 = 57더2841, 오칠더이팔사일), and hanja read as hangul.

Every change is an edit of a stretch of the reading; each character written keeps the span of
original characters it stands for, so a finding maps back exactly onto the draft the console
shows. The detectors read both readings; this one is built only when it differs.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from importlib import resources

import yaml

from policy_guard.lexicon import load_lexicon
from policy_guard.numerals import (
    Edit,
    chain_edits,
    digit_patterns,
    english_words,
    look_alikes,
    plate_roman,
    plate_words,
)
from policy_guard.text import NormalText, fold_lookalikes


class _Reading:
    """The reading being built: text, and per character the original span it stands for
    (the maps are built on the first edit: most drafts need none)."""

    def __init__(self, doc: NormalText) -> None:
        self.doc = doc
        self.text = doc.text
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.edited = False
        self.numerals: list[tuple[int, int]] = []  # original spans of numerals read as digits

    def _maps(self) -> None:
        doc = self.doc
        self.starts = list(doc.origin) if doc.origin is not None else list(range(len(doc.text)))
        self.ends = [s + 1 for s in self.starts] if doc.ends is None else list(doc.ends)
        self.edited = True

    def apply(self, edits: list[Edit], numerals: Sequence[tuple[int, int]] = ()) -> None:
        """Apply non-overlapping edits given in text order; ``numerals``: stretches (of the
        text before the edits) where the edits read numerals as digits, kept as original spans."""
        if not edits:
            return
        if not self.edited:
            self._maps()
        text, starts, ends = self.text, self.starts, self.ends
        self.numerals += [(starts[a], ends[b - 1]) for a, b in numerals]
        out: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        pos = 0
        for a, b, new in edits:
            out.append(text[pos:a])
            new_starts += starts[pos:a]
            new_ends += ends[pos:a]
            if len(new) == b - a:
                new_starts += starts[a:b]
                new_ends += ends[a:b]
            elif new:
                new_starts += [starts[a]] * len(new)
                new_ends += [ends[b - 1]] * len(new)
            out.append(new)
            pos = b
        out.append(text[pos:])
        new_starts += starts[pos:]
        new_ends += ends[pos:]
        self.text, self.starts, self.ends = "".join(out), new_starts, new_ends

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str | None]) -> None:
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m)
            if new is not None and new != m.group():
                edits.append((m.start(), m.end(), new))
        self.apply(edits)

    def done(self) -> NormalText:
        if not self.edited:
            return self.doc
        return NormalText(
            self.doc.original,
            self.text,
            tuple(self.starts),
            tuple(self.ends),
            numerals=tuple(self.numerals),
        )


# ---- characters ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>]{0,120})?/?>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")
_JAMO = re.compile("[\u1100-\u1112][\u1161-\u1175][\u11a8-\u11c2]?")
# Characters outside ASCII, hangul syllables and compatibility jamo (ㅡ typed for a dash).
_EXOTIC = re.compile("[^\x00-\x7f\uac00-\ud7a3\u3130-\u318f]+")
# Emphasis marks between two digits (010**-**1234), or around a short hangul word before a
# title or after a name label (**김훈** 기사님): what a name or a number hides behind.
_EMPHASIS = re.compile(
    r"(?P<mark>\*\*|__|\*|_|~~|`)(?P<word>[가-힣]{1,4})(?P=mark)"
    r"|\*\*(?P<inner>[^\s*]\S{0,11}?)\*\*(?!\*)|\*+|_+|~~+|`+"
)
_SEPARATORS = " .-"


@functools.cache
def _exotic_char(char: str) -> tuple[str, bool]:
    """``(reading, is_digit)``: a digit for a circled, parenthesised or superscript digit; the
    compatibility form when it is letters or hangul; else the character itself."""
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit), True
    folded = unicodedata.normalize("NFKC", char)
    if folded != char and folded.isalnum():
        return fold_lookalikes(folded).text, False
    return char, False


def _exotic_edits(text: str, m: re.Match[str]) -> list[Edit]:
    """A digit written otherwise counts when it stands among digits (⓪①⓪, ⁰¹⁰-⁸⁷⁶⁵):
    a lone ① heading a list item stays as it is."""
    edits: list[Edit] = []
    for i in range(m.start(), m.end()):
        reading, is_digit = _exotic_char(text[i])
        if reading == text[i]:
            continue
        if is_digit and not _among_digits(text, i):
            continue
        edits.append((i, i + 1, reading))
    return edits


def _digit_like(char: str) -> bool:
    return char.isdigit() or (not char.isascii() and _exotic_char(char)[1])


def _among_digits(text: str, i: int) -> bool:
    for step in (-1, 1):
        j = i + step
        if 0 <= j < len(text) and text[j] in _SEPARATORS:
            j += step
        if 0 <= j < len(text) and _digit_like(text[j]):
            return True
    return False


def _entity(m: re.Match[str]) -> str | None:
    decoded = html.unescape(m.group())
    if decoded == m.group():
        return None
    return "".join(_exotic_char(c)[0] for c in fold_lookalikes(decoded).text)


_MARKS = "*_~`"
_MASKED = "*＊○●◯◎OoXx#[]{}<>"


def _run(text: str, i: int, step: int) -> int:
    """How many digits (up to two) stand from ``i`` on, going by ``step``, across marks and
    separators; a look-alike letter counts once a digit was seen."""
    count, n = 0, len(text)
    while 0 <= i < n and count < 2:
        c = text[i]
        if c in _MARKS or c in _SEPARATORS:
            i += step
            continue
        if c.isdigit() or (count and c in _DIGIT_LIKE):
            count += 1
            i += step
            continue
        break
    return count


_DIGIT_LIKE = "OolI|"


def _digit_beside(text: str, i: int, step: int) -> bool:
    """Is the first character from ``i`` on, past marks and separators, a digit, a digit word
    or a look-alike letter?"""
    while 0 <= i < len(text) and (text[i] in _MARKS or text[i] in _SEPARATORS):
        i += step
    if not 0 <= i < len(text):
        return False
    c = text[i]
    if c.isascii() and c.isalpha() and c not in _DIGIT_LIKE:  # **0**x**10**: a stray letter
        j = i + step
        while 0 <= j < len(text) and text[j] in _MARKS:
            j += step
        return 0 <= j < len(text) and text[j].isdigit()
    return c.isdigit() or c in _DIGIT_LIKE or c in load_lexicon().digit_words


def _emphasis(text: str) -> Callable[[re.Match[str]], str | None]:
    """Emphasis marks between two digits go (010**-**1234); a short name-like word in
    emphasis loses its marks (**김훈** 기사님). Other emphasis stays: it hides nothing."""
    from policy_guard.detectors.names import looks_like_name

    def repl(m: re.Match[str]) -> str | None:
        word = m.group("word")
        if word is not None:
            surname = len(word) == 1 and word in load_lexicon().surnames
            return word if surname or looks_like_name(word) else None
        inner = m.group("inner")
        if inner is not None:  # **OO가OOOO**, **이*희**, **[연락처]**: a value or a mask in bold
            digits = sum(c.isdigit() for c in inner)
            if any(c in _MASKED for c in inner) or digits >= 2:
                return inner
            if digits and (
                _digit_beside(text, m.start() - 1, -1) or _digit_beside(text, m.end(), 1)
            ):
                return inner  # **0**일**0**: one digit of a longer number
            return None  # 제**3**자: a single digit in emphasis
        # 010**-**1234, **0** **1** **0**, **57**더: marks inside a run of two digits or more
        if _run(text, m.start() - 1, -1) + _run(text, m.end(), 1) >= 2:
            return ""
        return None

    return repl


# ---- hanja --------------------------------------------------------------------------------

_HANJA = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@functools.cache
def _hanja_readings() -> dict[str, str]:
    raw = resources.files("policy_guard").joinpath("hanja_readings.yaml").read_text("utf-8")
    readings: dict[str, str] = yaml.safe_load(raw)["readings"]
    return {char: reading for reading, chars in readings.items() for char in chars}


def _hanja(m: re.Match[str]) -> str | None:
    return _hanja_readings().get(m.group())


# ---- the reading --------------------------------------------------------------------------


_DIGITS = "0123456789"


def _digit_word_chars() -> str:
    return "".join(load_lexicon().digit_words)


def _after_no(
    text: str, chars: str, repl: Callable[[re.Match[str]], str | None]
) -> Callable[[re.Match[str]], str | None]:
    """``repl``, for matches that do not follow one of ``chars`` (checked here, not in the
    pattern, so the pattern starts on a character class and scans quickly)."""

    def guarded(m: re.Match[str]) -> str | None:
        if m.start() > 0 and text[m.start() - 1] in chars:
            return None
        return repl(m)

    return guarded


def _passes(r: _Reading) -> Iterator[None]:
    """Each pass edits the reading; the order matters (a later pass reads an earlier one)."""
    p = digit_patterns()
    r.sub(_CONTROL, lambda m: "")
    yield
    if "<" in r.text:
        r.sub(_TAG, lambda m: "")
    if "&" in r.text:
        r.sub(_ENTITY, _entity)
    yield
    r.sub(_JAMO, lambda m: unicodedata.normalize("NFC", m.group()))
    text = r.text
    r.apply([e for m in _EXOTIC.finditer(text) for e in _exotic_edits(text, m)])
    yield
    r.sub(_EMPHASIS, _emphasis(r.text))
    r.sub(_HANJA, _hanja)
    yield
    r.sub(p["plate_roman"], _after_no(r.text, _DIGITS, plate_roman))
    if p["looks_gate"].search(r.text):
        r.sub(p["looks"], look_alikes)
    r.apply([(m.start("l"), m.end("l"), "") for m in p["stray"].finditer(r.text)])
    if p["english_gate"].search(r.text):
        r.sub(p["english"], english_words)
    r.sub(p["spaced"], lambda m: m.group().replace(" ", ""))
    yield
    r.sub(p["plate_words"], _after_no(r.text, _DIGITS + _digit_word_chars(), plate_words))
    text = r.text
    edits: list[Edit] = []
    chains: list[tuple[int, int]] = []
    for m in p["chain"].finditer(text):
        found = chain_edits(text, m) if m.end() - m.start() >= 4 else []
        if found:
            edits += found
            chains.append((found[0][0], found[-1][1]))
    r.apply(edits, numerals=chains)
    yield


def canonical(doc: NormalText) -> NormalText:
    """The canonical reading of ``doc`` (the plain normal form of a draft)."""
    r = _Reading(doc)
    for _ in _passes(r):
        pass
    return r.done()
