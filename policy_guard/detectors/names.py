"""Driver names: the console's ``driver_name`` (also spelt syllable by syllable, or the given name
with an honorific), masked forms (``박**``, ``이*희``, ``이○○``), and names the draft introduces
(``기사님 성함은 김철수``, ``김철수 기사님``, ``기사 이름: 김철수``).

A word counts as a name only when it is built like one: a surname from the list, then syllables
common in given names, and it is not one of the ordinary words that stand in the same place
(담당 기사님, 해당 기사님, …). Before 기사님 only full names of three syllables or more are read:
two-syllable words there are almost always ordinary words.
"""

from __future__ import annotations

import functools
import re

from policy_guard.detectors.base import Finding
from policy_guard.lexicon import Lexicon, alternation, load_lexicon

_HANGUL = "가-힣"
_NAME_MASK = "*＊○●◯◎OＯ"


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    surname = alternation(lex.surnames)
    mask = re.escape(_NAME_MASK)
    masked = re.compile(
        rf"(?<![{_HANGUL}A-Za-z0-9{mask}])(?P<name>(?:{surname})"
        rf"(?:[{_HANGUL}][{mask}]{{1,2}}|[{mask}]{{1,2}}[{_HANGUL}]|[{mask}]{{1,3}}))(?![{mask}])"
    )
    labelled = re.compile(
        r"(?:기사님?|운전자|운전기사|드라이버)\s?(?:의\s?)?(?:성함|이름|성명|실명)\s?"
        rf"(?:은|는|이|:|=|-)?\s?(?:바로\s?)?"
        rf"(?P<word>[{_HANGUL}](?: [{_HANGUL}]){{1,3}}(?![{_HANGUL}])|[{_HANGUL}]+)"
    )
    before_title = re.compile(rf"(?<![{_HANGUL}])(?P<word>[{_HANGUL}]{{3,4}})\s?(?:기사|드라이버)")
    endings = re.compile(f"(?:{alternation(lex.name_endings)})$")
    return masked, labelled, before_title, endings


@functools.cache
def _sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    lex: Lexicon = load_lexicon()
    return (
        frozenset(lex.surnames),
        frozenset(lex.given_name_syllables),
        frozenset(lex.name_stopwords),
    )


def looks_like_name(word: str) -> bool:
    """A surname then given-name syllables (2–4 syllables in all), and no ordinary word."""
    surnames, given, stop = _sets()
    if not 2 <= len(word) <= 4 or word in stop:
        return False
    for cut in (2, 1):
        rest = word[cut:]
        if word[:cut] in surnames and 1 <= len(rest) <= 2 and all(s in given for s in rest):
            return True
    return False


def _console_patterns(name: str) -> list[re.Pattern[str]]:
    syllables = [c for c in name if not c.isspace()]
    if len(syllables) < 2:
        return []
    full = r"\s?".join(re.escape(c) for c in syllables)
    out = [re.compile(rf"(?<![{_HANGUL}]){full}" if len(syllables) == 2 else full)]
    surnames, _, _ = _sets()
    cut = 2 if "".join(syllables[:2]) in surnames and len(syllables) >= 4 else 1
    given = syllables[cut:]
    if len(given) >= 2:
        given_re = r"\s?".join(re.escape(c) for c in given)
        out.append(re.compile(rf"(?<![{_HANGUL}]){given_re}(?=\s?(?:기사님|님|씨|기사))"))
    return out


def _width(word: str, core: str) -> int:
    """Characters of ``word`` (which may hold spaces) that spell ``core``."""
    seen = 0
    for i, ch in enumerate(word):
        seen += not ch.isspace()
        if seen == len(core):
            return i + 1
    return len(word)


def _masked(text: str, pattern: re.Pattern[str]) -> list[Finding]:
    out = []
    for m in pattern.finditer(text):
        name = m.group("name")
        before = text[m.start() - 1] if m.start() else ""
        if before and before in _NAME_MASK and name[-1] == before:
            continue  # markdown emphasis around an ordinary word: **정보**
        out.append(Finding(m.start(), m.end(), "masked"))
    return out


def detect(text: str, console_name: str | None) -> list[Finding]:
    masked, labelled, before_title, endings = _patterns()
    findings: list[Finding] = []
    if console_name:
        for pattern in _console_patterns(console_name):
            findings += [Finding(m.start(), m.end(), "console") for m in pattern.finditer(text)]
    findings += _masked(text, masked)
    for m in labelled.finditer(text):
        word = m.group("word")
        core = endings.sub("", word.replace(" ", ""))
        if looks_like_name(core):
            findings.append(Finding(m.start("word"), m.start("word") + _width(word, core), "value"))
    for m in before_title.finditer(text):
        word = m.group("word")
        if not word.endswith(load_lexicon().name_modifier_endings) and looks_like_name(word):
            findings.append(Finding(m.start("word"), m.end("word"), "value"))
    return findings
