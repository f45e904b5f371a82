"""Chat evaluation: labelled conversations run through the conversation assist.

A chat case holds the conversation so far and what the next reply must be: the procedure step
(``expect_step``, null when the playbook has none for it), the resolved facts
(``expect_facts``), phrases the reply must (``include_any``) and must not (``exclude``) hold,
and the hand-off ticket (``expect_handoff``: kind, title, fields, and personal data that must
stay out of its text). Figures: next-step accuracy, fact accuracy, reply checks, ticket kind and
field accuracy, and personal data found in ticket text or fields (must be 0).
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from policy_guard.facts import CaseFacts

_PLAIN = re.compile(r"[\s()]+")


class ChatCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    conversation: list[dict[str, str]] = Field(min_length=1)
    case: CaseFacts = Field(default_factory=CaseFacts)
    confirmed: list[str] = Field(default_factory=list)
    expect: str = ""
    expect_step: str | None = None
    expect_facts: dict[str, Any] = Field(default_factory=dict)
    include_any: list[list[str]] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    #: The playbook file the reply must cite first (unchecked when absent).
    source: str | None = None
    expect_handoff: dict[str, Any] | None = None
    tags: list[str] = Field(default_factory=list)
    origin: str = ""


class Assistant(Protocol):
    def assist(self, request: Any) -> Any: ...


class ChatResult(BaseModel):
    id: str
    expect: str = ""
    step: str | None = None
    want_step: str | None = None
    step_checked: bool = True  # false: the case states no expected step
    step_ok: bool = False
    facts_right: int = 0
    facts_total: int = 0
    wrong_facts: dict[str, list[Any]] = Field(default_factory=dict)  # fact -> [want, got]
    reply: str = ""
    reply_ok: bool = False
    reply_problems: list[str] = Field(default_factory=list)
    handoff_kind_ok: bool | None = None  # None: no ticket expected nor made
    fields_right: int = 0
    fields_total: int = 0
    wrong_fields: dict[str, list[Any]] = Field(default_factory=dict)
    personal_in_ticket: int = 0  # personal values found in the ticket's text or fields
    latency_ms: float = 0.0
    error: str | None = None

    @property
    def passed(self) -> bool:
        return (
            self.error is None
            and self.step_ok
            and self.facts_right == self.facts_total
            and self.reply_ok
            and self.handoff_kind_ok is not False
            and self.fields_right == self.fields_total
            and self.personal_in_ticket == 0
        )


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, str) and isinstance(got, str):
        return _PLAIN.sub("", want) == _PLAIN.sub("", got)
    return bool(want == got)


def _reply_problems(case: ChatCase, reply: str) -> list[str]:
    problems = [
        f"none of {group}" for group in case.include_any if not any(p in reply for p in group)
    ]
    problems += [f"matches {p!r}" for p in case.exclude if re.search(p, reply)]
    return problems


def _check_handoff(case: ChatCase, result: ChatResult, handoff: Any, personal: list[str]) -> None:
    want = case.expect_handoff
    if want is None:
        result.handoff_kind_ok = None if handoff is None else False
    else:
        result.handoff_kind_ok = handoff is not None and handoff.kind == want.get("kind")
        fields: dict[str, Any] = want.get("fields") or {}
        result.fields_total = len(fields)
        got = handoff.fields if handoff is not None else {}
        codes = handoff.codes if handoff is not None else {}
        for name, value in fields.items():
            if _same(value, got.get(name)) or _same(value, codes.get(name)):
                result.fields_right += 1
            else:
                result.wrong_fields[name] = [value, got.get(name)]
        personal = [*personal, *(want.get("pii_not_in_text") or [])]
    if handoff is not None:
        shown = handoff.text + " " + " ".join(handoff.fields.values())
        values = {*personal, *handoff.attachment.values()}
        result.personal_in_ticket = sum(1 for v in values if v and v in shown)


def run_chats(assistant: Assistant, cases: Sequence[ChatCase]) -> list[ChatResult]:
    from rag.conversation.assist import AssistRequest

    results: list[ChatResult] = []
    for case in cases:
        result = ChatResult(id=case.id, expect=case.expect, want_step=case.expect_step)
        started = time.perf_counter()
        try:
            request = AssistRequest.model_validate(
                {"conversation": case.conversation, "case": case.case, "confirmed": case.confirmed}
            )
            out = assistant.assist(request)
        except Exception as exc:  # any crash is a failed case, not a lost run
            result.error = f"{type(exc).__name__}: {exc}"
            results.append(result)
            continue
        result.latency_ms = (time.perf_counter() - started) * 1000
        result.step, result.reply = out.step, out.reply
        result.step_checked = "expect_step" in case.model_fields_set
        result.step_ok = out.step == case.expect_step or not result.step_checked
        result.facts_total = len(case.expect_facts)
        for fact, want in case.expect_facts.items():
            got = getattr(out.facts, fact, None)
            if _same(want, got):
                result.facts_right += 1
            else:
                result.wrong_facts[fact] = [want, got]
        result.reply_problems = _reply_problems(case, out.reply)
        cited = out.citations[0].source if out.citations else None
        if case.source is not None and cited != case.source:
            result.reply_problems.append(f"cites {cited!r}, not {case.source!r}")
        result.reply_ok = not result.reply_problems
        _check_handoff(case, result, out.handoff, [])
        results.append(result)
    return results


class Pasted(Protocol):
    def suggest(self, question: str, case: CaseFacts) -> Any: ...


def run_pasted(pipeline: Pasted, cases: Sequence[ChatCase]) -> dict[str, Any]:
    """The baseline: each chat's customer turns pasted into ``ask`` as one question, judged by
    the same reply checks (the reply must hold / must not hold)."""
    passed = leaked = 0
    for case in cases:
        question = "\n".join(t["text"] for t in case.conversation if t.get("role") == "customer")
        reply = pipeline.suggest(question, case.case).reply
        problems = _reply_problems(case, reply)
        passed += not problems
        leaked += any(p.startswith("matches") for p in problems)
    return {
        "n": len(cases),
        "reply_pass_rate": _ratio(passed, len(cases)),
        "exclude_violations": leaked,
    }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def chat_metrics(results: Sequence[ChatResult]) -> dict[str, Any]:
    ok = [r for r in results if r.error is None]
    with_ticket = [r for r in results if r.handoff_kind_ok is not None]
    lat = sorted(r.latency_ms for r in ok)
    return {
        "n": len(results),
        "errors": len(results) - len(ok),
        "pass_rate": _ratio(sum(r.passed for r in results), len(results)),
        "step_accuracy": _ratio(
            sum(r.step_ok for r in results if r.step_checked),
            sum(r.step_checked for r in results),
        ),
        "fact_accuracy": _ratio(
            sum(r.facts_right for r in results), sum(r.facts_total for r in results)
        ),
        "reply_pass_rate": _ratio(sum(r.reply_ok for r in results), len(results)),
        # Replies holding what they must not (a withheld value, a premature promise).
        "exclude_violations": sum(
            any(p.startswith("matches") for p in r.reply_problems) for r in results
        ),
        "handoff_kind_accuracy": _ratio(
            sum(bool(r.handoff_kind_ok) for r in with_ticket), len(with_ticket)
        ),
        "ticket_field_accuracy": _ratio(
            sum(r.fields_right for r in results), sum(r.fields_total for r in results)
        ),
        "personal_in_ticket_text": sum(r.personal_in_ticket for r in results),
        "latency_ms_p50": lat[len(lat) // 2] if lat else None,
        "latency_ms_p95": lat[min(len(lat) - 1, int(len(lat) * 0.95))] if lat else None,
    }


def render_chat_section(metrics: dict[str, Any], results: Sequence[ChatResult]) -> str:
    """The chat figures and failed chats as an HTML section for the evaluation report."""
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>"
        for k, v in metrics.items()
    )
    failed = [r for r in results if not r.passed]
    items = "".join(
        "<tr>"
        f"<td>{html.escape(r.id)}</td><td>{html.escape(str(r.want_step))}</td>"
        f"<td>{html.escape(str(r.step))}</td>"
        f"<td>{html.escape(str(r.wrong_facts or ''))}</td>"
        f"<td>{html.escape('; '.join(r.reply_problems))}</td>"
        f"<td>{html.escape(str(r.wrong_fields or ''))}{html.escape(r.error or '')}</td>"
        f"<td>{html.escape(r.reply[:160])}</td>"
        "</tr>"
        for r in failed
    )
    return (
        '<section id="chats"><h2>Chats (conversation assist)</h2>'
        f"<table>{rows}</table>"
        f"<h3>Failed chats ({len(failed)})</h3>"
        "<table><tr><th>id</th><th>want step</th><th>got step</th><th>wrong facts</th>"
        "<th>reply</th><th>ticket</th><th>reply text</th></tr>"
        f"{items}</table></section>"
    )
