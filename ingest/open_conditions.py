"""Open conditions: what a heading segment states when no vocabulary entry reads it.

Playbooks of new services tell sibling situations apart by things no case fact names
("1. 7일 이내 / 영수증 있음" vs "2. 7일 이내 / 영수증 없음", "[사진 미확인]", "(현장 대기 중)").
Rather than wait for a vocabulary entry per phrase, each such segment is kept as its content
words (Kiwi morphemes, lemmas) and the polarity it states (있음 → positive, 없음/미확인 →
negative, none → a mention). They are read once, at ingest, stored with the chunk's conditions,
and matched against the agent's question at selection time (``rag.open_conditions``).

Separators, polarity markers, function words and synonyms are data
(``ingest/open_conditions.yaml``); this module holds the mechanism.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ingest.chunk import ChunkConditions, OpenCondition, Polarity
from ingest.heading_words import blank_known, unknown_words
from ingest.morphemes import analyse
from ingest.vocabulary import Vocabulary, compiled_patterns, load_vocabulary, validated_yaml

OPEN_FILE = "open_conditions.yaml"
#: Kiwi tags of content morphemes; adjacent nouns join into one word ("입"+"차" → "입차").
_NOUN_TAGS = frozenset({"NNG", "NNP", "NNB", "XR", "SL", "SH", "NR"})
_STEM_TAGS = frozenset({"VV", "VA"})
_STOP_STEMS = frozenset({"하", "되", "있", "없", "이", "않", "말", "아니"})


class PolarityMarkers(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    negative: list[str] = Field(min_length=1)
    positive: list[str] = Field(min_length=1)

    _check = field_validator("negative", "positive")(compiled_patterns)

    def polarity(self, text: str) -> Polarity:
        if any(re.search(p, text) for p in self.negative):
            return "negative"
        if any(re.search(p, text) for p in self.positive):
            return "positive"
        return "mention"

    def blank(self, text: str) -> str:
        for pattern in (*self.negative, *self.positive):
            text = re.sub(pattern, lambda m: " " * len(m.group()), text)
        return text


class OpenExample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    heading: str
    open: list[OpenCondition]


class OpenVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    separators: list[str] = Field(min_length=1)
    polarity: PolarityMarkers
    question: PolarityMarkers
    negative_prefixes: list[str] = Field(default_factory=list)
    function_words: list[str] = Field(default_factory=list)
    synonyms: list[list[str]] = Field(default_factory=list)
    ask: str = Field(pattern=r"\{words\}")
    examples: list[OpenExample] = Field(default_factory=list)

    _check = field_validator("separators")(compiled_patterns)

    @field_validator("synonyms")
    @classmethod
    def _groups(cls, groups: list[list[str]]) -> list[list[str]]:
        seen: set[str] = set()
        for group in groups:
            if len(group) < 2:
                raise ValueError(f"a synonym group needs two words or more: {group}")
            twice = seen & set(group)
            if twice:
                raise ValueError(f"word in two synonym groups: {sorted(twice)}")
            seen |= set(group)
        return groups

    @functools.cached_property
    def splitter(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in self.separators))

    @functools.cached_property
    def canonical(self) -> dict[str, str]:
        """word -> the first word of its synonym group."""
        return {word: group[0] for group in self.synonyms for word in group}

    def prefix_spans(self, text: str, tokens: Sequence[Any] | None = None) -> list[tuple[int, int]]:
        """Negative prefixes Kiwi splits off a following noun ("미" of "미확인"); ``tokens``:
        the text's morphemes when already analysed."""
        tokens = analyse(text) if tokens is None else tokens
        spans: list[tuple[int, int]] = []
        for token, nxt in itertools.pairwise(tokens):
            start, end = int(token.start), int(token.start) + int(token.len)
            if (
                str(token.form) in self.negative_prefixes
                and int(nxt.start) == end
                and str(nxt.tag).split("-", 1)[0] in _NOUN_TAGS
            ):
                spans.append((start, end))
        return spans

    def ask_text(self, condition: OpenCondition) -> str:
        return self.ask.format(words=" ".join(condition.words))


def parse_open_vocabulary(raw: str, source: str) -> OpenVocabulary:
    return validated_yaml(OpenVocabulary, raw, source)


@functools.cache
def load_open_vocabulary() -> OpenVocabulary:
    raw = resources.files("ingest").joinpath(OPEN_FILE).read_text(encoding="utf-8")
    return parse_open_vocabulary(raw, f"ingest/{OPEN_FILE}")


def content_words(text: str, skip: frozenset[str] = frozenset()) -> list[str]:
    """Content lemmas of ``text``: nouns (adjacent ones joined), verb and adjective stems;
    light verbs and ``skip`` left out."""
    out: list[str] = []
    noun = ""
    noun_end = -1

    def flush() -> None:
        nonlocal noun
        if noun and len(noun) >= 2 and noun not in skip and noun not in out:
            out.append(noun)
        noun = ""

    for token in analyse(text):
        form, tag = str(token.form).lower(), str(token.tag).split("-", 1)[0]
        start, end = int(token.start), int(token.start) + int(token.len)
        if tag in _NOUN_TAGS:
            if noun and start == noun_end:
                noun += form
            else:
                flush()
                noun = form if tag != "NNB" or len(form) >= 2 else ""
            noun_end = end
            continue
        flush()
        # One-syllable stems ("내" of a mis-split "안내") are too ambiguous to match on.
        if tag in _STEM_TAGS and len(form) >= 2 and form not in _STOP_STEMS | skip | set(out):
            out.append(form)
    flush()
    return out


def _strip_markers(heading: str) -> str:
    """The heading without its leading marker ("[case 2]", "1.", "③")."""
    return re.sub(r"^\s*\[\s*(?:case|케이스)\s*\d{1,3}\s*\]\s*", "", heading, flags=re.I)


def read_open_conditions(
    heading: str,
    vocabulary: Vocabulary | None = None,
    table: OpenVocabulary | None = None,
) -> list[OpenCondition]:
    """The open conditions one heading states, segment by segment."""
    vocab = vocabulary or load_vocabulary()
    table = table or load_open_vocabulary()
    # Full-width forms folded; circled step markers kept for the separators to cut.
    text = "".join(
        c if "\u2460" <= c <= "\u24ff" else unicodedata.normalize("NFKC", c)
        for c in _strip_markers(heading)
    )
    pieces = [p for p in table.splitter.split(text) if p and p.strip()]
    # "법원,경찰서 제출 / 재차 요청 / 1년 경과건": three or more "/" parts list triggers, any of
    # which leads here (see ingest.conditions._day_is_one_alternative).
    alternative = len(re.split(r"\s+/\s+", text)) >= 3
    function = frozenset(table.function_words)
    ordinary = function | frozenset(vocab.ordinary_words)
    found: list[OpenCondition] = []
    for piece in pieces:
        rest, known = blank_known(piece, vocab)
        unknown = unknown_words(piece, vocab)
        if known and not unknown:
            continue  # a known condition, and nothing else
        prefixed = table.prefix_spans(rest)
        polarity = "negative" if prefixed else table.polarity.polarity(rest)
        if not unknown and polarity == "mention":
            continue  # ordinary words only ("이메일 발송 안내")
        for start, end in prefixed:
            rest = rest[:start] + " " * (end - start) + rest[end:]
        words = content_words(table.polarity.blank(rest), ordinary if known else function)
        if not words:
            continue
        condition = OpenCondition(
            words=words, polarity=polarity, text=piece.strip(), alternative=alternative
        )
        if all((c.words, c.polarity) != (words, polarity) for c in found):
            found.append(condition)
    return found


def with_open_conditions(conditions: ChunkConditions, heading: str) -> ChunkConditions:
    """``conditions`` (read from ``heading``) with the heading's open conditions added."""
    found = read_open_conditions(heading)
    return conditions.model_copy(update={"open": found}) if found else conditions
