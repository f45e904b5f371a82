"""The chat prompt an LLM drafter sends: rules, facts, the approved reply and its context.

Personal values the console holds (driver phone, plate, name) never leave the service: they are
replaced by fixed tokens before anything is sent, and only tokens that the approved reply itself
carried (i.e. values the guard allowed for this case) are filled back in afterwards. A token the
model adds on its own becomes a visible disclosure placeholder, which the guard then reports.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from policy_guard.facts import CaseFacts
from policy_guard.rule_table import FactName
from policy_guard.verdict import Violation
from rag.contract import Hit
from rag.drafting.base import DraftContext
from rag.fact_fields import fact_fields

log = logging.getLogger(__name__)

#: Console fields whose values are masked, with the token sent instead and the placeholder a
#: stray token turns into (the spelling the guard reads as an offer to disclose).
PERSONAL_FIELDS: dict[str, tuple[str, str]] = {
    "driver_phone": ("[[DRIVER_PHONE]]", "000-0000-0000"),
    "vehicle_plate": ("[[VEHICLE_PLATE]]", "00가0000"),
    "driver_name": ("[[DRIVER_NAME]]", "OOO"),
}

#: Context sent per retrieved chunk, and how many chunks: enough to phrase the reply, small
#: enough to keep a local model fast.
MAX_CONTEXT_CHARS = 700
MAX_CONTEXT_HITS = 4

#: Always stated, whatever the rule table holds.
BASE_RULES = (
    "아래 '승인된 답변'의 안내 내용만 전달하세요. 승인된 답변과 참고 스크립트에 없는 정책, 절차, "
    "기간, 금액, 예외를 만들어 내지 마세요.",
    "기사님의 이름(일부 가림 포함)과 계좌번호는 어떤 경우에도 안내하지 마세요.",
    "기사 연락처, 차량번호는 승인된 답변에 이미 들어 있을 때만 그대로 안내하고, 새로 만들거나 "
    "'000-0000-0000' 같은 빈칸으로 안내하겠다고 하지 마세요.",
    "주민등록번호, 카드번호 등 다른 사람의 개인정보를 쓰지 마세요.",
    "이용내역서 발급·발송은 승인된 답변이 약속한 경우에만 약속하세요.",
    "[[DRIVER_PHONE]] 같은 [[...]] 표시는 바꾸거나 지우지 말고 그대로 두세요.",
)

#: The facts the model is told, in this order (labels and value words from fact_fields.yaml);
#: personal values are left out on purpose, and the hour count is the day count's other clock.
_PROMPT_FACTS: tuple[str, ...] = get_args(FactName)
_YES_NO = {True: "예", False: "아니오"}


def rule_lines() -> list[str]:
    """One line per hard rule of the guard's table: id, title and message."""
    try:
        from policy_guard.rule_table import load_rules

        table = load_rules()
    except Exception as exc:  # optional context: a table being edited must not stop drafting
        log.warning("rule table unavailable for the prompt: %s", type(exc).__name__)
        return []
    return [f"[{rule.id}] {rule.title}: {' '.join(rule.message.split())}" for rule in table.rules]


def fact_lines(facts: CaseFacts) -> list[str]:
    """Known facts in Korean; personal values are left out on purpose."""
    lines = []
    labels = fact_fields()
    for field in _PROMPT_FACTS:
        label = labels[field].label
        value = getattr(facts, field)
        if value is None:
            continue
        shown = (
            _YES_NO[value] if isinstance(value, bool) else labels[field].choices().get(value, value)
        )
        if field == "days_since_ride":
            shown = f"{value}일"
        lines.append(f"- {label}: {shown}")
    return lines


@dataclass(frozen=True)
class Masker:
    """Swaps the case's personal values for tokens and back."""

    values: dict[str, str]  # token -> the console's value

    @classmethod
    def for_facts(cls, facts: CaseFacts) -> Masker:
        values = {}
        for field, (token, _placeholder) in PERSONAL_FIELDS.items():
            value = getattr(facts, field)
            if value and value.strip():
                values[token] = value
        return cls(values)

    def mask(self, text: str) -> str:
        # Longest values first, so a value contained in another is not half-replaced.
        for token, value in sorted(self.values.items(), key=lambda kv: -len(kv[1])):
            text = text.replace(value, token)
        return text

    def unmask(self, text: str, allowed: frozenset[str]) -> str:
        """Fill the tokens in ``allowed``; any other token becomes a disclosure placeholder."""
        for token, placeholder in PERSONAL_FIELDS.values():
            if token in allowed and token in self.values:
                text = text.replace(token, self.values[token])
            else:
                text = text.replace(token, placeholder)
        return text


def tokens_in(text: str) -> frozenset[str]:
    return frozenset(token for token, _ in PERSONAL_FIELDS.values() if token in text)


def _clip(text: str, limit: int = MAX_CONTEXT_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _context_lines(ctx: DraftContext, masker: Masker) -> list[str]:
    chosen_id = ctx.chosen.chunk.id if ctx.chosen else None
    others: list[Hit] = [h for h in ctx.hits if h.chunk.id != chosen_id][:MAX_CONTEXT_HITS]
    lines = []
    for i, hit in enumerate(others, 1):
        body = hit.chunk.script or hit.chunk.text
        lines.append(f"({i}) {hit.chunk.source} > {hit.chunk.section}\n{masker.mask(_clip(body))}")
    return lines


def system_prompt() -> str:
    rules = "\n".join(f"- {r}" for r in BASE_RULES)
    table = rule_lines()
    table_text = "\n".join(f"- {r}" for r in table) if table else "- (규칙표 없음)"
    return (
        "카카오 T 고객센터 상담사가 고객에게 보낼 답변 초안을 작성합니다. 상담사가 받은 승인된 "
        "답변을 고객이 읽기 쉽게 자연스러운 존댓말로 다듬되, 안내 내용은 바꾸지 않습니다.\n\n"
        f"반드시 지킬 규칙:\n{rules}\n\n"
        f"정책 가드가 검사하는 규칙(위반하면 답변이 차단됩니다):\n{table_text}\n\n"
        "출력: 고객에게 보낼 답변 본문만 쓰세요. 머리말, 설명, 따옴표, 마크다운 없이 씁니다."
    )


def violation_lines(violations: Sequence[Violation], masker: Masker) -> list[str]:
    return [
        f'- [{v.rule}] {v.message} (문제 부분: "{masker.mask(v.text)}", 근거: {v.clause})'
        for v in violations
    ]


def build_messages(
    ctx: DraftContext, violations: Sequence[Violation] = ()
) -> tuple[list[BaseMessage], Masker, frozenset[str]]:
    """The messages to send, the masker used, and the tokens the reply may fill back in."""
    masker = Masker.for_facts(ctx.facts)
    approved = masker.mask(ctx.composed)
    sections = ["## 상담 사실\n" + ("\n".join(fact_lines(ctx.facts)) or "- (알려진 사실 없음)")]
    if ctx.ask:
        sections.append("## 아직 확인할 사항\n" + "\n".join(f"- {a}" for a in ctx.ask))
    if ctx.chosen is not None:
        chunk = ctx.chosen.chunk
        script = masker.mask(_clip(chunk.script or chunk.text, 2 * MAX_CONTEXT_CHARS))
        sections.append(
            "## 선택된 상황 (원문 스크립트: 승인된 답변에서 빠진 문장은 이 고객에게 쓰지 마세요)\n"
            f"{chunk.source} > {chunk.section}\n{script}"
        )
    context = _context_lines(ctx, masker)
    if context:
        # Neighbouring situations often hold the opposite action (give the number / do not):
        # they are context for wording, never instructions for this case.
        sections.append(
            "## 참고 문서 (검색 결과: 다른 상황의 스크립트일 수 있으니 표현만 참고하고, 그 안내를 "
            "이 고객에게 적용하지 마세요)\n" + "\n\n".join(context)
        )
    sections.append(f"## 승인된 답변\n{approved}")
    sections.append(f"## 상담사 질문\n{masker.mask(ctx.question)}")
    if violations:
        sections.append(
            "## 이전 초안의 규칙 위반\n"
            + "\n".join(violation_lines(violations, masker))
            + "\n\n위 위반을 모두 고친 답변을 다시 작성하세요. 위반한 내용은 빼고, 승인된 답변의 "
            "안내만 전달하세요."
        )
    else:
        sections.append(
            "## 요청\n승인된 답변의 안내를 그대로 유지하면서 고객에게 보낼 답변을 작성하세요."
        )
    messages: list[BaseMessage] = [
        SystemMessage(content=system_prompt()),
        HumanMessage(content="\n\n".join(sections)),
    ]
    return messages, masker, tokens_in(approved)
