"""Numbers written otherwise, read as digits: letters for digits (``O1O``), stray letters in a
digit run, English digit words, Korean numerals (digit by digit, by place value, mixed with
digits), groups joined by particles or short words, and plates with a romanised or spelt-out
letter. The edits for the canonical reading (``canonical.py``); the words in ``canonical.yaml``.
"""

from __future__ import annotations

import functools
import re

from policy_guard.lexicon import alternation, load_canonical_words, load_lexicon

Edit = tuple[int, int, str]  # replace text[start:end] with the string


@functools.cache
def digit_patterns() -> dict[str, re.Pattern[str]]:
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


STRONG_LOOKS = "OolI|"  # letters that stand for a digit even in a short group (l2가, 432l)


def look_alikes(m: re.Match[str]) -> str | None:
    """Letters for digits in a run of digits: in a long run (six digits or more) any
    look-alike, in a short one the strong ones (O, l, I) only."""
    run = m.group()
    digits = sum(c.isdigit() for c in run)
    table = load_canonical_words().look_alikes
    if digits < 6:
        short = digits >= 1 and (digits >= 3 or " " not in run)
        if not short or any(c in table and c not in STRONG_LOOKS for c in run):
            return None
    return "".join(table.get(c, c) for c in run)


def english_words(m: re.Match[str]) -> str | None:
    """``zero one zero, one two three four`` -> ``010, 1234``: words of a run become digits;
    the spaces between two digit words go, other separators stay."""
    p = digit_patterns()
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


def chain_edits(text: str, m: re.Match[str]) -> list[Edit]:
    """Korean numerals in a run of digit groups become digits, and joining words a dash, when
    the run then reads as a long number (eight digits or more)."""
    chunk = m.group()
    if chunk.isascii() and not any(c.isalpha() for c in chunk):
        return []  # digits and separators only: the plain reading reads them
    p = digit_patterns()
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


def plate_words(m: re.Match[str]) -> str | None:
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


def plate_roman(m: re.Match[str]) -> str | None:
    if len(m.group("front")) == 3 and m.group("front")[0] == "0":
        return None  # 010a8765: a phone with a stray letter, no plate starts so
    letters = m.group("letter")
    if any(c in "lI|" for c in letters) or (len(letters) > 1 and set(letters) <= set("Oo")):
        return None  # 82 lO-8765: letters for digits, read as digits later (a lone O is 오)
    letter = _plate_letters_by_roman().get(m.group("letter").lower())
    if letter is None:
        return None
    return f"{m.group('front')}{letter}{m.group('back')}"
