"""Routes a situation's heading or script points to, beyond its own stated conditions.

- The OB consent route: a heading such as "(안내 미수긍, 14일 경과 등으로 기사 OB 필요 시
  지원)" says that past its N-day window an exception case (분실물, 사고, …) is passed to the
  team that asks the driver's consent (정책 "예외 … OB이관하여 기사동의 후 … 제공가능"). The
  situation still applies after N days, but its own script (a connection that only works
  within the window) does not: the reply comes from one of the playbook's consent-route
  scripts ("기사님 동의 후 … 연락드리겠습니다").
- Self-service guidance: a script that tells how to see the item in the app ("앱을 통해
  확인하실 수 있어요", "[이용기록 확인 방법]") answers a "확인하는 방법" question.

The phrasings are data; nothing here names a playbook.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from rag.facts import fold_width_case_spaces
from rag.facts_table import phrase
from rag.script import DISCLOSURE_PLACEHOLDERS, customer_script

#: "14일 경과 등으로 기사 OB 필요 시": N days, then the driver's consent is sought.
OB_BEYOND_WINDOW: Final[re.Pattern[str]] = phrase(
    r"(\d+) ?일 ?(?:경과|지난|초과|이후)[^)>]{0,20}?(?:ob|아웃 ?바운드|기사 ?동의)[^)>]{0,12}?"
    r"(?:필요|요청|이관)"
)
#: A consent-route script: the driver's consent is asked, then the customer is contacted.
CONSENT_ASKED: Final[re.Pattern[str]] = phrase(r"동의 (?:여부 )?(?:확인 )?후")
CONTACT_PROMISED: Final[re.Pattern[str]] = phrase(r"연락 ?드리(?:겠|ㄹ|도록)")
#: Guidance to find the item oneself in the app.
SELF_SERVICE_SCRIPT: Final[re.Pattern[str]] = phrase(
    r"(?:확인|조회) ?방법|앱(?:을|으로)? ?통해 ?(?:\S+ ){0,2}?(?:확인|조회)"
)


def ob_window_end(chunk: Chunk) -> int | None:
    """The day after which the chunk's heading routes the case to the driver's consent."""
    m = OB_BEYOND_WINDOW.search(fold_width_case_spaces(chunk.section))
    return int(m.group(1)) if m else None


def opens_ob_route(
    chunk: Chunk, facts: CaseFacts, conflicts: Sequence[str], matched: Sequence[str]
) -> bool:
    """Only the ride's age stands against the situation, it is past the heading's window,
    and the exception the situation is for is stated."""
    days = facts.days_since_ride
    if days is None or tuple(conflicts) != ("days_since_ride",) or "reason" not in matched:
        return False
    end = ob_window_end(chunk)
    return end is not None and days > end


def is_consent_script(chunk: Chunk) -> bool:
    script = customer_script(chunk)
    if any(p.search(script) for p in DISCLOSURE_PLACEHOLDERS.values()):
        return False
    text = fold_width_case_spaces(script)
    return bool(CONSENT_ASKED.search(text) and CONTACT_PROMISED.search(text))


def consent_scripts(situations: Sequence[Chunk]) -> list[Chunk]:
    return [c for c in situations if is_consent_script(c)]


def is_self_service_script(chunk: Chunk) -> bool:
    return bool(SELF_SERVICE_SCRIPT.search(fold_width_case_spaces(customer_script(chunk))))
