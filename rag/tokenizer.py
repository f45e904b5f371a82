"""Korean morpheme tokens for BM25 (Kiwi, offline model).

Korean glues particles and endings to words ("연락처를", "알려주세요"), so whitespace tokens
rarely match between a question and a playbook. Kiwi splits them; we keep the content
morphemes (nouns, verb/adjective stems, roots, foreign words, numbers), fold spelling variants
onto canonical terms (``rag.synonyms``) and add noun bigrams, so "차량 번호", "차량번호" and
"차번" meet on the same tokens.

One Kiwi instance per process, created on first use: loading costs ~1 s plus ~1.4 s for the
first analysis, so ``warm_up()`` exists for servers to pay that at start.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from ingest.morphemes import KIWI_LOCK as _kiwi_lock
from ingest.morphemes import analyse as analyse
from ingest.morphemes import get_kiwi as _get_kiwi
from rag.synonyms import CANONICAL

#: Tags whose morphemes carry meaning for retrieval (Kiwi/Sejong tag set).
_NOUN_TAGS = frozenset({"NNG", "NNP", "NR", "SL", "SH", "XR"})
_STEM_TAGS = frozenset({"VV", "VA"})
_NUMBER_TAG = "SN"
_SERIAL_TAG = "W_SERIAL"  # "1551-5009", "23/07/03": kept whole
#: Light verbs that follow almost every noun ("확인하다", "안 되다"): no signal, only noise.
_STOP_STEMS = frozenset({"하", "되", "있", "없", "이"})
_BOUND_NOUN = "NNB"  # 일, 번, 개 …: kept as a unit after a number or inside a compound
#: Derivational suffixes that may sit inside a noun phrase ("기사님 연락처") without breaking it.
_TRANSPARENT_TAGS = frozenset({"XSN", "XPN"})


def warm_up() -> None:
    """Load Kiwi and its model now rather than on the first question."""
    tokenize("기사 연락처")


def fold_width_case(text: str) -> str:
    """Full-width forms to ASCII, compatibility jamo composed, lower case."""
    # Unlike question_text.fold_width_case_spaces, spacing stays: Kiwi reads word boundaries.
    return unicodedata.normalize("NFKC", text).lower()


def _base_tag(tag: Any) -> str:
    # Irregular conjugations carry a suffix ("VV-I", "VA-R"): the stem is what matters.
    return str(tag).split("-", 1)[0]


def _is_jamo(text: str) -> bool:
    # "ㅠㅠ", "ㅋㅋ": chat noise, never content.
    return all("\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f" for ch in text)


def _emit(term: str, out: list[str]) -> None:
    out.append(term)
    canonical = CANONICAL.get(term)
    if canonical is not None and canonical != term:
        out.append(canonical)


def _terms(tokens: Iterable[Any]) -> list[str]:
    """Content terms of one analysed text, in order, with canonical forms and noun bigrams."""
    out: list[str] = []
    items = [(str(t.form).lower(), _base_tag(t.tag), int(t.start), int(t.len)) for t in tokens]
    prev_noun: str | None = None  # last noun of the current noun phrase, for bigrams
    i = 0
    while i < len(items):
        form, tag, start, length = items[i]
        nxt = items[i + 1] if i + 1 < len(items) else None
        if tag == _SERIAL_TAG:
            _emit(form, out)
            prev_noun = None
            i += 1
            continue
        if tag == _NUMBER_TAG:
            # "3일", "14일": the number with its unit is the meaningful unit of a rule.
            if nxt is not None and nxt[1] in (_BOUND_NOUN, "NNG") and nxt[2] == start + length:
                _emit(form + nxt[0], out)
                i += 2
            else:
                _emit(form, out)
                i += 1
            prev_noun = None
            continue
        if _is_jamo(form):
            prev_noun = None
        elif tag in _NOUN_TAGS or (tag == _BOUND_NOUN and prev_noun is not None):
            if tag != _BOUND_NOUN:
                _emit(form, out)
            if prev_noun is not None:
                _emit(prev_noun + form, out)
            prev_noun = form
        elif tag in _STEM_TAGS or form in CANONICAL:
            # A word the synonym table knows counts whatever its tag ("계속" is an adverb).
            if form not in _STOP_STEMS:
                _emit(form, out)
            prev_noun = None
        elif tag not in _TRANSPARENT_TAGS:
            prev_noun = None
        i += 1
    return out


def tokenize(text: str) -> list[str]:
    """BM25 terms of one text (a question or a chunk)."""
    text = fold_width_case(text)
    if not text.strip():
        return []
    kiwi = _get_kiwi()
    with _kiwi_lock:
        tokens = kiwi.tokenize(text)
    return _terms(tokens)


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """BM25 terms of many texts; Kiwi analyses the batch on its own worker threads."""
    normalised = [fold_width_case(t) for t in texts]
    kiwi = _get_kiwi()
    with _kiwi_lock:
        analysed = list(kiwi.tokenize(normalised))
    return [
        _terms(tokens) if text.strip() else []
        for text, tokens in zip(normalised, analysed, strict=True)
    ]
