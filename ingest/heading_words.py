"""Which words of a heading the system reads: the vocabulary's terms, the condition phrases, the
heading forms (markers, time bounds) and the ordinary words. What is left is either reported
(``agent-assist kb check``: ``unknown_terms``) or kept as an open condition
(``ingest.open_conditions``).
"""

from __future__ import annotations

import re

from ingest.conditions import (
    ALT_RECIPIENT_PHRASES,
    CHANNEL_PHRASES,
    FALLBACK_PHRASES,
    HISTORY_UNAVAILABLE,
    IDENTITY_PHRASES,
    PERSISTENT_PHRASES,
    STATUS_PHRASES,
    WITHDRAWN_PHRASES,
)
from ingest.headings import ROLE_LABELS
from ingest.vocabulary import Vocabulary, load_vocabulary

#: Heading markers: they state no condition of their own.
MARKERS = (
    r"^\s*(?:Q|A)\s*\d{1,3}\s*[.):]?",
    r"\[\s*(?:case|케이스)\s*\d{1,3}\s*\]",
    r"^\s*\d{1,2}\s*[.)]",
    r"[\u2460-\u2473\u24eb-\u24f4\u2776-\u2793]",
)
#: Heading forms that state a condition without a vocabulary entry: markers, time bounds.
FORMS = (
    *MARKERS,
    r"상태\s*값",
    # The event a window counts from ("출차 후 7일 이내"): part of the window.
    r"[가-힣]{1,4}\s*(?:후|전)\s*(?=(?:\d{1,4}|일|한)\s*(?:일|주일|주|개월|달|년|시간|분))",
    r"(?:\d{1,4}|일|한)\s*(?:일|주일|주|개월|달|년|시간|분)\s*"
    r"(?:이내|안에|까지|이하|미만|이후|경과|초과|지난|넘은|넘게|이상)",
    r"(?:\d{1,4}|일|한)\s*(?:일|주일|주|개월|달|년|시간|분)(?=\s|$|[~\-/),])",
)
PARTICLES = re.compile(
    r"(?:으로|에서|에게|께서|까지|부터|이나|은|는|이|가|을|를|의|에|로|와|과|께|도|만|시)$"
)


def condition_patterns(vocab: Vocabulary) -> list[str]:
    """Patterns of every known condition: vocabulary terms and the structural phrase tables."""
    terms = [*vocab.requests, *vocab.reasons, *vocab.services, *vocab.topics, *vocab.personal_data]
    patterns = [p for term in terms for p in term.phrases]
    patterns += [p for p, _ in STATUS_PHRASES] + [p for p, _ in CHANNEL_PHRASES]
    patterns += [p for p, _ in ROLE_LABELS]
    for table in (
        HISTORY_UNAVAILABLE,
        IDENTITY_PHRASES,
        WITHDRAWN_PHRASES,
        ALT_RECIPIENT_PHRASES,
        FALLBACK_PHRASES,
        PERSISTENT_PHRASES,
        FORMS[len(MARKERS) :],
    ):
        patterns += list(table)
    return patterns


_compiled: dict[int, tuple[Vocabulary, tuple[re.Pattern[str], ...]]] = {}


def _known(vocab: Vocabulary) -> tuple[re.Pattern[str], ...]:
    """Compiled once per vocabulary (the vocabulary is kept so that its id stays its own)."""
    entry = _compiled.get(id(vocab))
    if entry is None or entry[0] is not vocab:
        entry = (vocab, tuple(re.compile(p) for p in (*MARKERS, *condition_patterns(vocab))))
        _compiled[id(vocab)] = entry
    return entry[1]


def blank_known(text: str, vocab: Vocabulary | None = None) -> tuple[str, bool]:
    """``text`` with every known condition phrase and marker blanked out, and whether a
    condition (not only a marker) was found."""
    vocab = vocab or load_vocabulary()
    found = False
    for i, pattern in enumerate(_known(vocab)):
        text, count = pattern.subn(lambda m: " " * len(m.group()), text)
        found = found or (count > 0 and i >= len(MARKERS))
    return text, found


def unknown_words(heading: str, vocab: Vocabulary | None = None) -> list[str]:
    """Words of a heading that no vocabulary entry, condition phrase or ordinary word covers."""
    vocab = vocab or load_vocabulary()
    text, _ = blank_known(heading, vocab)
    ordinary = set(vocab.ordinary_words)
    out: list[str] = []
    for word in re.findall(r"[가-힣A-Za-z]+", text):
        stem = PARTICLES.sub("", word) if len(word) > 2 else word
        if len(stem) < 2 or word in ordinary or stem in ordinary or stem in out:
            continue
        out.append(stem)
    return out
