"""Conversation-aware assist (spec section 5): the chat so far in; the next reply, the
procedure step it is for, the facts with their provenance and the hand-off ticket out.

One retrieval per request: the customer's turns are the query, the facts come from reading each
turn (``turns.read_chat``) with the console's case laid over them (``sources.lay_console``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Mapping
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

import policy_guard
from ingest.chunk import Chunk
from ingest.procedures import Procedure, read_procedures, step_labels
from policy_guard.facts import CaseFacts
from rag.asks import PROMPTS
from rag.contract import Citation, Suggestion
from rag.conversation.handoff import Handoff, fill_ticket, load_tickets
from rag.conversation.steps import (
    StepChoice,
    engaged,
    next_step,
    step_chunk,
)
from rag.conversation.turns import Turn, read_chat
from rag.conversation.vocabulary import AgentAct, load_chat_vocabulary
from rag.drafting.composed import compose_reply
from rag.facts import fold_width_case_spaces, local_today
from rag.final_guard import guard_final_reply
from rag.pipeline import SuggestionPipeline

log = logging.getLogger(__name__)

MAX_TURNS = 200
#: Agent questions that only a procedure's steps ask: once asked, the chat is inside it.
_STEP_ACTS: frozenset[AgentAct] = frozenset(
    {"identity_question", "collection_notice", "recipient_question"}
)


class AssistRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    conversation: list[Turn] = Field(
        min_length=1,
        max_length=MAX_TURNS,
        # Documented in the schema too, so clients and fuzzers know the rule.
        json_schema_extra={
            "contains": {
                "type": "object",
                "properties": {"role": {"const": "customer"}},
                "required": ["role"],
            }
        },
    )
    case: CaseFacts = Field(default_factory=CaseFacts)
    #: Facts the agent has checked: a conflict on them is settled by the console's value.
    confirmed: list[str] = Field(
        default_factory=list,
        json_schema_extra={"items": {"type": "string", "enum": list(CaseFacts.model_fields)}},
    )

    @field_validator("conversation")
    @classmethod
    def _has_customer(cls, value: list[Turn]) -> list[Turn]:
        if not any(t.role == "customer" for t in value):
            raise ValueError("the conversation needs at least one customer turn")
        return value

    @field_validator("confirmed")
    @classmethod
    def _known_facts(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CaseFacts.model_fields))
        if unknown:
            raise ValueError(f"not case facts: {', '.join(unknown)}")
        return value


class Assistance(Suggestion):
    """Everything ``/v1/suggest`` returns (facts, provenance per fact with its turn, conflicts,
    refused statements), plus the conversation's own answers."""

    step: str | None = None  # the procedure step the reply is for ("④ 발급 필요 정보 확인")
    steps_done: list[str] = Field(default_factory=list)
    details: dict[str, str] = Field(default_factory=dict)  # hand-off fields read from the chat
    handoff: Handoff | None = None


@dataclasses.dataclass(frozen=True)
class _Procedures:
    generation: str
    chunks: Mapping[str, Chunk]
    by_source: Mapping[str, list[Procedure]]
    labels: Mapping[str, str]  # chunk id -> the numbered step heading it answers under


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 3)


def _citation(chunk: Chunk, score: float) -> Citation:
    return Citation(
        source=chunk.source, section=chunk.section, score=score, chunk_id=chunk.id, text=chunk.text
    )


class ConversationAssistant:
    """Stateless: one instance serves concurrent requests."""

    def __init__(self, pipeline: SuggestionPipeline) -> None:
        self.pipeline = pipeline
        self._procedures: _Procedures | None = None
        self._lock = threading.Lock()

    def procedures(self) -> _Procedures:
        """The procedures of the store's live generation (read once per generation)."""
        snap = self.pipeline.retriever.snapshot()
        current = self._procedures
        if current is not None and current.generation == snap.generation:
            return current
        with self._lock:
            current = self._procedures
            if current is None or current.generation != snap.generation:
                by_source: dict[str, list[Procedure]] = {}
                for proc in read_procedures(snap.chunks.values()):
                    by_source.setdefault(proc.source, []).append(proc)
                labels = step_labels(snap.chunks.values())
                current = _Procedures(snap.generation, dict(snap.chunks), by_source, labels)
                self._procedures = current
            return current

    def _choose(
        self,
        procs: _Procedures,
        suggestion: Suggestion,
        facts: CaseFacts,
        slots: dict[str, str],
        agent_asked: bool,
    ) -> StepChoice | None:
        cited = suggestion.citations[0] if suggestion.citations else None
        if cited is not None:
            candidates = procs.by_source.get(cited.source, [])
        else:
            candidates = [
                p for ps in procs.by_source.values() for p in ps if facts.request in p.requests
            ]
        for proc in candidates:
            if engaged(proc, facts, slots, cited.chunk_id if cited else None, agent_asked):
                return next_step(proc, facts, slots)
        return None

    def assist(self, request: AssistRequest, today: date | None = None) -> Assistance:
        started = time.perf_counter()
        today = today or local_today()
        chat = read_chat(request.conversation, today)
        read_ms = _ms(started)
        suggestion = self.pipeline.suggest(
            chat.query,
            request.case,
            today,
            request.confirmed,
            read=chat.question,
            readings=chat.readings,
            asked=("reason",) if self._reason_asked(chat.acts) else (),
            notes=False,  # the chat's own turns say where the procedure stands
        )
        facts = suggestion.facts

        t = time.perf_counter()
        procs = self.procedures()
        asked = any(a & _STEP_ACTS for a in chat.acts)
        choice = self._choose(procs, suggestion, facts, chat.slots, asked)
        reply, citations = suggestion.reply, list(suggestion.citations)
        if choice is not None:
            chunk = step_chunk(choice, procs.chunks, facts)
            if chunk is not None:
                composed = compose_reply(
                    chunk, facts, policy_guard.check, policy_guard.disclosure_allowed
                ).reply
                if composed:
                    reply = composed
                    others = [c for c in citations if c.chunk_id != chunk.id]
                    citations = [_citation(chunk, 0.0), *others]
        elif not chat.question.persistent and self._reason_unasked(suggestion, chat.acts):
            # Past a refusal the question step is over (as in the pipeline).
            question = self._reason_question(procs, citations)
            if question is not None:
                reply, citations = question
        handoff = self._handoff(choice, reply, facts, chat.slots, chat.personal, today)
        final = guard_final_reply(reply, facts)
        if final.refused:  # never expected: composed scripts pass; keep the pipeline's
            reply, citations = suggestion.reply, list(suggestion.citations)
            final = guard_final_reply(reply, facts)
        reply, verdict = final.reply, final.verdict
        cited_id = citations[0].chunk_id if citations else None
        timings = {**suggestion.timings_ms, "turns": read_ms, "steps": _ms(t)}
        timings["total"] = _ms(started)
        log.info(
            "assist turns=%d step=%s handoff=%s missing=%d chunk=%s conflicts=%s refused=%s",
            len(request.conversation),
            choice.step.number if choice else None,
            handoff.kind if handoff else None,
            len(handoff.missing) if handoff else 0,
            citations[0].chunk_id if citations else None,
            sorted(c.fact for c in suggestion.conflicts),
            sorted(r.fact for r in suggestion.refused),
        )
        return Assistance(
            **suggestion.model_dump(
                exclude={"reply", "citations", "guard", "timings_ms", "provenance", "step"}
            ),
            reply=reply,
            citations=citations,
            guard=verdict,
            timings_ms=timings,
            step=choice.step.label if choice else procs.labels.get(cited_id or ""),
            steps_done=list(choice.done) if choice else [],
            provenance={**suggestion.provenance, **chat.slot_readings},
            details=chat.slots,
            handoff=handoff,
        )

    @staticmethod
    def _reason_asked(acts: list[frozenset[AgentAct]]) -> bool:
        return any("reason_question" in a for a in acts)

    @classmethod
    def _reason_unasked(cls, suggestion: Suggestion, acts: list[frozenset[AgentAct]]) -> bool:
        """The answer turns on the reason, and neither the agent nor the suggestion (setting
        ``ask_before_refusing``) has asked for it yet."""
        return PROMPTS["reason"] in suggestion.ask and not cls._reason_asked(acts)

    @staticmethod
    def _reason_question(
        procs: _Procedures, citations: list[Citation]
    ) -> tuple[str, list[Citation]] | None:
        """The playbook's own question about the reason ("…필요하신 사유를 말씀할 수 있으실
        까요?"): a script of the cited playbook that asks it and states no situation."""
        if not citations:
            return None
        vocab = load_chat_vocabulary()
        source = citations[0].source
        for chunk in sorted(procs.chunks.values(), key=lambda c: c.index):
            cond = chunk.conditions
            if chunk.source != source or chunk.kind != "script" or not chunk.script:
                continue
            if cond.ride_statuses or cond.days_min is not None or cond.days_max is not None:
                continue
            if "reason_question" in vocab.acts(fold_width_case_spaces(chunk.script)):
                return chunk.script, [_citation(chunk, 0.0), *citations]
        return None

    @staticmethod
    def _handoff(
        choice: StepChoice | None,
        reply: str,
        facts: CaseFacts,
        slots: dict[str, str],
        personal: dict[str, str],
        today: date,
    ) -> Handoff | None:
        book = load_tickets()
        if choice is not None and choice.step.handoff is not None:
            settled = [
                f
                for s in choice.procedure.steps
                for f in (*s.establishes, *s.establishes_when)
                if f not in CaseFacts.model_fields
            ]
            template = book.for_step(choice.step, settled)
        elif choice is None:
            found = book.for_reply(reply)
            if found is None:
                return None
            template = found
        else:
            return None
        return fill_ticket(template, facts, slots, personal, policy_guard.check, today)
