"""Promises to issue or send a 이용내역서 (usage statement).

A sentence promises when an issuing or sending verb (발급, 발송, 전송, 보내, …) is followed
closely by a future, offering or completed ending (드리겠, 드릴 예정, 드리면 될까, 완료, …).
Descriptions of the process (``본인에게만 발급해드리고 있어요``, ``발급되며``), purposes
(``발급을 위해``), refusals (``발급해 드릴 수 없``) and promises that wait for the identity check
or the consent (``본인 확인 후 발송해 드리겠습니다``) are not promises. Only drafts about a
statement are read: the draft names one, or the case's request is ``usage_statement``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from policy_guard.detectors.base import Finding
from policy_guard.lexicon import alternation, load_lexicon

# A dot inside a word (kim@naver.com, 2024.11.06) does not end the sentence.
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[A-Za-z0-9]))+[.!?]*")
_TAIL_CHARS = 12
_ENGLISH_WORD = re.compile("[A-Za-z]{4}")  # English is read only where an English word stands


@dataclass(frozen=True)
class _Patterns:
    topic: re.Pattern[str]
    promise: re.Pattern[str]
    phrases: re.Pattern[str]
    blockers: re.Pattern[str]
    refusals: re.Pattern[str]
    conditions: re.Pattern[str]
    alt_recipient: re.Pattern[str]
    english_topic: re.Pattern[str]
    english_promise: re.Pattern[str]
    english_blockers: re.Pattern[str]
    english_alt: re.Pattern[str]


def _english(words: tuple[str, ...]) -> str:
    """Whole English words; a contraction ('ll) may follow its word directly."""
    bare = [w for w in words if w[0].isalpha()]
    glued = [w for w in words if not w[0].isalpha()]
    head = rf"(?<![A-Za-z])(?:{alternation(bare)})"
    if glued:
        head = f"(?:{head}|{alternation(glued)})"
    return rf"{head}(?![A-Za-z])"


@functools.cache
def _patterns() -> _Patterns:
    lex = load_lexicon()
    en = lex.english_statement
    return _Patterns(
        english_topic=re.compile(alternation(en.nouns)),  # on the lower-cased draft
        english_promise=re.compile(
            rf"(?i){_english(en.promise_markers)}[^.!?\n]{{0,24}}?{_english(en.verbs)}"
        ),
        english_blockers=re.compile(f"(?i){_english((*en.conditions, *en.refusals))}"),
        topic=re.compile(alternation(lex.statement_nouns)),
        promise=re.compile(
            f"(?:{alternation(lex.statement_verbs)})"
            rf"(?P<gap>[^.!?\n,]{{0,6}}?)(?P<end>{alternation(lex.promise_endings)})"
        ),
        phrases=re.compile(alternation(lex.promise_phrases)),
        blockers=re.compile(alternation(lex.non_promise_markers)),
        refusals=re.compile(alternation(lex.refusal_markers)),
        conditions=re.compile(alternation(lex.condition_markers)),
        alt_recipient=re.compile(alternation(lex.alt_recipient_markers)),
        english_alt=re.compile(alternation(en.alt_recipient)),  # on the lower-cased draft
    )


@dataclass(frozen=True)
class StatementPromises:
    promises: tuple[Finding, ...]
    alt_recipient_text: bool  # the draft itself speaks of another address or the real name


def _promises_in_english(sentence: str, p: _Patterns) -> bool:
    """``We will email you the usage statement``: a future or done sending verb, in a sentence
    with no condition or refusal."""
    return bool(p.english_promise.search(sentence)) and not p.english_blockers.search(sentence)


def _promises_in(sentence: str, p: _Patterns) -> bool:
    if _ENGLISH_WORD.search(sentence) and _promises_in_english(sentence, p):
        return True
    if p.conditions.search(sentence):
        return False
    for m in p.phrases.finditer(sentence):
        if not p.refusals.search(sentence, m.end(), m.end() + _TAIL_CHARS):
            return True
    for m in p.promise.finditer(sentence):
        tail = sentence[m.end() : m.end() + _TAIL_CHARS]
        if p.blockers.search(m.group("gap")):
            continue
        if not p.refusals.search(m.group("gap") + m.group("end") + tail):
            return True
    return False


@functools.lru_cache(maxsize=16)  # both statement checks read the same draft
def detect(text: str, about_statement: bool) -> StatementPromises:
    p = _patterns()
    lower = text.lower() if _ENGLISH_WORD.search(text) else ""  # English is read only so
    alt = bool(p.alt_recipient.search(text) or (lower and p.english_alt.search(lower)))
    if not (about_statement or p.topic.search(text) or (lower and p.english_topic.search(lower))):
        return StatementPromises((), alt)
    found = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        if _promises_in(sentence, p):
            lead = len(sentence) - len(sentence.lstrip())
            found.append(Finding(m.start() + lead, m.start() + len(sentence.rstrip()), "promise"))
    return StatementPromises(tuple(found), alt)
