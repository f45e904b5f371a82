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
from collections.abc import Iterator

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
        rf"(?P<word>[{_HANGUL}](?: [{_HANGUL}]){{1,3}}(?![{_HANGUL}])"
        rf"|[{_HANGUL}]{{1,2}}(?:[{mask}]{{2,3}}|[{mask}][{_HANGUL}]?)"
        rf"|[{mask}]{{2,4}}(?=\s?(?:입니다|이에요|예요|이세요|님|씨|기사))|[{_HANGUL}]+)"
    )
    # The word before 기사님 is found by looking back from the title (a literal is quick to find).
    word_before = re.compile(rf"(?<![{_HANGUL}])[{_HANGUL}]{{3,4}}\s?$")
    endings = re.compile(f"(?:{alternation(lex.name_endings)})$")
    return masked, labelled, word_before, endings


_TITLE = re.compile("기사|드라이버")
# What may follow a two-syllable console name directly: an honorific or a particle.
_AFTER_SHORT = "님|씨|기사|[이가은는을를의와과도께]"
_HONORIFIC = re.compile("님|씨")
_CLAUSE_END = re.compile(r"[.!?\n]")
_MASK_RUN = re.compile(f"[{re.escape(_NAME_MASK)}]+")


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


@functools.lru_cache(maxsize=64)
def _console_patterns(name: str) -> list[re.Pattern[str]]:
    syllables = [c for c in name if not c.isspace()]
    if len(syllables) < 2:
        return []
    if len(syllables) == 2:
        # Two syllables occur inside ordinary words (이 수수료): a whole word, written together.
        word = re.escape("".join(syllables))
        out = [re.compile(rf"(?<![{_HANGUL}]){word}(?:(?![{_HANGUL}])|(?={_AFTER_SHORT}))")]
    else:
        out = [re.compile(r"\s?".join(re.escape(c) for c in syllables))]
    surnames, _, _ = _sets()
    cut = 2 if "".join(syllables[:2]) in surnames and len(syllables) >= 4 else 1
    given = syllables[cut:]
    surname = "".join(syllables[:cut])
    if surname not in load_lexicon().name_determiners:  # 박 기사님: the surname alone
        out.append(re.compile(rf"(?<![{_HANGUL}]){re.escape(surname)}(?=\s?기사)"))
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


def _emphasis(text: str, start: int, run: str) -> bool:
    """Markdown emphasis, not a mask: the stars close an emphasis opened earlier on the line
    (``**3일 이내**``, ``**정보**``)."""
    if set(run) != {"*"}:
        return False
    line = text[text.rfind("\n", 0, start) + 1 : start]
    return line.count(run) % 2 == 1


def _masked(text: str, pattern: re.Pattern[str]) -> list[Finding]:
    out: list[Finding] = []
    for run in _MASK_RUN.finditer(text):  # only around mask characters: most drafts have none
        for m in pattern.finditer(text, max(0, run.start() - 3), run.end() + 1):
            if _emphasis(text, m.start(), run.group()):
                continue
            if not any(f.start == m.start() for f in out):
                out.append(Finding(m.start(), m.end(), "masked"))
    return out


def detect(text: str, console_name: str | None) -> list[Finding]:
    masked, labelled, word_before, endings = _patterns()
    findings: list[Finding] = []
    if console_name:
        for pattern in _console_patterns(console_name):
            findings += [Finding(m.start(), m.end(), "console") for m in pattern.finditer(text)]
    findings += _masked(text, masked)
    for m in labelled.finditer(text):
        word = m.group("word")
        if word[0] in _NAME_MASK:  # 기사님 성함은 OOO입니다: a template that offers the name
            findings.append(Finding(m.start("word"), m.end("word"), "template"))
            continue
        if any(c in _NAME_MASK for c in word):  # 기사님 성함은 박**: a masked name
            if word[0] in _sets()[0] or word[:2] in _sets()[0]:
                findings.append(Finding(m.start("word"), m.end("word"), "masked"))
            continue
        core = endings.sub("", word.replace(" ", ""))
        if looks_like_name(core):
            findings.append(Finding(m.start("word"), m.start("word") + _width(word, core), "value"))
    findings += _before(text, _TITLE.finditer(text), word_before)
    honorifics = [m for m in _HONORIFIC.finditer(text) if _speaks_of_driver(text, m.start())]
    findings += _before(text, iter(honorifics), word_before)
    return findings


def _speaks_of_driver(text: str, pos: int) -> bool:
    """Does the sentence, before ``pos``, speak of the driver (김철수님 alone is anybody)?"""
    head = text[max(0, pos - 40) : pos]
    ends = [m.end() for m in _CLAUSE_END.finditer(head)]
    return "기사" in head[ends[-1] if ends else 0 :]


def _before(
    text: str, titles: Iterator[re.Match[str]], word_before: re.Pattern[str]
) -> list[Finding]:
    """Name-like words right before a title (김철수 기사님, 김철수님)."""
    modifiers = load_lexicon().name_modifier_endings
    out = []
    for title in titles:
        before = word_before.search(text, max(0, title.start() - 5), title.start())
        if before:
            word = before.group().rstrip()
            if not word.endswith(modifiers) and looks_like_name(word):
                out.append(Finding(before.start(), before.start() + len(word), "value"))
    return out
