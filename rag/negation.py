"""Negated mentions, read from Kiwi's morphemes: "분실물이나 사고는 아님", "사고는 안 났어요",
"연락처 말고 차량번호", "물건 두고 내린 건 아니래요", "사고라기보다는".

A negation cue ("아니", "없", "않", "안", "못", "말고") negates the noun phrase right before
it, coordinated nouns included ("X나 Y는"), and — when that phrase is a nominalised clause
("… 내린 건 아니") or the negation is a verb's ("나지 않았") — the whole clause up to the
previous clause ending. A phrase behind an adverbial particle ("분실물 때문에 기록 없어요") is
outside the scope: the negation is about "기록", not the lost item.

Cues come in two strengths: ``copula`` ("아니", "말고": "not X but Y") and ``predicate``
(any negated predicate, including "없음" and "안 났어요"). A vocabulary entry says which
apply to its mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from rag.tokenizer import analyse

Strength = Literal["copula", "predicate"]

#: (form, tag) of the cues, and their strength.
_CUES: dict[tuple[str, str], Strength] = {
    ("아니", "VCN"): "copula",
    ("말", "VV"): "copula",  # "연락처 말고"
    ("말", "VX"): "copula",
    ("없", "VA"): "predicate",
    ("않", "VX"): "predicate",
    ("못하", "VX"): "predicate",
    ("안", "MAG"): "predicate",
    ("못", "MAG"): "predicate",
}
#: Tags that may sit inside the negated noun phrase ("분실물이나 사고는", "사고가 딱히").
_PHRASE_TAGS = frozenset(
    {
        "NNG",
        "NNP",
        "NNB",
        "NR",
        "NP",
        "SN",
        "SL",
        "SH",
        "XR",
        "XSN",
        "XPN",
        "JX",
        "JKS",
        "JKC",
        "JC",
        "SP",
        "SO",
        "MAG",
    }
)
#: Connective endings inside one negated predicate ("나지 않", "하게 못") or a clause's
#: verbs chained ("두고 내린"): not a clause boundary while extending a clause scope.
_CLAUSE_LINKS = frozenset({"지", "게", "고", "어", "아", "어다", "다가"})
_BOUNDARY_TAGS = frozenset({"EF", "SF"})
_NOMINALISERS = frozenset({"것", "거"})
#: Particles that coordinate nouns even when Kiwi tags them JX ("분실물 건이나 사고").
_COORDINATORS = frozenset(
    {"이나", "나", "랑", "이랑", "와", "과", "하고", "이며", "며", "이든", "든", "도"}
)
#: Nouns that act as bound nouns after a noun ("분실물 건", "사고 관련").
_BOUND_LIKE = frozenset({"건", "쪽", "관련", "문제", "때문", "중", "전", "후", "째"})


@dataclass(frozen=True)
class Scope:
    """Text offsets [start, end) under a negation of one strength."""

    start: int
    end: int
    strength: Strength


def _tag(token: Any) -> str:
    return str(token.tag).split("-", 1)[0]


def _clause_start(tokens: list[Any], i: int) -> int:
    """Offset where the clause holding token ``i`` begins."""
    j = i - 1
    while j >= 0:
        tag = _tag(tokens[j])
        if tag in _BOUNDARY_TAGS or (tag == "EC" and str(tokens[j].form) not in _CLAUSE_LINKS):
            return int(tokens[j].start) + int(tokens[j].len)
        j -= 1
    return 0


def _list_item(tokens: list[Any], comma: int) -> bool:
    """Whether the words before a comma are one bare noun ("분실물, 사고는 아님"): a list of
    negated items, not an earlier remark ("5일 전 완료건, 분실물은 아님")."""
    j = comma - 1
    if j < 0 or _tag(tokens[j]) not in ("NNG", "NNP", "SL"):
        return False
    return j == 0 or _tag(tokens[j - 1]) in ("SP", "EC", "EF", "SF")


def _joins(tokens: list[Any], left: int) -> bool:
    """Whether the gap (a space) between token ``left`` and the next stays inside one noun
    phrase: a coordinator or listing comma before it ("분실물이나 사고"), a bound noun, a
    number word or an adverb after it ("운행 중", "둘 다", "사고가 딱히")."""
    right = left + 1
    tag, form = _tag(tokens[left]), str(tokens[left].form)
    if tag in ("JC", "MAG") or (tag == "JX" and form in _COORDINATORS):
        return True
    if tag == "SP":
        return _list_item(tokens, left)
    return _tag(tokens[right]) in ("NNB", "NR", "MAG") or str(tokens[right].form) in _BOUND_LIKE


def _phrase_start(tokens: list[Any], i: int) -> tuple[int, int]:
    """(offset, index) of the noun phrase ending right before token ``i``."""
    j = i - 1
    start = int(tokens[i].start)
    while j >= 0 and _tag(tokens[j]) in _PHRASE_TAGS:
        nxt = tokens[j + 1]
        adjacent = int(tokens[j].start) + int(tokens[j].len) >= int(nxt.start)
        if j + 1 < i and not adjacent and not _joins(tokens, j):
            break
        if _tag(tokens[j]) == "SP" and not _list_item(tokens, j):
            break
        start = int(tokens[j].start)
        j -= 1
    return start, j + 1


def _rather_than(tokens: list[Any], i: int) -> bool:
    """Token ``i`` opens "X(이)라기보다": a correction of X."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    return (
        str(tokens[i].form) == "라기"
        and nxt is not None
        and str(nxt.form) == "보다"
        and _tag(nxt) == "JKB"
    )


#: English negation, as agents mix it in ("no lost item, no accident"): the words after the
#: cue up to the next comma, slash, full stop or "but".
_ENGLISH_CUE = re.compile(
    r"(?<![a-z])(?:no|not|never|without|nor|isn't|wasn't|aren't|weren't|didn't|doesn't|don't)"
    r"(?![a-z'])"
)
_ENGLISH_END = re.compile(r"[,./;!?\n]|(?<![a-z])but(?![a-z])")


def _english_scopes(text: str) -> list[Scope]:
    out: list[Scope] = []
    for cue in _ENGLISH_CUE.finditer(text):
        stop = _ENGLISH_END.search(text, cue.end())
        end = stop.start() if stop else len(text)
        if end > cue.end():
            out.append(Scope(cue.end(), end, "copula"))
    return out


def scopes(text: str) -> list[Scope]:
    """Every negation in ``text`` (normalised) and the span it covers."""
    tokens = list(analyse(text))
    out: list[Scope] = _english_scopes(text)
    for i, token in enumerate(tokens):
        strength = _CUES.get((str(token.form), _tag(token)))
        if strength is None and _rather_than(tokens, i):
            # "사고라기보다는 …": the phrase before the copula is set aside, as with "아니고".
            strength, i = "copula", i - 1 if i and _tag(tokens[i - 1]) == "VCP" else i
            token = tokens[i]
        if strength is None:
            continue
        end = int(token.start)
        if strength == "copula" and str(token.form) == "말":
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or str(nxt.form) != "고":
                continue  # "말" as "speech", not "말고"
        # "나지 않", "나진 않" (지 + a particle): the negation of a verb.
        verbal = any(
            _tag(t) == "EC" and str(t.form) in ("지", "게") for t in tokens[max(0, i - 2) : i]
        )
        start, first = _phrase_start(tokens, i)
        nominalised = (
            any(str(t.form) in _NOMINALISERS and _tag(t) == "NNB" for t in tokens[first:i])
            and first > 0
            and _tag(tokens[first - 1]) == "ETM"
        )
        if verbal or nominalised:
            start = _clause_start(tokens, first if nominalised else i)
        if start < end:
            out.append(Scope(start, end, strength))
    return out


def cue_strength(token: Any) -> Strength | None:
    """The strength of the negation a morpheme is a cue of ("없", "안", "않" …), or None."""
    return _CUES.get((str(token.form), _tag(token)))


def is_negated(span: tuple[int, int], found: list[Scope], allowed: Strength) -> bool:
    """Whether a mention at ``span`` lies under a negation of an ``allowed`` strength
    (``predicate`` admits every cue, ``copula`` only "아니" and "말고")."""
    s, e = span
    return any(
        scope.start <= s
        and e <= scope.end + 1
        and (allowed == "predicate" or scope.strength == "copula")
        for scope in found
    )
