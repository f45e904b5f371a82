"""What a detector reports: a place in the normal-form text and why it matters."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """``[start, end)`` in the normal-form text.

    ``kind`` says what was seen (``value``, ``template``, ``console``, ``other``): ``console`` is
    the console's own value, ``other`` a value of the same kind that is not the console's (given
    even where the rule would allow the console's, it discloses somebody else's data).
    """

    start: int
    end: int
    kind: str
    note: str = ""
