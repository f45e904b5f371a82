"""Part of a number given on its own: ``기사님 번호 뒷자리는 4321``, ``차량번호 끝자리 7890``.

A four-digit group right after a word such as 뒷자리 is part of a phone number, or of a plate
when the sentence speaks of the vehicle (차량, 번호판, …); when it speaks of a card, an account
or an order (카드 끝자리 3456), it is neither.
"""

from __future__ import annotations

import functools
import re

from policy_guard.lexicon import alternation, load_lexicon

_SENTENCE_START = re.compile(r"[.!?\n][^.!?\n]*$")


@functools.cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    lex = load_lexicon()
    partial = re.compile(
        rf"(?:{alternation(lex.partial_markers)})[^0-9.!?\n]{{0,10}}?(?P<digits>[0-9]{{4}})(?![0-9])"
    )
    plate = re.compile(alternation(lex.plate_context))
    return partial, plate, re.compile(alternation(lex.partial_other_context))


@functools.lru_cache(maxsize=16)
def find_partials(text: str) -> tuple[tuple[int, int, bool], ...]:
    """``(start, end, about_plate)`` of each bare last-digits group."""
    partial, plate_words, other_words = _patterns()
    out = []
    for m in partial.finditer(text):
        head = text[max(0, m.start() - 30) : m.end()]
        cut = _SENTENCE_START.search(head[: len(head) - (m.end() - m.start())])
        sentence = head[cut.start() + 1 :] if cut else head
        about_plate = bool(plate_words.search(sentence))
        if not about_plate and other_words.search(sentence):
            continue
        out.append((m.start("digits"), m.end("digits"), about_plate))
    return tuple(out)
