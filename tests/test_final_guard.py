"""The one final check: a reply the guard refuses never leaves; one text stands in for it."""

from __future__ import annotations

import pytest

from policy_guard import check
from policy_guard.facts import CaseFacts
from rag.drafting.composed import NO_SCRIPT_REPLY
from rag.final_guard import REFUSED_REPLY, guard_final_reply

PHONE_REPLY = "기사님 연락처는 010-8765-4321입니다."
CASES = [
    CaseFacts(),
    CaseFacts(request="driver_phone", ride_status="completed", days_since_ride=5),
    CaseFacts(request="usage_statement", identity_verified=False, withdrawn=True),
]


def test_a_reply_the_guard_passes_is_sent_as_it_is() -> None:
    reply = "앱의 이용기록에서 확인하실 수 있습니다."
    final = guard_final_reply(reply, CaseFacts())
    assert final.reply == reply and final.verdict.allowed and final.refused == ()


def test_a_refused_reply_is_replaced_and_what_it_broke_is_kept() -> None:
    facts = CaseFacts(request="driver_phone", ride_status="completed", days_since_ride=5)
    assert not check(PHONE_REPLY, facts).allowed  # the premise: this reply is refused
    final = guard_final_reply(PHONE_REPLY, facts)
    assert final.reply == REFUSED_REPLY and final.verdict.allowed
    assert {v.rule for v in final.refused} == {"driver-phone"}


@pytest.mark.parametrize("facts", CASES)
def test_the_stand_in_passes_the_guard_whatever_the_case(facts: CaseFacts) -> None:
    assert check(REFUSED_REPLY, facts).allowed


def test_the_stand_in_is_not_the_no_script_reply() -> None:
    # "no approved script covers this" and "the final reply was refused" are different news.
    assert REFUSED_REPLY != NO_SCRIPT_REPLY
