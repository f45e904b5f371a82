"""Placeholders that offer a value by naming it in brackets: ``기사님 연락처는 [연락처]입니다``,
``차량번호는 {vehicle_plate}입니다``, ``기사님 성함은 <기사 이름>이에요``.

A drafter or a model leaves these where the value would go. Like ``000-0000-0000`` they offer the
value, so they count where the rule forbids it. A bracketed word that is a menu item or a request
(``[기사님께 전화] 선택``, ``[ 성함, 이메일주소 ] 확인 부탁드립니다``) offers nothing: only a
bracket holding just the value's name and followed by a copula or a particle (입니다, 으로, …)
is read. A name placeholder counts only in a sentence about the driver (``상담원 [이름]입니다`` is
the agent's own name).
"""

from __future__ import annotations

import functools
import re

from policy_guard.detectors.driver_context import about_driver
from policy_guard.lexicon import alternation, load_lexicon

_OPEN = r"[\[{<(【「『〈《]"
_CLOSE = r"[\]}>)】」』〉》]"
_FOLLOWS = r"(?=\s?(?:입니다|이에요|예요|이세요|이며|이고|이니|으로|로|번|님|씨|기사|$|[.,!?\n]))"


@functools.cache
def _pattern() -> re.Pattern[str]:
    kinds = load_lexicon().placeholder_words
    groups = "|".join(f"(?P<{kind}>{alternation(words)})" for kind, words in kinds.items())
    return re.compile(
        rf"{_OPEN}{{1,2}}\s?(?:기사님?의?\s?|driver_?)?(?:{groups})\s?{_CLOSE}{{1,2}}{_FOLLOWS}"
    )


@functools.lru_cache(maxsize=16)
def find_placeholders(text: str) -> tuple[tuple[int, int, str], ...]:
    """``(start, end, kind)`` of each placeholder; kind is a key of ``placeholder_words``."""
    if not any(c in text for c in "[{<(【「『〈《"):
        return ()
    out = []
    for m in _pattern().finditer(text):
        kind = next(k for k, v in m.groupdict().items() if v)
        explicit = "driver" in m.group().lower()
        if kind != "name" or explicit or about_driver(text, m.start(), m.end()):
            out.append((m.start(), m.end(), kind))
    return tuple(out)
