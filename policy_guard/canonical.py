"""A canonical reading of the draft, for values written to slip past a plain reading.

``normalize`` keeps the draft as a person reads it; ``canonical`` goes further and writes each
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
from collections.abc import Callable, Iterator
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from policy_guard.lexicon import alternation, load_lexicon
from policy_guard.text import NormalText, normalize

Edit = tuple[int, int, str]  # replace text[start:end] with the string


class CanonicalWords(BaseModel):
    """``canonical.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    joiners: tuple[str, ...]
    english_digits: dict[str, int]
    look_alikes: dict[str, str]
    positional_units: dict[str, int]
    plate_romanisation: dict[str, tuple[str, ...]]
    surname_romanisation: dict[str, tuple[str, ...]]
    syllable_variants: dict[str, tuple[str, ...]]


@functools.cache
def load_canonical_words() -> CanonicalWords:
    raw = resources.files("policy_guard").joinpath("canonical.yaml").read_text(encoding="utf-8")
    return CanonicalWords.model_validate(yaml.safe_load(raw))


class _Reading:
    """The reading being built: text, and per character the original span it stands for."""

    def __init__(self, doc: NormalText) -> None:
        self.original = doc.original
        self.text = doc.text
        n = len(doc.text)
        self.starts = list(doc.origin) if doc.origin is not None else list(range(n))
        self.ends = [s + 1 for s in self.starts] if doc.ends is None else list(doc.ends)

    def apply(self, edits: list[Edit]) -> None:
        """Apply non-overlapping edits given in text order."""
        if not edits:
            return
        text, starts, ends = self.text, self.starts, self.ends
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
        return NormalText(self.original, self.text, tuple(self.starts), tuple(self.ends))


# ---- characters ---------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,10}(?:\s[^<>]{0,120})?/?>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")
_JAMO = re.compile("[\u1100-\u1112][\u1161-\u1175][\u11a8-\u11c2]?")
# Characters outside ASCII, hangul syllables and compatibility jamo (ㅡ typed for a dash).
_EXOTIC = re.compile("[^\x00-\x7f\uac00-\ud7a3\u3130-\u318f]")
_EMPHASIS = re.compile(r"[*_~`]+")


@functools.cache
def _exotic(char: str) -> str | None:
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit)
    folded = unicodedata.normalize("NFKC", char)
    if folded == char:
        return None
    return normalize(folded).text


def _entity(m: re.Match[str]) -> str | None:
    decoded = html.unescape(m.group())
    if decoded == m.group():
        return None
    return "".join(_exotic(c) or c for c in normalize(decoded).text)


def _emphasis(text: str) -> Callable[[re.Match[str]], str | None]:
    def repl(m: re.Match[str]) -> str | None:
        a, b = m.start(), m.end()
        glued = (a > 0 and text[a - 1].isalnum()) or (b < len(text) and text[b].isalnum())
        return "" if glued else None

    return repl


# ---- digits written otherwise -------------------------------------------------------------


@functools.cache
def _digit_patterns() -> dict[str, re.Pattern[str]]:
    words = load_canonical_words()
    looks = re.escape("".join(words.look_alikes))
    english = alternation(list(words.english_digits))
    dw = "".join(load_lexicon().digit_words)
    nz = "".join(w for w, v in load_lexicon().digit_words.items() if v)
    units = "".join(words.positional_units)
    pos = rf"(?:[{nz}]?[{units}])(?:[{nz}]?[{units}])*[{nz}]?"  # 구천백삼십칠, 천이백, 삼십
    # A group: place-value numerals, or digits and digit words (a lone digit word is a word).
    group = rf"(?:{pos}|[0-9][0-9{dw}]*|[{dw}][0-9{dw}]+)"
    joiner = alternation(list(words.joiners))
    sep = rf"(?:\s?(?:{joiner})\s?,?\s?|[ \-.,/]{{0,3}})"
    letter = f"[{load_lexicon().plate_letters}]"
    plate_part = rf"(?:{pos}|[0-9]{{2,3}}|[{dw}]{{2,3}})"
    plate_back = rf"(?:{pos}|[0-9]{{4}}|[{dw}]{{4}})"
    return {
        "looks": re.compile(
            rf"(?<![A-Za-z0-9])[0-9{looks}]+(?:[ .\-]{{1,2}}[0-9{looks}]+)*(?![A-Za-z0-9])"
        ),
        "stray": re.compile(r"(?<=[0-9])[A-Za-z]{1,2}(?=[0-9])"),
        "english": re.compile(
            rf"(?i)(?<![A-Za-z])(?:{english}|[0-9]+)(?:[\s,\-]{{1,3}}(?:{english}|[0-9]+))+"
            r"(?![A-Za-z])"
        ),
        "english_word": re.compile(rf"(?i)(?<![A-Za-z])(?:{english})(?![A-Za-z])"),
        "spaced": re.compile(r"(?<![0-9])[0-9](?: [0-9](?![0-9]))+"),
        "chain": re.compile(rf"(?>{group})(?:(?>{sep})(?>{group}))*"),
        "group": re.compile(group),
        "joiner": re.compile(rf"\s?(?:{joiner})\s?,?\s?"),
        "positional": re.compile(pos),
        "plate_words": re.compile(
            rf"(?<![0-9{dw}])(?P<front>{plate_part})\s?(?P<letter>{letter})\s?(?P<back>{plate_back})"
            rf"(?![0-9{dw}])"
        ),
        "plate_roman": re.compile(
            r"(?<![0-9])(?P<front>[0-9]{2,3})[ \-]?(?P<letter>[A-Za-z]{1,4})\.?[ \-]?"
            r"(?P<back>[0-9]{4})(?![0-9])"
        ),
    }


def _look_alikes(m: re.Match[str]) -> str | None:
    run = m.group()
    if sum(c.isdigit() for c in run) < 6:
        return None
    table = load_canonical_words().look_alikes
    return "".join(table.get(c, c) for c in run)


def _english(m: re.Match[str]) -> str | None:
    """``zero one zero, one two three four`` -> ``010, 1234``: words of a run become digits;
    the spaces between two digit words go, other separators stay."""
    p = _digit_patterns()
    words = load_canonical_words().english_digits
    found = list(p["english_word"].finditer(m.group()))
    digits = sum(c.isdigit() for c in m.group())
    if len(found) < 3 and not (found and digits + len(found) >= 7):
        return None
    text = p["english_word"].sub(lambda w: str(words[w.group().lower()]), m.group())
    return re.sub(r"(?<=[0-9]) (?=[0-9])", "", text) if len(found) >= 3 else text


def _korean_value(group: str) -> str:
    """The digits a group of Korean numerals (and digits) stands for."""
    words = load_lexicon().digit_words
    units = load_canonical_words().positional_units
    if not any(c in units for c in group):
        return "".join(str(words[c]) if c in words else c for c in group)
    total, pending = 0, None
    for c in group:
        if c in units:
            total += (pending if pending is not None else 1) * units[c]
            pending = None
        else:
            pending = words[c]
    return str(total + (pending or 0))


_PARTICLE_DIGITS = "이일"  # digit words that are also particles or endings (이에요, 일 때)


def _chain_edits(text: str, m: re.Match[str]) -> list[Edit]:
    """Korean numerals in a run of digit groups become digits, and joining words a dash, when
    the run then reads as a long number (eight digits or more)."""
    p = _digit_patterns()
    groups = list(p["group"].finditer(text, m.start(), m.end()))
    last = groups[-1].group() if groups else ""
    if len(last) > 1 and last[-1] in _PARTICLE_DIGITS:
        after = text[m.end() : m.end() + 1]
        glued = last[-2].isdigit() or len(last) in (5, 9)
        if glued and after and "가" <= after <= "힣":  # 4321이에요, 사삼이일이에요: a particle
            cut = p["group"].match(text, groups[-1].start(), groups[-1].end() - 1)
            groups[-1] = cut or groups[-1]
    values = [_korean_value(g.group()) for g in groups]
    if sum(len(v) for v in values) < 8:
        return []
    edits: list[Edit] = []
    joined = False
    for i, g in enumerate(groups):
        if i:
            gap = p["joiner"].fullmatch(text, groups[i - 1].end(), g.start())
            if gap and gap.group().strip(" ,"):
                edits.append((groups[i - 1].end(), g.start(), "-"))
                joined = True
        if values[i] != g.group():
            edits.append((g.start(), g.end(), values[i]))
    korean = any(v != g.group() for v, g in zip(values, groups, strict=True))
    mixed = len(groups) == 1 and korean and any(c.isdigit() for c in groups[0].group())
    if not (joined or (korean and (len(groups) > 1 or mixed))):
        return []
    return sorted(edits)


def _plate_words(m: re.Match[str]) -> str | None:
    front, back = m.group("front"), m.group("back")
    if (front.isdigit() and back.isdigit()) or m.group("letter") in load_lexicon().digit_words:
        return None  # a digit word between digits (팔칠육오 사삼이일) is a digit, not a letter
    return f"{_korean_value(front)}{m.group('letter')}{_korean_value(back)}"


@functools.cache
def _plate_letters_by_roman() -> dict[str, str]:
    from policy_guard.romanise import syllable_spellings

    table: dict[str, str] = {}
    for letter in load_lexicon().plate_letters:
        for spelling in syllable_spellings(letter):
            table.setdefault(spelling, letter)
    for letter, spellings in load_canonical_words().plate_romanisation.items():
        for spelling in spellings:
            table.setdefault(spelling, letter)
    return table


def _plate_roman(m: re.Match[str]) -> str | None:
    if len(m.group("front")) == 3 and m.group("front")[0] == "0":
        return None  # 010a8765: a phone with a stray letter, no plate starts so
    letter = _plate_letters_by_roman().get(m.group("letter").lower())
    if letter is None:
        return None
    return f"{m.group('front')}{letter}{m.group('back')}"


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


def _passes(r: _Reading) -> Iterator[None]:
    """Each pass edits the reading; the order matters (a later pass reads an earlier one)."""
    p = _digit_patterns()
    r.sub(_CONTROL, lambda m: "")
    yield
    if "<" in r.text:
        r.sub(_TAG, lambda m: "")
    if "&" in r.text:
        r.sub(_ENTITY, _entity)
    yield
    r.sub(_JAMO, lambda m: unicodedata.normalize("NFC", m.group()))
    r.sub(_EXOTIC, lambda m: _exotic(m.group()))
    yield
    r.sub(_EMPHASIS, _emphasis(r.text))
    r.sub(_HANJA, _hanja)
    yield
    r.sub(p["plate_roman"], _plate_roman)
    r.sub(p["looks"], _look_alikes)
    r.sub(p["stray"], lambda m: "")
    r.sub(p["english"], _english)
    r.sub(p["spaced"], lambda m: m.group().replace(" ", ""))
    yield
    r.sub(p["plate_words"], _plate_words)
    text = r.text
    r.apply([e for m in p["chain"].finditer(text) for e in _chain_edits(text, m)])
    yield


def canonical(doc: NormalText) -> NormalText:
    """The canonical reading of ``doc`` (the plain normal form of a draft)."""
    r = _Reading(doc)
    for _ in _passes(r):
        pass
    return r.done()
