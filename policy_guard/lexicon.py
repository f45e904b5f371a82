"""The word lists the detectors read (``lexicon.yaml``), validated once, on first use."""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator


def _words(value: object) -> object:
    """A list may be written as one space-separated string (long lists stay readable)."""
    return value.split() if isinstance(value, str) else value


class EnglishStatement(BaseModel):
    """Statement promises written in English (``english_statement``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    promise_markers: tuple[str, ...]
    conditions: tuple[str, ...]
    refusals: tuple[str, ...]
    alt_recipient: tuple[str, ...]


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    company_numbers: tuple[str, ...]
    company_number_patterns: tuple[str, ...]
    digit_words: dict[str, int]
    mask_chars: str = Field(min_length=1)
    plate_letters: str = Field(min_length=1)
    plate_regions: tuple[str, ...]
    bank_names: tuple[str, ...]
    account_keywords: tuple[str, ...]
    card_keywords: tuple[str, ...]
    rrn_keywords: tuple[str, ...]
    surnames: tuple[str, ...]
    given_name_syllables: tuple[str, ...]
    name_stopwords: tuple[str, ...]
    name_modifier_endings: tuple[str, ...]
    name_determiners: tuple[str, ...]
    bare_surnames: tuple[str, ...]
    name_endings: tuple[str, ...]
    statement_nouns: tuple[str, ...]
    statement_verbs: tuple[str, ...]
    promise_phrases: tuple[str, ...]
    promise_endings: tuple[str, ...]
    non_promise_markers: tuple[str, ...]
    refusal_markers: tuple[str, ...]
    condition_markers: tuple[str, ...]
    partial_markers: tuple[str, ...]
    plate_context: tuple[str, ...]
    partial_other_context: tuple[str, ...]
    alt_recipient_markers: tuple[str, ...]
    english_statement: EnglishStatement
    driver_mentions: tuple[str, ...]
    placeholder_words: dict[str, tuple[str, ...]]

    _split = field_validator(
        "surnames",
        "given_name_syllables",
        "name_stopwords",
        "name_modifier_endings",
        "name_determiners",
        "bare_surnames",
        "name_endings",
        mode="before",
    )(_words)

    @field_validator("company_number_patterns")
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            re.compile(pattern)
        return value

    @field_validator("digit_words")
    @classmethod
    def _single_digits(cls, value: dict[str, int]) -> dict[str, int]:
        if any(len(word) != 1 or not 0 <= digit <= 9 for word, digit in value.items()):
            raise ValueError("digit_words maps one syllable to one digit")
        return value


@functools.cache
def load_lexicon() -> Lexicon:
    raw = resources.files("policy_guard").joinpath("lexicon.yaml").read_text(encoding="utf-8")
    return Lexicon.model_validate(yaml.safe_load(raw))


@functools.cache
def _ordinary_words_file() -> dict[str, str]:
    raw = (
        resources.files("policy_guard").joinpath("ordinary_words.yaml").read_text(encoding="utf-8")
    )
    data: dict[str, str] = yaml.safe_load(raw)
    return data


@functools.cache
def load_ordinary_words() -> frozenset[str]:
    """Two-syllable ordinary words built like a name (``ordinary_words.yaml``, generated)."""
    return frozenset(_ordinary_words_file()["words"].split())


@functools.cache
def load_words_with_ending() -> dict[str, str]:
    """Two-syllable ordinary word -> the syllables that, after it, make an ordinary
    three-syllable word (경우 -> 라, …: 경우라 is 경우 + 이 + 라, never a name)."""
    pairs = _ordinary_words_file()["words_with_ending"].split()
    return dict(pair.split(":", 1) for pair in pairs)


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words, longest first (so the longest spelling wins)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class CanonicalWords(BaseModel):
    """``canonical.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    joiners: tuple[str, ...]
    english_digits: dict[str, int]
    look_alikes: dict[str, str]
    positional_units: dict[str, int]
    plate_romanisation: dict[str, tuple[str, ...]]
    surname_romanisation: dict[str, tuple[str, ...]]
    syllable_variants: dict[str, tuple[str, ...]]


@functools.cache
def load_canonical_words() -> CanonicalWords:
    raw = resources.files("policy_guard").joinpath("canonical.yaml").read_text(encoding="utf-8")
    return CanonicalWords.model_validate(yaml.safe_load(raw))
