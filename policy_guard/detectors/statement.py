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


@dataclass(frozen=True)
class _Patterns:
    topic: re.Pattern[str]
    promise: re.Pattern[str]
    phrases: re.Pattern[str]
    blockers: re.Pattern[str]
    refusals: re.Pattern[str]
    conditions: re.Pattern[str]
    alt_recipient: re.Pattern[str]


@functools.cache
def _patterns() -> _Patterns:
    lex = load_lexicon()
    return _Patterns(
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
    )


@dataclass(frozen=True)
class StatementPromises:
    promises: tuple[Finding, ...]
    alt_recipient_text: bool  # the draft itself speaks of another address or the real name


def _promises_in(sentence: str, p: _Patterns) -> bool:
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
    alt = bool(p.alt_recipient.search(text))
    if not (about_statement or p.topic.search(text)):
        return StatementPromises((), alt)
    found = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group()
        if _promises_in(sentence, p):
            lead = len(sentence) - len(sentence.lstrip())
            found.append(Finding(m.start() + lead, m.start() + len(sentence.rstrip()), "promise"))
    return StatementPromises(tuple(found), alt)
