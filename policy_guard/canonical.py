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
from collections.abc import Callable, Iterator, Sequence
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
        return normalize(folded).text, False
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
    return "".join(_exotic_char(c)[0] for c in normalize(decoded).text)


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
    group = rf"(?:{pos}|[0-9][0-9{dw}]*|[{dw}][0-9{dw}]+|[OlI|]{{3,}})"
    joiner = alternation(list(words.joiners))
    sep = rf"(?:\s?(?:{joiner})\s?,?\s?|[ \-.,/()]{{0,3}})"
    letter = f"[{load_lexicon().plate_letters}]"
    # A front that starts with a digit word is all digit words (대구00가: 대구 is a region).
    plate_part = rf"(?:{pos}|[0-9][0-9{dw}]{{1,2}}|[{dw}]{{2,3}})"
    plate_back = rf"(?:{pos}|[0-9{dw}]{{4}})"
    return {
        "looks": re.compile(
            rf"(?<![A-Za-z0-9])[0-9{looks}]+(?:[ .\-]{{1,2}}[0-9{looks}]+)*(?![A-Za-z0-9])"
        ),
        # Patterns start on a character class (quick to scan for); what stands before a match
        # is checked afterwards.
        "stray": re.compile(r"[0-9](?P<l>[A-Za-z]{1,2})(?=[0-9])"),
        "looks_gate": re.compile(rf"[0-9][ .\-]{{0,2}}[{looks}]|[{looks}][ .\-]{{0,2}}[0-9]"),
        "english_gate": re.compile(
            r"[zotfsenZOTFSEN](?i:ero|h|ne|wo|hree|our|ive|ix|even|ight|ine)(?![A-Za-z])"
        ),
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
            rf"(?P<front>{plate_part})\s?(?P<letter>{letter})\s?(?P<back>{plate_back})"
            rf"(?![0-9{dw}])"
        ),
        "plate_roman": re.compile(
            r"(?P<front>[0-9]{2,3})[ \-]?(?P<letter>[A-Za-z]{1,4})\.?[ \-]?"
            r"(?P<back>[0-9]{4})(?![0-9])"
        ),
    }


_STRONG_LOOKS = "OolI|"  # letters that stand for a digit even in a short group (l2가, 432l)


def _look_alikes(m: re.Match[str]) -> str | None:
    """Letters for digits in a run of digits: in a long run (six digits or more) any
    look-alike, in a short one the strong ones (O, l, I) only."""
    run = m.group()
    digits = sum(c.isdigit() for c in run)
    table = load_canonical_words().look_alikes
    if digits < 6:
        short = digits >= 1 and (digits >= 3 or " " not in run)
        if not short or any(c in table and c not in _STRONG_LOOKS for c in run):
            return None
    return "".join(table.get(c, c) for c in run)


def _english(m: re.Match[str]) -> str | None:
    """``zero one zero, one two three four`` -> ``010, 1234``: words of a run become digits;
    the spaces between two digit words go, other separators stay."""
    p = _digit_patterns()
    words = load_canonical_words().english_digits
    found = list(p["english_word"].finditer(m.group()))
    digits = sum(c.isdigit() for c in m.group())
    if len(found) < 2 and not (found and digits + len(found) >= 7):
        return None
    text = p["english_word"].sub(lambda w: str(words[w.group().lower()]), m.group())
    return re.sub(r"(?<=[0-9]) (?=[0-9])", "", text) if len(found) >= 2 else text


def _korean_value(group: str) -> str:
    """The digits a group of Korean numerals (and digits) stands for."""
    words = load_lexicon().digit_words
    units = load_canonical_words().positional_units
    if not any(c in units for c in group):
        looks = load_canonical_words().look_alikes
        return "".join(str(words[c]) if c in words else looks.get(c, c) for c in group)
    total, pending = 0, None
    for c in group:
        if c in units:
            total += (pending if pending is not None else 1) * units[c]
            pending = None
        else:
            pending = words[c]
    return str(total + (pending or 0))


@functools.cache
def _part_words() -> re.Pattern[str]:
    lex = load_lexicon()
    words = [*lex.partial_markers, *lex.rrn_keywords, *lex.card_keywords, "앞자리"]
    return re.compile(alternation(words))


def _names_a_part(text: str, start: int) -> bool:
    return bool(_part_words().search(text, max(0, start - 16), start))


_PARTICLE_DIGITS = "이일"  # digit words that are also particles or endings (이에요, 일 때)
_LOOKS_ONLY = re.compile("[OlI|]+")
_PLATE_SHAPE = re.compile("(?<![0-9])[0-9]{2,3}[가-힣][0-9]{4}(?![0-9])")


def _chain_edits(text: str, m: re.Match[str]) -> list[Edit]:
    """Korean numerals in a run of digit groups become digits, and joining words a dash, when
    the run then reads as a long number (eight digits or more)."""
    chunk = m.group()
    if chunk.isascii() and not any(c.isalpha() for c in chunk):
        return []  # digits and separators only: the plain reading reads them
    p = _digit_patterns()
    groups = list(p["group"].finditer(text, m.start(), m.end()))
    last = groups[-1].group() if groups else ""
    units = load_canonical_words().positional_units
    if len(last) > 1 and last[-1] in _PARTICLE_DIGITS and not any(c in units for c in last):
        after = text[m.end() : m.end() + 1]
        # 4321이에요 (digits, then a digit word), 사삼이일이에요 (a whole group of 4, 6 or 7
        # digit words, then one more): a particle, not a digit
        particle = last[:-1].isdigit() or len(last) - 1 in (4, 6, 7)
        if particle and after and "가" <= after <= "힣":
            cut = p["group"].match(text, groups[-1].start(), groups[-1].end() - 1)
            groups[-1] = cut or groups[-1]
    values = [_korean_value(g.group()) for g in groups]
    # A long number needs eight digits; after 뒷자리, 주민번호, 카드 … a part of one is enough.
    if sum(len(v) for v in values) < (4 if _names_a_part(text, m.start()) else 8):
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
    if all(_LOOKS_ONLY.fullmatch(g.group()) for g in groups):
        return []  # OOO-OOO-OOOOOO: a template, not a number
    if any(_PLATE_SHAPE.search(g.group()) for g in groups):
        return []  # 100오0000: a plate whose letter is also a digit word
    if joined or any(_needs_reading(g.group()) for g in groups):
        return sorted(edits)
    words = "".join(v for v, g in zip(values, groups, strict=True) if not g.group().isdigit())
    if 9 <= len(words) <= 11 and words[0] == "0":
        return []  # a phone in plain digit words: the plain reading reads it already
    return sorted(edits)


def _needs_reading(group: str) -> bool:
    """A group the plain reading cannot read: place values, digits mixed with digit words
    (공1공), or a short group of digit words."""
    if group.isdigit():
        return False
    units = load_canonical_words().positional_units
    words = load_lexicon().digit_words
    return (
        len(group) < 3
        or any(c in units or c.isdigit() for c in group)
        or not all(c in words for c in group)
    )


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
    letters = m.group("letter")
    if any(c in "lI|" for c in letters) or (len(letters) > 1 and set(letters) <= set("Oo")):
        return None  # 82 lO-8765: letters for digits, read as digits later (a lone O is 오)
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
    p = _digit_patterns()
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
    r.sub(p["plate_roman"], _after_no(r.text, _DIGITS, _plate_roman))
    if p["looks_gate"].search(r.text):
        r.sub(p["looks"], _look_alikes)
    r.apply([(m.start("l"), m.end("l"), "") for m in p["stray"].finditer(r.text)])
    if p["english_gate"].search(r.text):
        r.sub(p["english"], _english)
    r.sub(p["spaced"], lambda m: m.group().replace(" ", ""))
    yield
    r.sub(p["plate_words"], _after_no(r.text, _DIGITS + _digit_word_chars(), _plate_words))
    text = r.text
    edits: list[Edit] = []
    chains: list[tuple[int, int]] = []
    for m in p["chain"].finditer(text):
        found = _chain_edits(text, m) if m.end() - m.start() >= 4 else []
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
