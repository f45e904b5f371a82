"""Hand-off tickets filled from a chat's facts (templates in ``tickets.yaml``).

The ticket's text is checked by the policy guard like a reply; the customer's personal data
(성함, 생년월일, 휴대폰 번호, 이메일 주소) goes only into ``attachment`` and is scrubbed from
the text and fields should a chat field have caught it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ConfigError
from ingest.procedures import Step
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Verdict

UNKNOWN = "미확인"
IN_ATTACHMENT = "(첨부 참조)"
TO_CHECK = "(확인 필요)"


class TicketField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(min_length=1)
    label: str = Field(min_length=1)
    source: str | None = Field(default=None, alias="from")  # default: ``name``
    values: dict[str, str] = Field(default_factory=dict)
    format: Literal["date_range"] | None = None


class TicketTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(min_length=1)
    title: str = Field(min_length=1)
    match: str | None = None  # pattern over a hand-off step's title
    reply_markers: list[str] = Field(default_factory=list)
    fields: list[TicketField]
    attachment: list[str] = Field(default_factory=list)
    attachment_note: str | None = None


class TicketBook(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tickets: list[TicketTemplate]

    def for_step(self, step: Step, settled: Sequence[str]) -> TicketTemplate:
        """The template for a procedure's hand-off step; without one, a ticket of the step's
        kind listing what the procedure settled."""
        title = step.handoff_title or step.label
        for t in self.tickets:
            if t.kind == step.handoff and t.match and re.search(t.match, title):
                return t
        fields = [TicketField(name=f, label=f) for f in settled]
        return TicketTemplate(kind=step.handoff or "ticket", title=title, fields=fields)

    def for_reply(self, reply: str) -> TicketTemplate | None:
        for t in self.tickets:
            if any(re.search(p, reply) for p in t.reply_markers):
                return t
        return None


@functools.cache
def load_tickets() -> TicketBook:
    raw = resources.files("rag.conversation").joinpath("tickets.yaml").read_text("utf-8")
    try:
        return TicketBook.model_validate(yaml.safe_load(raw))
    except ValidationError as exc:
        raise ConfigError(f"rag/conversation/tickets.yaml: {exc}") from None


class Handoff(BaseModel):
    kind: str
    title: str
    fields: dict[str, str]  # known fields by name, as the receiving team reads them
    codes: dict[str, str]  # name -> the case fact's own value, for fields taken from one
    missing: list[str]  # field names still unknown
    text: str  # ready to paste into the ticket: no personal data
    attachment: dict[str, str]  # the customer's personal data, for the attached sheet
    guard: Verdict


_DATE = re.compile(r"(?:(\d{4}|\d{2}) ?[년./-] ?)?(\d{1,2}) ?[월./-] ?(\d{1,2}) ?일?")


def date_range(text: str) -> str:
    """ "2025.12.01~2026.02.28", "2025년 7월 1일~7월 31일" → "2025년 12월 01일 ~ 2026년 02월
    28일"; text with no two full dates is kept as written."""
    found = _DATE.findall(text)
    if len(found) != 2 or not found[0][0]:
        return text
    out: list[str] = []
    year = found[0][0]
    for y, m, d in found:
        year = y or year
        full = year if len(year) == 4 else f"20{year}"
        out.append(f"{full}년 {int(m):02d}월 {int(d):02d}일")
    return " ~ ".join(out)


def _value(field: TicketField, facts: CaseFacts, slots: Mapping[str, str], today: date) -> str:
    source = field.source or field.name
    if source in CaseFacts.model_fields:
        raw = getattr(facts, source)
        if raw is None:
            return ""
        if source == "days_since_ride":
            return f"{(today - timedelta(days=int(raw))).isoformat()} ({raw}일 전)"
        return field.values.get(str(raw), str(raw))
    value = slots.get(source, "")
    return date_range(value) if value and field.format == "date_range" else value


def _code(field: TicketField, facts: CaseFacts) -> str | None:
    source = field.source or field.name
    raw = getattr(facts, source, None) if source in CaseFacts.model_fields else None
    return None if raw is None else str(raw)


def _scrub(value: str, personal: Mapping[str, str]) -> str:
    for item in personal.values():
        if item and item in value:
            value = value.replace(item, IN_ATTACHMENT)
    return value


def _render(template: TicketTemplate, fields: Mapping[str, str]) -> str:
    lines = [f"[{template.title}]"]
    for f in template.fields:
        lines.append(f"- {f.label}: {fields.get(f.name) or UNKNOWN}")
    if template.attachment_note:
        lines.append(f"※ {template.attachment_note}")
    return "\n".join(lines)


def fill_ticket(
    template: TicketTemplate,
    facts: CaseFacts,
    slots: Mapping[str, str],
    personal: Mapping[str, str],
    check: Callable[[str, CaseFacts], Verdict],
    today: date,
) -> Handoff:
    fields: dict[str, str] = {}
    for f in template.fields:
        value = _scrub(_value(f, facts, slots, today), personal)
        if value:
            fields[f.name] = value
    text = _render(template, fields)
    verdict = check(text, facts)
    if not verdict.allowed:
        # A field that breaks a rule is left for the agent to write, never sent as read.
        for name, value in list(fields.items()):
            if any(v.text and v.text in value for v in verdict.violations):
                fields[name] = TO_CHECK
        text = _render(template, fields)
        verdict = check(text, facts)
    attachment = {k: personal[k] for k in template.attachment if personal.get(k)}
    return Handoff(
        kind=template.kind,
        title=template.title,
        fields=fields,
        codes={
            f.name: code
            for f in template.fields
            if f.name in fields and (code := _code(f, facts)) is not None
        },
        missing=[f.name for f in template.fields if f.name not in fields],
        text=text,
        attachment=attachment,
        guard=verdict,
    )
