"""The question as the fact readers see it — full-width forms folded (NFKC), lower case,
whitespace runs collapsed — with a map back to the original text, so that every reading can
point at the words the agent actually typed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def fold_width_case_spaces(text: str) -> str:
    """Full-width forms folded (NFKC), lower case, whitespace runs collapsed."""
    # Unlike rag.tokenizer.fold_width_case, spacing is collapsed: the fact patterns match one space.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).lower()).strip()


@dataclass(frozen=True)
class NormalisedText:
    """``text`` is the normalised question; ``origin[i]`` the offset in the original of the
    character that produced ``text[i]`` (``origin[len(text)]`` is the original's length)."""

    text: str
    origin: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original text's span for the normalised span [start, end)."""
        start = max(0, min(start, len(self.text)))
        end = max(start, min(end, len(self.text)))
        if end == start:
            return self.origin[start], self.origin[start]
        return self.origin[start], self.origin[end - 1] + 1


def normalise_with_offsets(original: str) -> NormalisedText:
    """``fold_width_case_spaces(original)`` and where each of its characters came from."""
    if not unicodedata.is_normalized("NFC", original):
        # Decomposed Hangul composes across characters: map proportionally, exact enough to
        # point at the words (such input is rare; the text read is still the exact normal form).
        text = fold_width_case_spaces(original)
        scale = len(original) / max(1, len(text))
        origin = tuple(min(len(original) - 1, int(i * scale)) for i in range(len(text)))
        return NormalisedText(text, (*origin, len(original)))
    chars: list[str] = []
    origin_list: list[int] = []
    pending_space = False
    for i, ch in enumerate(original):
        folded = unicodedata.normalize("NFKC", ch).lower()
        for out in folded:
            if out.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                origin_list.append(i)
                pending_space = False
            chars.append(out)
            origin_list.append(i)
    text = "".join(chars)
    if text != fold_width_case_spaces(
        original
    ):  # a fold that needs context: fall back to proportions
        text = fold_width_case_spaces(original)
        scale = len(original) / max(1, len(text))
        origin_list = [min(len(original) - 1, int(i * scale)) for i in range(len(text))]
    return NormalisedText(text, (*origin_list, len(original)))
