"""Bank account numbers: a digit group of 10–16 digits next to a bank name or an account word
(계좌, 입금, 송금, …), or a dashed shape of three or more groups that is no phone and no date.

Whose account it is does not matter: any account number is third-party data in a reply.
"""

from __future__ import annotations

import functools
import re

from policy_guard.detectors.base import Finding
from policy_guard.detectors.phone import find_phone_templates, find_phones
from policy_guard.detectors.zones import finditer_in_zones
from policy_guard.lexicon import alternation, load_lexicon

_NUMBER = re.compile(r"(?<![0-9\-])[0-9]{2,16}(?:(?:-| -|- | )[0-9]{1,8}){0,4}(?![0-9])")
_SENTENCE_END = re.compile(r"[.!?\n]")
_BANK_WINDOW = 14  # characters between a bank name and the number
_WORD_WINDOW = 24  # characters between an account word and the number
_NEAR_WORD = 6  # an account word this close makes even a phone-shaped number an account


@functools.cache
def _context() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    return re.compile(alternation(lex.bank_names)), re.compile(alternation(lex.account_keywords))


@functools.cache
def _template() -> re.Pattern[str]:
    """A masked account number after a bank name or an account word: ``계좌번호는
    OOO-OOO-OOOOOO``, ``국민은행 OOOOOO-OO-OOOOOO``, ``계좌번호는 OOO입니다``. Not the
    playbook's ``기사님의 OOO은`` (no account word before it names a kind of information)."""
    lex = load_lexicon()
    mask = re.escape(lex.mask_chars)
    words = alternation([*lex.bank_names, *lex.account_keywords])
    return re.compile(
        rf"(?:{words})[^.!?\n]{{0,12}}?(?<![0-9A-Za-z{mask}])"
        rf"(?P<t>[{mask}]{{3,}}(?:[ \-][{mask}0-9]{{2,8}}){{0,3}})"
        rf"(?![0-9A-Za-z{mask}])(?=\s?(?:입니다|이에요|예요|이며|이고|으로|로|\)|[.,!?]|$|\s))"
    )


def _templates(text: str) -> list[Finding]:
    return [Finding(m.start("t"), m.end("t"), "template") for m in _template().finditer(text)]


def _clause(text: str, start: int, end: int) -> tuple[str, str]:
    """The text of the same sentence before and after ``[start, end)``."""
    before = text[max(0, start - 40) : start]
    cut = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    after = text[end : end + 20]
    stop = _SENTENCE_END.search(after)
    return before[cut:], after[: stop.start()] if stop else after


def _near_end(pattern: re.Pattern[str], text: str, window: int) -> bool:
    return any(len(text) - m.end() <= window for m in pattern.finditer(text))


def _near_start(pattern: re.Pattern[str], text: str, window: int) -> bool:
    m = pattern.search(text)
    return bool(m and m.start() <= window)


def _dated(group: str) -> bool:
    return len(group) == 4 and group[:2] in ("19", "20")


def detect(text: str) -> list[Finding]:
    bank, word = _context()
    findings: list[Finding] = _templates(text)
    numbers = finditer_in_zones(_NUMBER, text)
    if not numbers:
        return findings
    phones = [(s, e) for s, e, _ in find_phones(text)] + list(find_phone_templates(text))
    for m in numbers:
        groups = re.split(r"[ \-]+", m.group())
        digits = "".join(groups)
        if not 10 <= len(digits) <= 16 or not digits.strip("0"):
            continue
        before, after = _clause(text, m.start(), m.end())
        near_bank = _near_end(bank, before, _BANK_WINDOW) or _near_start(bank, after, 4)
        near_word = _near_end(word, before, _WORD_WINDOW) or _near_start(word, after, 8)
        if any(s < m.end() and m.start() < e for s, e in phones):
            account = near_bank or _near_end(word, before, _NEAR_WORD)
        else:
            dashed = len(groups) >= 3 and "-" in m.group() and not _dated(groups[0])
            account = near_bank or near_word or (dashed and len(digits) >= 11)
        if account:
            findings.append(Finding(m.start(), m.end(), "value"))
    return findings
