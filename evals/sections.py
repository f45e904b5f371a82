"""Matching an expected-section label against a chunk's heading path.

Labels are written from the playbook's headings, and the chunker may render those headings a
little differently (markdown stripped, spacing, enumerators such as ``1.`` or ``①``). Both
sides are therefore normalised before a substring test:

- ``A|B``: either label matches;
- a trailing ``$``: the label must end the path, i.e. be the chunk's own (deepest) heading,
  so "탑승 3일 이내$" matches neither "탑승 3일 이내 (이용기록 삭제 …)" nor a sub-block
  under it.
"""

from __future__ import annotations

import re

_SEP = ">"
_MARKUP = re.compile(r"[*_`\\#]")
_SPACE = re.compile(r"\s+")
#: Leading enumerators of a heading: "1.", "2)", "①", "Q1." is kept (it names a question).
_ENUM = re.compile(r"^(?:\d{1,2}[.)]|[①-⑳])")


def _normalise_heading(text: str) -> str:
    text = _SPACE.sub("", _MARKUP.sub("", text))
    return _ENUM.sub("", text)


def normalise_path(section: str) -> str:
    """The heading path as one comparable string, headings separated by ``>``."""
    return _SEP.join(_normalise_heading(part) for part in section.split(_SEP))


def section_matches(label: str, section: str) -> bool:
    path = normalise_path(section)
    for alternative in label.split("|"):
        alternative = alternative.strip()
        if not alternative:
            continue
        anchored = alternative.endswith("$")
        wanted = normalise_path(alternative.rstrip("$"))
        if not wanted:
            continue
        if anchored:
            if path.endswith(wanted):
                return True
        elif wanted in path:
            return True
    return False
