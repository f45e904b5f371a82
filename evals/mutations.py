"""Mutation fuzzing of the policy guard: every violating draft, its values rewritten the way a
hurried writer or a language model rewrites them (markdown bold, circled digits, letters for
digits, Korean and English number words, particles between groups, NUL and zero-width
characters, HTML, spaced or romanised plates, names in romanisation or hanja, …), alone and in
pairs. Mutation recall: how many of those the guard still blocks for the same rules. False
blocks: the playbooks' scripts and ordinary safe replies, as written and with their numbers
(dates, amounts, company numbers) rewritten the same ways, that the guard blocks.

The values to rewrite are the spans the guard reports on the unmutated draft (what the draft
discloses); in a safe reply, its digit groups.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from policy_guard import CaseFacts, Verdict
from policy_guard.lexicon import load_lexicon
from policy_guard.romanise import surname_spellings, syllable_spellings

Mutation = Callable[[str, CaseFacts], str | None]
GuardFn = Callable[[str, CaseFacts], Verdict]

_DIGIT_RUN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]+(?:[ .\-][0-9]+)+")
_CIRCLED = "⓪①②③④⑤⑥⑦⑧⑨"
_SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_WORDS = "공일이삼사오육칠팔구"
_ENGLISH = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_UNITS = ((1000, "천"), (100, "백"), (10, "십"))
_HANGUL = re.compile("[가-힣]")


def _template(span: str) -> bool:
    """``000-0000-0000``: a template, not a value (spelling its zeros otherwise means nothing)."""
    digits = [c for c in span if c.isdigit()]
    return bool(digits) and set(digits) == {"0"}


def _digits(span: str, table: str) -> str | None:
    if not any(c.isdigit() for c in span) or _template(span):
        return None
    return "".join(table[int(c)] if c.isascii() and c.isdigit() else c for c in span)


def _positional(group: str) -> str:
    """8765 -> 팔천칠백육십오; groups with a leading zero are read digit by digit."""
    if len(group) != 4 or group[0] == "0":
        return "".join(_WORDS[int(c)] for c in group)
    value, out = int(group), ""
    for unit, word in _UNITS:
        count, value = divmod(value, unit)
        if count:
            out += ("" if count == 1 else _WORDS[count]) + word
    return out + (_WORDS[value] if value else "")


def _mixed(group: str) -> str:
    return "".join(_WORDS[int(c)] if i % 2 else c for i, c in enumerate(group))


def _per_group(span: str, fn: Callable[[str], str]) -> str | None:
    if not _DIGIT_RUN.search(span) or _template(span):
        return None
    return _DIGIT_RUN.sub(lambda m: fn(m.group()), span)


def _wrap(span: str, left: str, right: str) -> str:
    if _DIGIT_RUN.search(span):
        return _DIGIT_RUN.sub(lambda m: f"{left}{m.group()}{right}", span)
    return f"{left}{span}{right}"


def _between(span: str, mark: str) -> str | None:
    if len(span) < 2:
        return None
    return mark.join(span)


def _particles(span: str) -> str | None:
    if not _GROUPED.search(span):
        return None
    joiners = itertools.cycle(["에 ", "에 ", "으로 "])
    return re.sub(r"(?<=[0-9])[ .\-]+(?=[0-9])", lambda m: next(joiners), span)


def _english(span: str) -> str | None:
    return _per_group(span, lambda g: " ".join(_ENGLISH[int(c)] for c in g))


def _entities(span: str) -> str | None:
    if _DIGIT_RUN.search(span):
        return _DIGIT_RUN.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), span)
    if _HANGUL.search(span) and len(span) <= 12:
        return _HANGUL.sub(lambda m: f"&#{ord(m.group())};", span)
    return None


def _stray(span: str) -> str | None:
    out = re.sub(r"(?<=[0-9])(?=[0-9]{2}(?:[^0-9]|$))", "x", span, count=1)
    return out if out != span else None


def _lookalike(span: str) -> str | None:
    out = span.replace("0", "O").replace("1", "l")
    return out if out != span else None


_PLATE = re.compile(r"(?P<front>[0-9]{2,3})\s?(?P<letter>[가-힣])\s?(?P<back>[0-9]{4})")


def _plate_roman(span: str) -> str | None:
    m = _PLATE.search(span)
    if not m or m.group("letter") not in load_lexicon().plate_letters:
        return None
    roman = syllable_spellings(m.group("letter"))[0].capitalize()
    return span[: m.start()] + f"{m['front']} {roman} {m['back']}" + span[m.end() :]


def _plate_spaced(span: str) -> str | None:
    m = _PLATE.search(span)
    if not m:
        return None
    spaced = " ".join(m["front"] + m["letter"] + m["back"])
    return span[: m.start()] + spaced + span[m.end() :]


def _plate_words(span: str) -> str | None:
    m = _PLATE.search(span)
    if not m:
        return None
    words = "".join(_WORDS[int(c)] for c in m["front"]) + m["letter"]
    words += "".join(_WORDS[int(c)] for c in m["back"])
    return span[: m.start()] + words + span[m.end() :]


def _name_of(case: CaseFacts, span: str) -> str | None:
    name = (case.driver_name or "").replace(" ", "")
    if len(name) < 2 or name not in span.replace(" ", "") or not _HANGUL.fullmatch(name[0]):
        return None
    return name


def _name_roman(span: str, case: CaseFacts) -> str | None:
    name = _name_of(case, span)
    if name is None or not all("가" <= c <= "힣" for c in name):
        return None
    surname = surname_spellings(name[0])[0].capitalize()
    given = "".join(syllable_spellings(c)[0] for c in name[1:]).capitalize()
    return span.replace(name, f"{surname} {given}")


def _name_hanja(span: str, case: CaseFacts) -> str | None:
    from policy_guard.canonical import _hanja_readings

    name = _name_of(case, span)
    if name is None:
        return None
    by_reading: dict[str, str] = {}
    for char, reading in _hanja_readings().items():
        if "\u4e00" <= char <= "\u9fff":
            by_reading.setdefault(reading, char)
    if not all(c in by_reading for c in name):
        return None
    return span.replace(name, "".join(by_reading[c] for c in name))


def _name_surname(span: str, case: CaseFacts) -> str | None:
    name = _name_of(case, span)
    if name is None:
        return None
    return span.replace(name, f"{name[0]}씨 성을 가진")


def _on_text(fn: Callable[[str], str | None]) -> Mutation:
    return lambda span, case: fn(span)


#: Each obfuscation, by name: a rewrite of one value's text (None: it does not apply).
MUTATIONS: dict[str, Mutation] = {
    "bold": _on_text(lambda s: _wrap(s, "**", "**")),
    "html_tags": _on_text(lambda s: _wrap(s, "<b>", "</b>")),
    "html_entities": _on_text(_entities),
    "circled": _on_text(lambda s: _digits(s, _CIRCLED)),
    "superscript": _on_text(lambda s: _digits(s, _SUPER)),
    "full_width": _on_text(lambda s: _digits(s, "０１２３４５６７８９")),
    "look_alike": _on_text(_lookalike),
    "stray_letter": _on_text(_stray),
    "digit_words": _on_text(lambda s: _digits(s, _WORDS)),
    "mixed_words": _on_text(lambda s: _per_group(s, _mixed)),
    "positional": _on_text(lambda s: _per_group(s, _positional)),
    "english_words": _on_text(_english),
    "particles": _on_text(_particles),
    "nul": _on_text(lambda s: _between(s, "\x00")),
    "zero_width": _on_text(lambda s: _between(s, "\u200b")),
    "bidi": _on_text(lambda s: f"\u2066{s}\u2069" if s else None),
    "nfd": _on_text(lambda s: n if (n := unicodedata.normalize("NFD", s)) != s else None),
    "plate_roman": _on_text(_plate_roman),
    "plate_spaced": _on_text(_plate_spaced),
    "plate_words": _on_text(_plate_words),
    "name_roman": _name_roman,
    "name_hanja": _name_hanja,
    "name_surname": _name_surname,
}


@dataclass(frozen=True)
class Example:
    """A draft, its case, and the rules it breaks (empty: it must pass)."""

    id: str
    draft: str
    case: CaseFacts
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Trial:
    example: str
    mutation: str
    draft: str
    want: tuple[str, ...]
    got: tuple[str, ...]

    @property
    def passed(self) -> bool:
        if not self.want:
            return not self.got
        return set(self.want) <= set(self.got)


def mutate(
    draft: str, spans: Sequence[tuple[int, int]], case: CaseFacts, names: Sequence[str]
) -> str | None:
    """``draft`` with each span rewritten by the named mutations in turn (None: none applied)."""
    out, at, changed = [], 0, False
    for start, end in sorted(set(spans)):
        if start < at:
            continue
        text = draft[start:end]
        for name in names:
            new = MUTATIONS[name](text, case)
            if new is not None:
                text, changed = new, True
        out += [draft[at:start], text]
        at = end
    out.append(draft[at:])
    return "".join(out) if changed else None


def _value_spans(draft: str, case: CaseFacts, guard: GuardFn) -> list[tuple[int, int]]:
    return [v.span for v in guard(draft, case).violations]


def _number_spans(draft: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[0-9]+(?:[ .\-,/:~][0-9]+)*", draft)]


#: Mutations in the order a pair applies them (a spelling of the digits first, a wrapping
#: last); two spellings of the same digits do not pair (the second finds no digits).
STAGES: tuple[tuple[str, ...], ...] = (
    (
        "circled",
        "superscript",
        "full_width",
        "look_alike",
        "stray_letter",
        "digit_words",
        "mixed_words",
        "positional",
        "english_words",
        "plate_roman",
        "plate_words",
        "name_roman",
        "name_hanja",
        "name_surname",
    ),
    ("particles", "plate_spaced"),
    ("bold", "html_tags", "nul", "zero_width", "bidi", "nfd"),
    ("html_entities",),
)
_STAGE = {name: i for i, names in enumerate(STAGES) for name in names}


def plans(pairs: bool = True) -> list[tuple[str, ...]]:
    """Every mutation alone, and (``pairs``) every pair from two stages (in stage order) or
    two wrappings."""
    single: list[tuple[str, ...]] = [(n,) for n in MUTATIONS]
    if not pairs:
        return single
    two = [
        tuple(sorted((a, b), key=lambda n: _STAGE[n]))
        for a, b in itertools.combinations(MUTATIONS, 2)
        if _STAGE[a] != _STAGE[b] or _STAGE[a] == 2
    ]
    return single + two


def run_trials(examples: Iterable[Example], guard: GuardFn, pairs: bool = True) -> list[Trial]:
    trials: list[Trial] = []
    for ex in examples:
        spans = _value_spans(ex.draft, ex.case, guard) if ex.rules else _number_spans(ex.draft)
        if not ex.rules:  # a safe text must pass as written, too
            got = tuple(sorted({v.rule for v in guard(ex.draft, ex.case).violations}))
            trials.append(Trial(ex.id, "none", ex.draft, (), got))
        if not spans:
            continue
        for plan in plans(pairs):
            draft = mutate(ex.draft, spans, ex.case, plan)
            if draft is None or draft == ex.draft:
                continue
            got = tuple(sorted({v.rule for v in guard(draft, ex.case).violations}))
            trials.append(Trial(ex.id, "+".join(plan), draft, ex.rules, got))
    return trials


def summarise(violating: Sequence[Trial], safe: Sequence[Trial]) -> dict[str, Any]:
    """The figures: recall over mutated violating drafts, false blocks over safe texts."""
    caught = sum(t.passed for t in violating)
    by_mutation: dict[str, dict[str, Any]] = {}
    for name in MUTATIONS:
        mine = [t for t in violating if name in t.mutation.split("+")]
        if mine:
            hit = sum(t.passed for t in mine)
            by_mutation[name] = {"n": len(mine), "caught": hit, "recall": round(hit / len(mine), 4)}
    blocks = [t for t in safe if not t.passed]
    return {
        "recall": round(caught / len(violating), 4) if violating else None,
        "trials": len(violating),
        "caught": caught,
        "false_blocks": len(blocks),
        "safe_trials": len(safe),
        "by_mutation": by_mutation,
        "misses": [
            {"example": t.example, "mutation": t.mutation, "want": t.want, "got": t.got}
            for t in violating
            if not t.passed
        ][:50],
        "blocks": [{"example": t.example, "mutation": t.mutation, "got": t.got} for t in blocks][
            :50
        ],
    }


SAFE_TAGS = frozenset({"playbook", "safe-reply"})
#: A guard file whose name holds this was written without seeing the code (guard_blind.jsonl).
BLIND_MARK = "blind"


def examples_from(
    cases: Iterable[Any], with_rule_examples: bool = True
) -> tuple[list[Example], list[Example]]:
    """``(violating, safe)`` examples: the rule table's violating examples and every
    violating guard case; safe, the guard cases that must pass and are a playbook's script or
    an ordinary reply (tagged ``playbook`` / ``safe-reply``). Blind sets are left out."""
    from policy_guard import load_rules

    violating: list[Example] = []
    if with_rule_examples:
        for rule in load_rules().rules:
            for i, ex in enumerate(rule.examples.violating):
                violating.append(
                    Example(f"rules.yaml:{rule.id}:{i}", ex.draft, ex.case, (rule.id,))
                )
    safe: list[Example] = []
    for case in cases:
        if BLIND_MARK in Path(case.origin.rsplit(":", 1)[0]).name:
            continue  # a blind set is measured as its writer wrote it, never rewritten
        if not case.allowed:
            violating.append(Example(case.id, case.draft, case.case, tuple(case.rules)))
        elif SAFE_TAGS & set(case.tags):
            safe.append(Example(case.id, case.draft, case.case, ()))
    return violating, safe


def mutation_metrics(cases: Iterable[Any], guard: GuardFn, pairs: bool = True) -> dict[str, Any]:
    """The mutation figures for a set of guard cases (see ``summarise``)."""
    violating, safe = examples_from(cases)
    out = summarise(run_trials(violating, guard, pairs), run_trials(safe, guard, pairs))
    out["examples"] = len(violating)
    out["safe_examples"] = len(safe)
    out["pairs"] = pairs
    return out
