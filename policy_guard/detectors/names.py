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
from policy_guard.detectors.driver_context import about_driver
from policy_guard.lexicon import (
    Lexicon,
    alternation,
    load_lexicon,
    load_ordinary_words,
    load_words_with_ending,
)
from policy_guard.romanise import given_name_pattern, surname_pattern

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
    ending = alternation(lex.name_endings)
    labelled = re.compile(
        r"(?:기사님?|운전자|운전기사|드라이버)\s?(?:의\s?)?(?:성함|이름|성명|실명)\s?"
        rf"(?:은|는|이|:|=|-)?\s?(?:바로\s?)?"
        rf"(?P<word>[{_HANGUL}](?: [{_HANGUL}]){{1,3}}(?:{ending})?(?![{_HANGUL}])"
        rf"|[{_HANGUL}]{{1,2}}(?:[{mask}]{{2,3}}|[{mask}][{_HANGUL}]?)"
        rf"|[{mask}]{{2,4}}(?=\s?(?:입니다|이에요|예요|이세요|님|씨|기사))|[{_HANGUL}]+)"
    )
    # The word before 기사님 is found by looking back from the title (a literal is quick to find).
    word_before = re.compile(rf"(?<![{_HANGUL}])[{_HANGUL}]{{2,4}}\s?$")
    endings = re.compile(f"(?:{ending})$")
    return masked, labelled, word_before, endings


_TITLE = re.compile("기사|드라이버")
# A two-syllable word is read as a name only before the driver's honorific title (김훈 기사님).
_HONOURED_TITLE = re.compile("기사(?:님|분|께)")
# 김철수 님이 운행하셨습니다: a person's name as the subject of driving is the driver's.
_DRIVING_SUBJECT = re.compile(r"\s?(?:이|께서|은|는)\s?(?:운행|운전)")
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


def looks_like_name(word: str, *, unlabelled: bool = False) -> bool:
    """A surname then given-name syllables (2–4 syllables in all), and no ordinary word.
    ``unlabelled``: nothing says the word is a name (it only stands before a title), so an
    ordinary word with its ending (경우라 = 경우 + 이 + 라) is not read as one."""
    surnames, given, stop = _sets()
    if not 2 <= len(word) <= 4 or word in stop:
        return False
    if unlabelled and len(word) == 3 and word[2] in load_words_with_ending().get(word[:2], ""):
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


@functools.lru_cache(maxsize=64)
def _reference_patterns(name: str) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """``(korean, romanised)``: the console surname named as such (최씨 성을 가진 기사님, 성은
    최씨), found where no hangul stands before it; and the name romanised, matched on the
    lower-cased draft where no Latin letter stands before it. Both start on a literal (quick
    to scan for); the character before a match is checked afterwards."""
    syllables = [c for c in name if not c.isspace()]
    if len(syllables) < 2:
        return [], []
    surnames, _, _ = _sets()
    cut = 2 if "".join(syllables[:2]) in surnames and len(syllables) >= 4 else 1
    surname, given = "".join(syllables[:cut]), "".join(syllables[cut:])
    s_re = re.escape(surname)
    korean = [
        re.compile(rf"{s_re}(?=\s?(?:씨|氏)(?![앗름눈])|\s?(?:가|이)?\s?성(?:을|이|씨|은)?\s)"),
        re.compile(
            rf"성(?:씨)?\s?(?:은|이|는|:)\s?(?P<v>{s_re})(?=씨|가\s|이에|입|예|(?![{_HANGUL}]))"
        ),
    ]
    return korean, _romanised_patterns(surname, given)


_ROMAN_TITLE = r"(?:mr|mrs|ms|miss|driver|captain|기사님?|기사)\.?\s?"
_ROMAN_AFTER = r"\s?(?:기사|씨|님|-?ssi|-?nim|\s(?:driver|gisa))"


def _romanised_patterns(surname: str, given: str) -> list[re.Pattern[str]]:
    """The console name romanised (Choi Minjun, Minjun Choi, Choe Min-jun, Mr. Choi)."""
    if not all("가" <= c <= "힣" for c in surname + given):
        return []
    sur, giv = surname_pattern(surname), given_name_pattern(given) if given else ""
    end = r"(?![a-z])"
    out = [
        re.compile(rf"{_ROMAN_TITLE}{sur}{end}"),
        re.compile(rf"{sur}(?={_ROMAN_AFTER})"),
    ]
    if giv:
        out += [
            re.compile(rf"{sur}[\-,]?\s?{giv}{end}"),
            re.compile(rf"{giv},?\s?{sur}{end}"),
            re.compile(rf"{giv}(?={_ROMAN_AFTER})"),
        ]
    return out


def _width(word: str, core: str) -> int:
    """Characters of ``word`` (which may hold spaces) that spell ``core``."""
    seen = 0
    for i, ch in enumerate(word):
        seen += not ch.isspace()
        if seen == len(core):
            return i + 1
    return len(word)


def _emphasis(text: str, start: int, run: re.Match[str]) -> bool:
    """Markdown emphasis, not a mask: the stars close an emphasis opened earlier on the line
    (``**3일 이내**``, ``**정보**``), or open one that closes later on it (``제**3**자``)."""
    stars = run.group()
    if set(stars) != {"*"}:
        return False
    line = text[text.rfind("\n", 0, start) + 1 : start]
    if line.count(stars) % 2 == 1:
        return True
    after = text[run.end() : run.end() + 1]
    rest = text[run.end() : text.find("\n", run.end()) % (len(text) + 1)]
    return bool(after) and not after.isspace() and stars in rest


def _masked(text: str, pattern: re.Pattern[str]) -> list[Finding]:
    out: list[Finding] = []
    for run in _MASK_RUN.finditer(text):  # only around mask characters: most drafts have none
        for m in pattern.finditer(text, max(0, run.start() - 3), run.end() + 1):
            if _emphasis(text, m.start(), run):
                continue
            if not any(f.start == m.start() for f in out):
                out.append(Finding(m.start(), m.end(), "masked"))
    return out


def _references(text: str, console_name: str) -> list[Finding]:
    korean, romanised = _reference_patterns(console_name)
    out = []
    if "씨" in text or "氏" in text or "성" in text:
        for pattern in korean:
            for m in pattern.finditer(text):
                start = m.start("v") if "v" in pattern.groupindex else m.start()
                if start and "가" <= text[start - 1] <= "힣" and "v" not in pattern.groupindex:
                    continue
                end = m.end("v") if "v" in pattern.groupindex else m.end()
                out.append(Finding(start, end, "console"))
    lower = text.lower()
    if romanised and len(lower) == len(text) and _LATIN_PAIR.search(lower):
        for pattern in romanised:
            for m in pattern.finditer(lower):
                if m.start() and "a" <= lower[m.start() - 1] <= "z":
                    continue
                out.append(Finding(m.start(), m.end(), "console"))
    return out


_LATIN_PAIR = re.compile("[a-z]{2}")


def detect(text: str, console_name: str | None) -> list[Finding]:
    masked, labelled, word_before, endings = _patterns()
    findings: list[Finding] = []
    if console_name:
        for pattern in _console_patterns(console_name):
            findings += [Finding(m.start(), m.end(), "console") for m in pattern.finditer(text)]
        findings += _references(text, console_name)
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
        core = _labelled_core(word.replace(" ", ""), endings)
        if core:
            findings.append(Finding(m.start("word"), m.start("word") + _width(word, core), "value"))
    findings += _apposed(text, endings)
    findings += _bare_surnames(text)
    findings += _surname_references(text)
    findings += _before(text, _TITLE.finditer(text), word_before)
    honorifics = [m for m in _HONORIFIC.finditer(text) if _speaks_of_driver(text, m)]
    findings += _before(text, iter(honorifics), word_before)
    return findings


# Titles a name is set beside; a bare title word then a name (운전기사 김철수) is read only when
# the name ends the phrase, so that 운전기사 변경은 … stays an ordinary phrase.
_APPOSITION_TITLE = (
    r"(?:기사님?|기사명|기사 ?성명|운전기사명?|운전자|드라이버|[Dd]river(?: [Nn]ame)?|예금주)"
)
_APPOSITION_START = re.compile("기사|운전|드라이버|[Dd]river|예금주")
_APPOSED = re.compile(
    rf"{_APPOSITION_TITLE}\s?(?:\(\s?|[:：]\s?)(?P<word>[{_HANGUL}]{{2,4}})(?![{_HANGUL}])"
    rf"|{_APPOSITION_TITLE}\s?[:：]\s?(?P<long>[{_HANGUL}]{{3,8}})"
    rf"|(?:운전기사|기사명|예금주)\s(?P<end>[{_HANGUL}]{{2,4}})"
    rf"(?=\s?(?:입니다|이에요|예요|이세요|님|씨|$|[.,!?)\]\n]))"
)


_BARE_TITLE = re.compile(rf" 기사(?:님|분|께|가|는|(?![{_HANGUL}]))")


def _bare_surnames(text: str) -> list[Finding]:
    """A surname alone before the driver's title (박 기사님께서): part of the name. Found by
    looking back from the title (a literal is quick to find)."""
    surnames = _bare_set()
    out = []
    for title in _BARE_TITLE.finditer(text):
        at = title.start()
        for size in (1, 2):
            start = at - size
            if start < 0 or text[start:at] not in surnames:
                continue
            glued = start > 0 and (text[start - 1].isalnum() or "가" <= text[start - 1] <= "힣")
            if not glued:
                out.append(Finding(start, at, "value"))
    return out


@functools.cache
def _reference_patterns_generic() -> tuple[re.Pattern[str], re.Pattern[str]]:
    bare = alternation(list(load_lexicon().bare_surnames))
    before_ssi = re.compile(rf"(?P<a>{bare})\s?$")  # 최씨, 최 씨 (read back from 씨)
    after_seong = re.compile(
        rf"(?:씨)?\s?(?:은|이|는|:)\s?(?P<b>{bare})(?:\s?씨|가\s|\s?이에|\s?입)"
    )
    return before_ssi, after_seong


_REFERENCE_ANCHOR = re.compile("씨|氏|성")
_AFTER_SSI = re.compile(r"\s?(?:성|기사)")


def _surname_references(text: str) -> list[Finding]:
    """A surname named as such in a sentence about the driver (최씨 성을 가진 기사님, 기사님
    성은 박씨예요). Read from the literal 씨 or 성 (quick to find)."""
    before_ssi, after_seong = _reference_patterns_generic()
    out = []
    for anchor in _REFERENCE_ANCHOR.finditer(text):
        at = anchor.start()
        if anchor.group() == "성":
            m = after_seong.match(text, at + 1)
            span = (m.start("b"), m.end("b")) if m else None
        else:
            m = before_ssi.search(text, max(0, at - 3), at)
            glued = (
                bool(m) and m is not None and m.start() > 0 and "가" <= text[m.start() - 1] <= "힣"
            )
            ok = m is not None and not glued and bool(_AFTER_SSI.match(text, anchor.end()))
            span = (m.start("a"), m.end("a")) if ok and m is not None else None
        if span and about_driver(text, span[0], span[1] + 8):
            out.append(Finding(span[0], span[1], "value"))
    return out


@functools.cache
def _bare_set() -> frozenset[str]:
    return frozenset(load_lexicon().bare_surnames)


def _apposed(text: str, endings: re.Pattern[str]) -> list[Finding]:
    """A name set beside the title: ``기사님(김철수)``, ``담당 기사: 김철수입니다``."""
    out = []
    for title in _APPOSITION_START.finditer(text):  # literals first: quick to find
        m = _APPOSED.match(text, title.start())
        if not m:
            continue
        group = next(g for g in ("word", "end", "long") if m.group(g))
        word = m.group(group)
        core = _labelled_core(word, endings) if group == "long" else word
        if len(core) == 2 and core in load_ordinary_words():
            continue
        if core and looks_like_name(core):
            out.append(Finding(m.start(group), m.start(group) + len(core), "value"))
    return out


def _labelled_core(word: str, endings: re.Pattern[str]) -> str:
    """The name in the word after 성함은: the whole word when it is a three-syllable name
    (김가로), else the word without its ending (김철수입니다 -> 김철수); "" if no name."""
    if len(word) == 3 and looks_like_name(word):
        return word
    core = endings.sub("", word)
    return core if looks_like_name(core) else ""


@functools.cache
def _driver_mention() -> re.Pattern[str]:
    return re.compile(alternation(load_lexicon().driver_mentions))


def _speaks_of_driver(text: str, honorific: re.Match[str]) -> bool:
    """Does the sentence, before the honorific, speak of the driver, or is the person the one
    who drove (김철수 님이 운행하셨습니다)? 김철수님 alone is anybody."""
    pos = honorific.start()
    head = text[max(0, pos - 40) : pos]
    ends = [m.end() for m in _CLAUSE_END.finditer(head)]
    if _driver_mention().search(head, ends[-1] if ends else 0):
        return True
    return bool(_DRIVING_SUBJECT.match(text, honorific.end()))


def _before(
    text: str, titles: Iterator[re.Match[str]], word_before: re.Pattern[str]
) -> list[Finding]:
    """Name-like words right before a title (김철수 기사님, 김철수님, 김훈 기사님)."""
    lex = load_lexicon()
    modifiers = lex.name_modifier_endings
    out = []
    for title in titles:
        before = word_before.search(text, max(0, title.start() - 5), title.start())
        if not before:
            continue
        word = before.group().rstrip()
        if word.endswith(modifiers) or word.endswith(("기사", "드라이버")):
            continue
        if len(word) == 2 and not _two_syllable_name(text, word, title.start()):
            continue
        if looks_like_name(word, unlabelled=True):
            out.append(Finding(before.start(), before.start() + len(word), "value"))
    return out


def _two_syllable_name(text: str, word: str, title_at: int) -> bool:
    """A two-syllable word is a name only right before 기사님/기사분 and when it is no ordinary
    word built like a name (고정, 동일, 배정, …: the generated list)."""
    return bool(_HONOURED_TITLE.match(text, title_at)) and word not in load_ordinary_words()
