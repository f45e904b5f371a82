"""Situation choice by facts: day boundaries, unknown facts, exception routes, fallback.

Runs on the real chunker's reading of the shipped playbooks (no model, no store) and on small
playbooks written here in the same style, so that nothing depends on one file's wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunk import Chunk, ChunkConditions
from ingest.chunker import chunk_document
from policy_guard import disclosure_allowed
from policy_guard.facts import CaseFacts
from rag.catalog import Catalog, Playbook
from rag.condition_fit import Signals, fit_conditions
from rag.routes import ob_window_end
from rag.selection import Wording, select_section

KB = Path(__file__).resolve().parents[1] / "kb"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    chunks: list[Chunk] = []
    for path in sorted(KB.glob("*.txt")):
        chunks += chunk_document(path.name, path.read_text(encoding="utf-8"))
    return Catalog.build("test", chunks)


def _book_for(catalog: Catalog, request: str) -> Playbook:
    return next(b for b in catalog.playbooks.values() if request in b.requests)


def _chosen(book: Playbook, facts: CaseFacts) -> Chunk:
    selection = select_section([], facts, book.situations, disclosure_allowed, Signals(), Wording())
    assert selection.chosen is not None
    return selection.chosen.chunk


def _covers(chunk: Chunk, days: int) -> bool:
    c = chunk.conditions
    return (c.days_min is None or days >= c.days_min) and (c.days_max is None or days <= c.days_max)


@pytest.mark.parametrize("days", [0, 1, 2, 3, 4, 5, 7, 14, 15, 30])
@pytest.mark.parametrize("request_", ["driver_phone", "vehicle_plate"])
def test_chosen_situation_holds_the_day(catalog: Catalog, request_: str, days: int) -> None:
    """Whatever is chosen states no day range that excludes the ride's day."""
    book = _book_for(catalog, request_)
    for history in (None, True, False):
        for reason in (None, "lost_item", "other"):
            facts = CaseFacts(
                request=request_,  # type: ignore[arg-type]
                ride_status="completed",
                days_since_ride=days,
                history_available=history,
                reason=reason,  # type: ignore[arg-type]
            )
            selection = select_section(
                [], facts, book.situations, disclosure_allowed, Signals(), Wording()
            )
            assert selection.chosen is not None
            chosen = selection.chosen.chunk
            # The default refusal may be used past its stated window, and an exception past
            # its heading's OB window answers by a consent script; nothing else may.
            end = ob_window_end(chosen)
            consent_route = selection.chosen.reply_from is not None and end is not None
            assert consent_route == (end is not None and days > end), (facts, chosen.section)
            assert chosen.conditions.fallback or consent_route or _covers(chosen, days), (
                facts,
                chosen.section,
            )
            assert not chosen.conditions.requests or request_ in chosen.conditions.requests


@pytest.mark.parametrize(
    ("request_", "window"),
    [("driver_phone", 3), ("vehicle_plate", 7)],
)
def test_disclosure_only_inside_the_window(catalog: Catalog, request_: str, window: int) -> None:
    book = _book_for(catalog, request_)
    for days in (window - 1, window, window + 1):
        facts = CaseFacts(
            request=request_,  # type: ignore[arg-type]
            ride_status="completed",
            days_since_ride=days,
            history_available=False,
        )
        script = _chosen(book, facts).script
        has_placeholder = "000-0000-0000" in script or "OO가OOOO" in script
        assert has_placeholder == (days <= window), (days, script)


def test_unknown_days_never_choose_a_disclosure(catalog: Catalog) -> None:
    book = _book_for(catalog, "driver_phone")
    facts = CaseFacts(request="driver_phone", ride_status="completed", history_available=False)
    assert "000-0000-0000" not in _chosen(book, facts).script


def test_exception_route_needs_its_reason(catalog: Catalog) -> None:
    book = _book_for(catalog, "driver_phone")
    base = CaseFacts(request="driver_phone", ride_status="completed", days_since_ride=7)
    with_reason = _chosen(book, base.model_copy(update={"reason": "lost_item"}))
    without = _chosen(book, base)
    assert "lost_item" in with_reason.conditions.reasons
    assert not without.conditions.reasons  # the default refusal, not the consent route
    assert without.conditions.fallback


def test_past_every_window_the_default_refusal_is_chosen(catalog: Catalog) -> None:
    book = _book_for(catalog, "vehicle_plate")
    facts = CaseFacts(request="vehicle_plate", ride_status="completed", days_since_ride=30)
    chosen = _chosen(book, facts)
    assert chosen.conditions.fallback
    assert "vehicle_plate" in chosen.conditions.requests


def test_name_and_account_are_never_disclosure_situations(catalog: Catalog) -> None:
    book = _book_for(catalog, "driver_name")
    for request_ in ("driver_name", "driver_account"):
        chosen = _chosen(book, CaseFacts(request=request_, driver_consent=True))  # type: ignore[arg-type]
        assert request_ in chosen.conditions.requests


def test_sequence_steps_follow_identity(catalog: Catalog) -> None:
    book = _book_for(catalog, "usage_statement")
    wording = Wording()
    unknown = select_section(
        [],
        CaseFacts(request="usage_statement", days_since_ride=400),
        book.situations,
        disclosure_allowed,
        Signals(),
        wording,
    )
    verified = select_section(
        [],
        CaseFacts(request="usage_statement", days_since_ride=400, identity_verified=True),
        book.situations,
        disclosure_allowed,
        Signals(),
        wording,
    )
    assert unknown.chosen and verified.chosen
    assert unknown.chosen.chunk.conditions.identity_verified is not True
    assert verified.chosen.chunk.conditions.identity_verified is not False


def test_withdrawn_customer_gets_the_consent_request(catalog: Catalog) -> None:
    book = _book_for(catalog, "usage_statement")
    for channel in ("chat", "phone"):
        facts = CaseFacts(
            request="usage_statement",
            withdrawn=True,
            identity_verified=True,
            channel=channel,  # type: ignore[arg-type]
        )
        chosen = _chosen(book, facts)
        assert chosen.conditions.withdrawn is True
        assert chosen.conditions.channel in (None, channel)
        assert chosen.conditions.collection_consent is not True


# --- a playbook written here, in the same style


def _chunk(index: int, section: str, script: str, **conditions: object) -> Chunk:
    return Chunk(
        source="900_test.txt",
        section=section,
        index=index,
        start=0,
        end=1,
        kind="script",
        text=section + "\n" + script,
        script=script,
        conditions=ChunkConditions.model_validate(conditions),
    )


SMALL = [
    _chunk(
        0, "Q1 > 5일 이내", "앱에서 확인하실 수 있어요.", requests=["vehicle_plate"], days_max=5
    ),
    _chunk(
        1,
        "Q1 > 5일 이내 (기록 없음)",
        "차량번호는 OO가OOOO입니다.",
        requests=["vehicle_plate"],
        ride_statuses=["completed"],
        days_max=5,
        history_available=False,
    ),
    _chunk(2, "Q1 > 기본안내", "요청하신 OOOO 정보는 제공이 어렵습니다.", fallback=True),
]


@pytest.mark.parametrize(
    ("facts", "index"),
    [
        (CaseFacts(request="vehicle_plate", days_since_ride=5), 0),
        (CaseFacts(request="vehicle_plate", days_since_ride=6), 2),
        (
            CaseFacts(
                request="vehicle_plate",
                days_since_ride=5,
                history_available=False,
                ride_status="completed",
            ),
            1,
        ),
        (CaseFacts(request="vehicle_plate", days_since_ride=5, history_available=False), 0),
        (CaseFacts(request="vehicle_plate"), 0),
    ],
)
def test_small_playbook(facts: CaseFacts, index: int) -> None:
    # The plate rule needs days <= 7: the playbook's own 5-day window is stricter and wins.
    selection = select_section([], facts, SMALL, disclosure_allowed, Signals(), Wording())
    assert selection.chosen is not None
    assert selection.chosen.chunk.index == index


def test_fit_reports_conflicts_and_blocking() -> None:
    cond = ChunkConditions(requests=["driver_phone"], days_max=3, reasons=["lost_item"])
    fit = fit_conditions(cond, CaseFacts(request="driver_phone", days_since_ride=9))
    assert fit.conflicts == ("days_since_ride",)
    assert fit.blocking == ("reason",)
    assert fit.excluded
    ok = fit_conditions(
        cond, CaseFacts(request="driver_phone", days_since_ride=2, reason="lost_item")
    )
    assert not ok.excluded and set(ok.matched) == {"request", "days_since_ride", "reason"}


def test_insisting_customer_gets_the_persistent_answer(catalog: Catalog) -> None:
    book = _book_for(catalog, "driver_phone")
    facts = CaseFacts(request="driver_phone", ride_status="completed", days_since_ride=9)
    plain = select_section([], facts, book.situations, disclosure_allowed, Signals(), Wording())
    insisting = select_section(
        [], facts, book.situations, disclosure_allowed, Signals(persistent=True), Wording()
    )
    assert plain.chosen and insisting.chosen
    assert not plain.chosen.chunk.conditions.persistent
    assert insisting.chosen.chunk.conditions.persistent
    # Insisting never replaces a disclosure the rules allow.
    open_case = facts.model_copy(update={"days_since_ride": 1, "history_available": False})
    allowed = select_section(
        [], open_case, book.situations, disclosure_allowed, Signals(persistent=True), Wording()
    )
    assert allowed.chosen and "000-0000-0000" in allowed.chosen.chunk.script


@pytest.mark.parametrize(
    ("request_", "days", "reason"),
    [
        ("driver_phone", 9, "lost_item"),
        ("driver_phone", 9, "accident"),
        ("vehicle_plate", 20, "unpaid_fare"),
    ],
)
def test_insisting_keeps_an_exception_on_its_consent_route(
    catalog: Catalog, request_: str, days: int, reason: str
) -> None:
    """The 지속 요구 script is for the ordinary case (Q2 excludes the exception reasons); a
    customer with a lost item who does not accept the answer is helped by OB (Q1 ①)."""
    book = _book_for(catalog, request_)
    facts = CaseFacts(
        request=request_,  # type: ignore[arg-type]
        ride_status="completed",
        days_since_ride=days,
        reason=reason,  # type: ignore[arg-type]
    )
    plain = select_section([], facts, book.situations, disclosure_allowed, Signals(), Wording())
    insisting = select_section(
        [], facts, book.situations, disclosure_allowed, Signals(persistent=True), Wording()
    )
    assert insisting.chosen and plain.chosen
    assert not insisting.chosen.chunk.conditions.persistent
    assert insisting.chosen.chunk.id == plain.chosen.chunk.id


@pytest.mark.parametrize("request_", ["driver_phone", "vehicle_plate"])
@pytest.mark.parametrize("days", [1, 10, 30])
@pytest.mark.parametrize("status", ["completed", "cancelled_after_dispatch"])
def test_driver_consent_opens_the_disclosure_script(
    catalog: Catalog, request_: str, days: int, status: str
) -> None:
    """After the driver agreed (OB), the item is given whatever the ride's age or status
    (004 정책 ① "기사동의 후 … 제공가능(상태값 상관없음)"): the disclosure script is chosen."""
    book = _book_for(catalog, request_)
    facts = CaseFacts(
        request=request_,  # type: ignore[arg-type]
        ride_status=status,  # type: ignore[arg-type]
        days_since_ride=days,
        reason="lost_item",
        driver_consent=True,
    )
    chosen = _chosen(book, facts)
    assert "000-0000-0000" in chosen.script or "OO가OOOO" in chosen.script
    assert request_ in chosen.conditions.requests
    refused = facts.model_copy(update={"driver_consent": False})
    script = _chosen(book, refused).script
    assert "000-0000-0000" not in script and "OO가OOOO" not in script


# --- routes beyond a situation's own conditions

OB_SMALL = [
    _chunk(
        0,
        "Q1 > [연락처] > 2. 5일 이내 > ① 분실물인 경우 (10일 경과 등으로 기사 OB 필요 시 지원)",
        "앱에서 기사님께 전화할 수 있어요.",
        requests=["driver_phone"],
        days_max=5,
        reasons=["lost_item"],
    ),
    _chunk(
        1, "Q1 > [연락처] > 기타 상황", "요청하신 OOOO 정보는 제공이 어렵습니다.", fallback=True
    ),
    _chunk(
        2,
        "Q1 > [차량번호] > 5일 이후 > ① 분실물",
        "기사님 동의 여부 확인 후 연락드리겠습니다.",
        requests=["vehicle_plate"],
        days_min=6,
        reasons=["lost_item"],
    ),
    _chunk(
        3,
        "Q1 > [연락처] > [상태값: 취소]",
        "취소된 건입니다. 기사님 동의 후 연락드리겠습니다.",
        requests=["driver_phone"],
        ride_statuses=["cancelled_after_dispatch"],
        reasons=["lost_item"],
    ),
]


@pytest.mark.parametrize(
    ("days", "reason", "index", "reply_index"),
    [
        (4, "lost_item", 0, None),  # inside the window: the situation's own script
        (8, "lost_item", 1, None),  # between the window and the OB mark: the refusal
        (11, "lost_item", 0, 2),  # past "10일 경과": the consent script that fits
        (40, "lost_item", 0, 2),
        (11, None, 1, None),  # no exception stated: no route
        (11, "other", 1, None),
    ],
)
def test_ob_route_past_the_heading_window(
    days: int, reason: str | None, index: int, reply_index: int | None
) -> None:
    facts = CaseFacts(
        request="driver_phone",
        ride_status="completed",
        days_since_ride=days,
        reason=reason,  # type: ignore[arg-type]
    )
    selection = select_section([], facts, OB_SMALL, disclosure_allowed, Signals(), Wording())
    assert selection.chosen is not None
    assert selection.chosen.chunk.index == index
    reply_from = selection.chosen.reply_from
    assert (reply_from.index if reply_from else None) == reply_index


@pytest.mark.parametrize("days", [15, 22, 60])
@pytest.mark.parametrize("reason", ["lost_item", "accident", "unpaid_fare"])
def test_shipped_ob_route_asks_the_drivers_consent(
    catalog: Catalog, days: int, reason: str
) -> None:
    book = _book_for(catalog, "driver_phone")
    facts = CaseFacts(
        request="driver_phone",
        ride_status="completed",
        days_since_ride=days,
        reason=reason,  # type: ignore[arg-type]
    )
    selection = select_section([], facts, book.situations, disclosure_allowed, Signals(), Wording())
    assert selection.chosen is not None and selection.chosen.reply_from is not None
    assert reason in selection.chosen.chunk.conditions.reasons
    script = selection.chosen.reply_from.script
    assert "동의" in script and "연락드리겠" in script
    assert "000-0000-0000" not in script and "안심연결" not in script
    assert not selection.chosen.reply_from.conditions.ride_statuses or (
        "completed" in selection.chosen.reply_from.conditions.ride_statuses
    )


@pytest.mark.parametrize("reason", ["lost_item", "accident", "unpaid_fare"])
def test_unnamed_item_with_an_exception_prefers_reaching_the_driver(
    catalog: Catalog, reason: str
) -> None:
    book = _book_for(catalog, "driver_phone")
    facts = CaseFacts(ride_status="completed", days_since_ride=9, reason=reason)  # type: ignore[arg-type]
    implied = Signals(implied_requests=(("lost_item", "driver_phone"), (reason, "driver_phone")))
    chosen = select_section([], facts, book.situations, disclosure_allowed, implied, Wording())
    assert chosen.chosen is not None
    assert "driver_phone" in chosen.chosen.chunk.conditions.requests
    # Without the reading, the narrower plate situation wins: the signal is what decides.
    plain = _chosen(book, facts)
    assert "vehicle_plate" in plain.conditions.requests


def test_how_to_question_gets_the_app_guidance(catalog: Catalog) -> None:
    book = _book_for(catalog, "usage_statement")
    facts = CaseFacts(request="usage_statement", service="daeri")
    how_to = select_section(
        [], facts, book.situations, disclosure_allowed, Signals(self_service=True), Wording()
    )
    assert how_to.chosen is not None
    assert how_to.chosen.chunk.conditions.fallback
    assert how_to.chosen.chunk.conditions.identity_required is None
    issue = _chosen(book, facts)
    assert issue.conditions.identity_required  # without the signal: the issuance steps


@pytest.mark.parametrize(
    ("offered", "reasons", "facts", "fits"),
    [
        # a lost-item situation answers "기사님께 연락하고 싶대요 (분실물)"
        (
            ["lost_item_report"],
            ["lost_item"],
            {"request": "driver_phone", "reason": "lost_item"},
            True,
        ),
        # ... not when the reason is another one, or unknown
        (
            ["lost_item_report"],
            ["lost_item"],
            {"request": "driver_phone", "reason": "accident"},
            False,
        ),
        (["lost_item_report"], ["lost_item"], {"request": "driver_phone"}, False),
        # a situation that discloses a driver's item never stands in for another item
        (
            ["vehicle_plate"],
            ["lost_item"],
            {"request": "driver_phone", "reason": "lost_item"},
            False,
        ),
    ],
)
def test_a_situation_for_the_reason_answers_another_item_only_when_it_discloses_nothing(
    offered: list[str], reasons: list[str], facts: dict[str, str], fits: bool
) -> None:
    cond = ChunkConditions(requests=offered, reasons=reasons)
    fit = fit_conditions(cond, CaseFacts.model_validate(facts))
    assert ("request" not in fit.conflicts) is fits


@pytest.mark.parametrize(
    ("stated", "known", "matched", "conflict"),
    [
        ("chat", "chat", True, False),
        ("phone", "phone", True, False),
        ("phone", "chat", False, True),
        ("chat", "phone", False, True),
        # unknown: the chat wording may stand, but it is no evidence for the situation
        ("chat", None, False, False),
        ("phone", None, False, True),
    ],
)
def test_an_unknown_channel_is_no_match(
    stated: str, known: str | None, matched: bool, conflict: bool
) -> None:
    fit = fit_conditions(ChunkConditions(channel=stated), CaseFacts(channel=known))
    assert ("channel" in fit.matched) is matched
    assert ("channel" in fit.conflicts) is conflict


def test_a_stated_exception_outweighs_a_step_of_the_usual_route() -> None:
    # 탈퇴 고객: the consent route is written for it; the usual step only shares identity.
    facts = CaseFacts(identity_verified=True, withdrawn=True, request="usage_statement")
    usual = fit_conditions(
        ChunkConditions(requests=["usage_statement"], identity_verified=True), facts
    )
    exception = fit_conditions(ChunkConditions(requests=["usage_statement"], withdrawn=True), facts)
    assert exception.weight > usual.weight
    # a progress flag (본인확인) is no exception: stated, it weighs one match
    plain = fit_conditions(ChunkConditions(identity_verified=True), facts)
    assert plain.weight == pytest.approx(2.0)
