"""Phone numbers in any spelling a person can read back, and templates that offer one.

A number is read as a run of digit items (ASCII digits after normalisation, or Korean digit
words such as 공일공) with up to three separator characters between any two items, so dashes,
dots, spaces, brackets and digits split one by one all read the same. A run is cut into phone
numbers by the Korean numbering plan (010 + 8 digits, 02 + 7–8, area codes, 070, 050x): a number
may only start and end where the run has a separator or a Korean word, never inside a longer
digit group, so dates, times, amounts and longer identifiers are not read as phones.
Company service numbers (대표번호 such as 1551-5009) are read and skipped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from policy_guard.detectors.base import Finding
from policy_guard.lexicon import load_lexicon
from policy_guard.text import digits_of

_SEP = r"[ .\-,/()_·]"
_EMPHASISED = re.compile(r"\*\*[0-9][0-9 .\-xX]*\*\*")

# Numbering plan: leading digits -> possible total lengths, longest first. Company shapes are
# recognised so that their digits are consumed and never re-read as part of another number.
_PLAN: tuple[tuple[re.Pattern[str], tuple[int, ...]], ...] = (
    (re.compile(r"010"), (11,)),
    (re.compile(r"01[16789]"), (11, 10)),
    (re.compile(r"02"), (10, 9)),
    (re.compile(r"0(?:3[1-3]|4[1-4]|5[1-5]|6[1-4])"), (11, 10)),
    (re.compile(r"070"), (11,)),
    (re.compile(r"050[2-8]"), (12, 11)),
    (re.compile(r"080"), (10,)),
    (re.compile(r"1[5-9]"), (8,)),
)


@dataclass(frozen=True)
class _Item:
    digit: str
    start: int
    end: int
    korean: bool  # a digit word: a word boundary may fall right before or after it
    sep_before: bool


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, int], frozenset[str]]:
    lex = load_lexicon()
    words = "".join(lex.digit_words)
    digit = f"[0-9{words}]"
    # Eight digits at least; the scan starts on a digit class so the regex engine can skip
    # ahead quickly (an optional prefix group here would make every position a start).
    run = re.compile(f"{digit}(?:{_SEP}{{0,3}}{digit}){{7,}}")
    mask = re.escape(lex.mask_chars)
    cell = f"[0-9{mask}]"
    template = re.compile(
        rf"(?<![0-9A-Za-z{mask}])(?:0[0-9]{{1,3}}|[{mask}]{{2,4}})[ .\-]?{cell}{{3,4}}"
        rf"[ .\-]?{cell}{{4}}(?![0-9A-Za-z{mask}])"
    )
    company = frozenset(digits_of(n) for n in lex.company_numbers)
    return run, template, dict(lex.digit_words), company


@functools.cache
def _company_patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in load_lexicon().company_number_patterns)


def is_company_number(digits: str) -> bool:
    _, _, _, company = _patterns()
    return digits in company or any(p.match(digits) for p in _company_patterns())


def _items(text: str, match: re.Match[str], words: dict[str, int]) -> list[_Item]:
    items: list[_Item] = []
    sep = False
    for i in range(match.start(), match.end()):
        ch = text[i]
        if "0" <= ch <= "9":
            items.append(_Item(ch, i, i + 1, False, sep or not items))
            sep = False
        elif ch in words:
            items.append(_Item(str(words[ch]), i, i + 1, True, sep or not items))
            sep = False
        else:
            sep = True
    return _international(text, match.start(), items)


def _country_group(items: list[_Item]) -> bool:
    """``82-10-…``: a group of exactly 82 written apart from a mobile or area number."""
    return (
        len(items) > 3
        and not any(it.korean for it in items[:3])
        and items[2].sep_before
        and items[2].digit in "0123456"
    )


def _international(text: str, start: int, items: list[_Item]) -> list[_Item]:
    """``+82 10 …`` / ``0082 10 …`` / ``+82 (0)10 …`` / ``82-10-…``: the country code stands for
    a leading 0."""
    head = "".join(it.digit for it in items[:4] if not it.korean)
    before = text[max(0, start - 2) : start].rstrip()
    if head.startswith("82") and before.endswith("+"):
        size, begin = 2, start - 1 if text[start - 1] == "+" else start - 2
    elif head.startswith("82") and _country_group(items):
        size, begin = 2, start
    elif head.startswith("0082"):
        size, begin = 4, start
    else:
        return items
    rest = items[size:]
    if not rest:
        return items
    if rest[0].digit == "0":
        return [_Item("0", begin, rest[0].end, False, True), *rest[1:]]
    return [_Item("0", begin, items[size - 1].end, False, True), *rest]


def _edge(items: list[_Item], k: int) -> bool:
    """May a number start or end between ``items[k-1]`` and ``items[k]``?"""
    if k == 0 or k == len(items):
        return True
    return items[k].sep_before or items[k].korean or items[k - 1].korean


def _one_script(items: list[_Item], start: int, end: int) -> bool:
    """Digits and digit words mix only in whole groups (``010 팔칠육오 4321``): each stretch of
    one script is at least three long and meets the other across a separator, so a particle
    such as 이 after ``…0001`` is not read as one more digit."""
    run = 1
    for k in range(start + 1, end):
        if items[k].korean == items[k - 1].korean:
            run += 1
            continue
        if not items[k].sep_before or run < 3:
            return False
        run = 1
    return run >= 3 or run == end - start


def _whole_groups(items: list[_Item], start: int, end: int) -> bool:
    """A number written in groups does not end on a stray short group after a long one
    (``011-123-4567 2회``, the tail of a date list ``…06, 2024-11-06``; pairs such as
    ``010-87-65-43-21`` are fine), and its last group has at most four digits (so a digit word
    glued after it, 사오육칠이에요, is a particle, not a fifth digit)."""
    sizes: list[int] = []
    for k in range(start, end):
        if k == start or items[k].sep_before:
            sizes.append(0)
        sizes[-1] += 1
    if len(sizes) == 1:
        return True
    if sizes[-1] > 4:
        return False
    return sizes[-1] >= 3 or max(sizes[1:-1], default=0) < 3


def _fits(items: list[_Item], start: int, end: int) -> bool:
    return _edge(items, end) and _one_script(items, start, end) and _whole_groups(items, start, end)


def _lengths(digits: str) -> tuple[int, ...]:
    for prefix, lengths in _PLAN:
        if prefix.match(digits):
            return lengths
    return ()


@functools.lru_cache(maxsize=16)  # the account check asks again about the same draft
def find_phones(text: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, digits)`` of every phone number in the normal-form text, companies omitted."""
    run_re, _, words, _ = _patterns()
    found: list[tuple[int, int, str]] = []
    for match in run_re.finditer(text):
        items = _items(text, match, words)
        if len(items) < 8:
            continue
        digits = "".join(it.digit for it in items)
        i = 0
        while i < len(items):
            if not _edge(items, i):
                i += 1
                continue
            for length in _lengths(digits[i : i + 4]):
                end = i + length
                if end <= len(items) and _fits(items, i, end):
                    number = digits[i:end]
                    if not is_company_number(number) and number[3:].strip("0"):
                        found.append((items[i].start, items[end - 1].end, number))
                    i = end
                    break
            else:
                i += 1
    return tuple(found)


@functools.lru_cache(maxsize=16)
def find_phone_templates(text: str) -> tuple[tuple[int, int], ...]:
    """Phone-shaped templates or masked numbers: ``000-0000-0000``, ``010-****-5678``."""
    _, template_re, _, _ = _patterns()
    out = []
    for m in template_re.finditer(text):
        chars = [c for c in m.group() if c not in " .-"]
        if _EMPHASISED.search(m.group()) or (
            m.group().startswith("*") and "".join(chars).lstrip("*").isdigit()
        ):
            continue  # **2024**, **20241106-0012: markdown emphasis around digits, not a mask
        masked = any(not c.isdigit() for c in chars)
        if masked or not "".join(chars[3:]).strip("0"):
            out.append((m.start(), m.end()))
    return tuple(out)


def detect(text: str, console_phone: str | None) -> list[Finding]:
    console = digits_of(console_phone) if console_phone else ""
    findings = [Finding(s, e, "template") for s, e in find_phone_templates(text)]
    taken = [(f.start, f.end) for f in findings]
    for start, end, digits in find_phones(text):
        if any(s < end and start < e for s, e in taken):
            continue
        if console and not is_company_number(console):
            kind = "console" if digits == console else "other"
        else:
            kind = "value"
        findings.append(Finding(start, end, kind))
    return findings
