"""Facts read from a chat, turn by turn (spec section 4).

Every customer turn is read on its own with the question reader; each statement becomes a
``FactReading`` with its turn index, in the order stated, and ``rag.fact_sources.resolve``
settles them over the console's case: the latest allowed statement wins, so a correction
("아 잘못 말했네요, 5일 전이에요") replaces what came before, and the origins each fact accepts
are data (``rag/vocabulary/fact_fields.yaml``). Agent turns are read for what the agent did:
asked the 본인확인 question, gave the collection notice, asked where to send the statement,
asked the reason, refused. The customer's "yes" or "no" right after such a question is a
``confirmation`` reading, the only kind of text that may establish identity or a consent; a
demand repeated after the agent's refusal makes the chat ``persistent``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from policy_guard.facts import CaseFacts
from rag.conversation.vocabulary import AgentAct, ChatVocabulary, load_chat_vocabulary
from rag.facts import QuestionFacts, fold_width_case_spaces, read_question
from rag.readings import FactReading, Method

EMAIL = "이메일 주소"  # the personal item that says where a statement goes
_LIST_SPLIT = re.compile(r"[,/\n.·:]|\s+")
#: A bare name in a list answer: 2-4 syllables, not ending like a sentence ("동의해요").
_NAME_ONLY = re.compile(r"^[가-힣]{1,3}[가-힣](?<![요다죠네까])$")


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    role: Literal["customer", "agent"]
    text: str = Field(min_length=1, pattern=r"\S")


@dataclass
class ChatReading:
    """What the chat says, before the console's case is laid over it."""

    readings: list[FactReading]  # every statement of a case fact, in the order stated
    slots: dict[str, str]  # hand-off fields (purpose, app, …)
    slot_readings: dict[str, FactReading]
    personal: dict[str, str]  # the customer's personal data: attachment only, never logged
    persistent: bool
    question: QuestionFacts  # the steering signals for the suggestion pipeline
    query: str  # the retrieval query: the customer's turns
    acts: list[frozenset[AgentAct]] = field(default_factory=list)  # per turn (agent turns)


def _span(original: str, norm: str, span: tuple[int, int]) -> tuple[int, int]:
    """A span of the normalised text mapped back onto the turn as sent (whole turn if lost)."""
    piece = norm[span[0] : span[1]]
    found = original.lower().find(piece) if piece else -1
    return (found, found + len(piece)) if found >= 0 else (0, len(original))


class _Reader:
    def __init__(self, turns: list[Turn], vocab: ChatVocabulary, today: date | None) -> None:
        self.turns = turns
        self.vocab = vocab
        self.today = today
        self.readings: list[FactReading] = []
        self.slots: dict[str, FactReading] = {}
        self.personal: dict[str, str] = {}
        self.persistent = False
        self.signals: list[QuestionFacts] = []
        self.acts: list[frozenset[AgentAct]] = []

    def put(self, reading: FactReading) -> None:
        self.readings.append(reading)

    def run(self) -> None:
        refusal_given = notice_given = False
        for i, turn in enumerate(self.turns):
            norm = fold_width_case_spaces(turn.text)
            if turn.role == "agent":
                acts = self.vocab.acts(norm)
                self.acts.append(acts)
                refusal_given = refusal_given or "refusal" in acts
                continue
            self.acts.append(frozenset())
            before = self.acts[i - 1] if i > 0 and self.turns[i - 1].role == "agent" else None
            read = read_question(turn.text, self.today)
            self.signals.append(read)
            shadowed = self._slots(i, turn.text, norm)
            stated = set(read.facts.model_dump(exclude_none=True))
            # A fact the customer's answer settles is read from the answer alone, unless the
            # turn states it outright ("아니요, 다른 메일로 받을게요").
            confirmed = [
                r
                for r in (self._answer(i, turn.text, norm, before) if before is not None else [])
                if r.method == "confirmation" or r.fact not in stated
            ]
            notice_given = notice_given or (before is not None and "collection_notice" in before)
            if self._personal(turn.text, norm, before, notice_given):
                shadowed.add("days_since_ride")  # a birth date is no ride date
            if read.facts.reason is None and self.vocab.gives_reason(norm):
                read = dataclasses.replace(
                    read, facts=read.facts.model_copy(update={"reason": "other"})
                )
            self._facts(i, turn.text, read, shadowed | {r.fact for r in confirmed})
            self.readings.extend(confirmed)
            if read.persistent or (
                refusal_given and (read.facts.request is not None or self.vocab.demands_again(norm))
            ):
                self.persistent = True

    def _facts(self, i: int, text: str, read: QuestionFacts, skip: set[str]) -> None:
        whole = (0, len(text))
        for fact, value in read.facts.model_dump(exclude_none=True).items():
            if fact not in skip:
                self.put(
                    FactReading(
                        fact=fact, value=value, origin="customer", method="rule", span=whole, turn=i
                    )
                )

    def _answer(
        self, i: int, text: str, norm: str, before: frozenset[AgentAct]
    ) -> list[FactReading]:
        """The readings the customer's yes or no settles, given what the agent just asked."""
        answer = self.vocab.answer(norm)
        if answer is None:
            return []
        kind, span = answer
        yes = kind == "yes"
        where = _span(text, norm, span)
        settled: list[tuple[str, bool, Method]] = []
        if "identity_question" in before:
            settled.append(("identity_verified", yes, "confirmation"))
        if "collection_notice" in before:
            settled.append(("collection_consent", yes, "confirmation"))
        if "recipient_question" in before:
            # "네" to "계정의 이메일 주소로 발송해 드리면 될까요?": no other address.
            settled.append(("alt_recipient", not yes, "rule"))
        return [
            FactReading(fact=f, value=v, origin="customer", method=m, span=where, turn=i)
            for f, v, m in settled
        ]

    def _slots(self, i: int, text: str, norm: str) -> set[str]:
        """Reads the turn's hand-off fields; returns the case facts they shadow."""
        seen: set[str] = set()
        shadowed: set[str] = set()
        for phrase in self.vocab.slots:
            if phrase.slot in seen:
                continue
            got = phrase.read(norm)
            if got is None:
                continue
            seen.add(phrase.slot)
            shadowed.update(phrase.shadows)
            value, span = got
            self.slots[phrase.slot] = FactReading(
                fact=phrase.slot,
                value=value,
                origin="customer",
                method="rule",
                span=_span(text, norm, span),
                turn=i,
            )
        return shadowed

    def _personal(
        self, text: str, norm: str, before: frozenset[AgentAct] | None, notice_given: bool
    ) -> bool:
        """Reads the customer's personal data; true when the turn gave a date of it."""
        dated = False
        for item in self.vocab.personal:
            if item.after_notice and not notice_given:
                continue
            m = re.search(item.pattern, text, re.IGNORECASE) or re.search(item.pattern, norm)
            if m is not None:
                self.personal[item.item] = m.group("value").strip()
                dated = dated or (item.after_notice and bool(re.search(r"\d", m.group("value"))))
        if before is not None and "collection_notice" in before and "성함" not in self.personal:
            # The notice asks for "[성함, 생년월일, …]": the answer is often a bare list.
            for piece in _LIST_SPLIT.split(text):
                if _NAME_ONLY.match(piece.strip()) and self.vocab.answer(piece) is None:
                    self.personal["성함"] = piece.strip()
                    break
        return dated


def _recipient(readings: list[FactReading]) -> FactReading | None:
    """Where the statement goes, as the chat settled it: the account's e-mail or another."""
    alt = next((r for r in reversed(readings) if r.fact == "alt_recipient"), None)
    if alt is None:
        return None
    value = "다른 이메일" if alt.value else "계정 이메일"
    return alt.model_copy(update={"fact": "recipient", "value": value})


def read_chat(turns: list[Turn], today: date | None = None) -> ChatReading:
    """Every fact, hand-off field and signal the chat states, with the reading behind each."""
    reader = _Reader(turns, load_chat_vocabulary(), today)
    reader.run()
    slots = dict(reader.slots)
    recipient = _recipient(reader.readings)
    if recipient is None and reader.personal.get(EMAIL):
        # The address came with the collection consent (a withdrawn customer's, for one).
        recipient = FactReading(
            fact="recipient", value="고객 제공 이메일 (첨부)", origin="customer", method="rule"
        )
    if recipient is not None:
        slots["recipient"] = recipient
    signals = reader.signals
    question = QuestionFacts(
        facts=CaseFacts(),  # the facts are settled by ``resolve`` over the readings
        persistent=reader.persistent,
        injection=any(s.injection for s in signals),
        reason_withheld=bool(signals) and signals[-1].reason_withheld,
        request_family=frozenset(x for s in signals for x in s.request_family),
        self_service=any(s.self_service for s in signals),
    )
    customer = [t.text for t in turns if t.role == "customer"]
    return ChatReading(
        readings=reader.readings,
        slots={k: str(v.value) for k, v in slots.items()},
        slot_readings=slots,
        personal=reader.personal,
        persistent=reader.persistent,
        question=question,
        query="\n".join(customer),
        acts=reader.acts,
    )
