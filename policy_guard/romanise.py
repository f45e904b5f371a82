"""Romanised spellings of a hangul syllable or a name: the Revised Romanisation (the jamo table
``romanisation.yaml``, generated from the ``hangul-romanize`` library) and the variants people
write (``canonical.yaml``): Choi/Choe, Park/Bak, Min-jun/Minjoon.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml

from policy_guard.lexicon import load_canonical_words

_MAX_SPELLINGS = 24  # per syllable: enough for the usual variants, bounded for the regex


@functools.cache
def _jamo() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    raw = resources.files("policy_guard").joinpath("romanisation.yaml").read_text("utf-8")
    tables = yaml.safe_load(raw)
    return tuple(tables["initials"]), tuple(tables["vowels"]), tuple(tables["finals"])


@functools.cache
def _revised(syllable: str) -> str:
    """The Revised Romanisation of one syllable: its jamo (Unicode's syllable arithmetic)
    spelt by the table generated from ``hangul-romanize``."""
    initials, vowels, finals = _jamo()
    index = ord(syllable) - ord("가")
    return initials[index // 588] + vowels[(index // 28) % 21] + finals[index % 28]


def _variants(spelling: str) -> set[str]:
    """Spellings of one romanised syllable: initial r/l, final k/g, and the syllable variants."""
    out = {spelling}
    if spelling.startswith("l"):
        out.add("r" + spelling[1:])
    if spelling.endswith("g") and not spelling.endswith("ng"):
        out.add(spelling[:-1] + "k")
    if spelling.endswith("b"):
        out.add(spelling[:-1] + "p")
    if spelling.endswith("l"):
        out.add(spelling[:-1] + "r")
    for source, targets in load_canonical_words().syllable_variants.items():
        for base in list(out):
            if source in base:
                out.update(base.replace(source, t, 1) for t in targets)
    return out


@functools.cache
def syllable_spellings(syllable: str) -> tuple[str, ...]:
    """Lower-case romanised spellings of one hangul syllable, the library's first."""
    if not "가" <= syllable <= "힣":
        return ()
    revised = _revised(syllable)
    extra = sorted(_variants(revised) - {revised})
    return (revised, *extra)[:_MAX_SPELLINGS]


@functools.cache
def surname_spellings(surname: str) -> tuple[str, ...]:
    known = load_canonical_words().surname_romanisation.get(surname, ())
    own = "".join(spellings[0] for s in surname if (spellings := syllable_spellings(s)))
    return tuple(dict.fromkeys([*known, own] if own else known))


def _alternation(spellings: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(s) for s in sorted(set(spellings), key=len, reverse=True))


def given_name_pattern(given: str) -> str:
    """A regex for a romanised given name: syllables written together, hyphenated or apart
    (Minjun, Min-jun, Min Jun, Minjoon)."""
    parts = [f"(?:{_alternation(syllable_spellings(s))})" for s in given]
    return r"[\- ]?".join(parts)


def surname_pattern(surname: str) -> str:
    return f"(?:{_alternation(surname_spellings(surname))})"
