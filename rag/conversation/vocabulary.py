"""The chat vocabulary (``vocabulary.yaml``): agent acts, customer answers, demands, hand-off
fields and personal data, validated once per process."""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.errors import ConfigError

AgentAct = Literal[
    "identity_question", "collection_notice", "recipient_question", "reason_question", "refusal"
]
Answer = Literal["yes", "no"]


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"pattern {pattern!r} is not valid: {exc}") from None


class SlotPhrase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slot: str = Field(min_length=1)
    pattern: str
    value: str | None = None  # fixed value; None: the pattern's "value" group
    shadows: list[str] = Field(default_factory=list)  # case facts not read from that turn

    @field_validator("pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        _compile(value)
        return value

    def read(self, text: str) -> tuple[str, tuple[int, int]] | None:
        m = re.search(self.pattern, text)
        if m is None:
            return None
        if self.value is not None:
            return self.value, m.span()
        if "value" not in m.re.groupindex:
            raise ConfigError(f"vocabulary.yaml: slot {self.slot}: no value and no value group")
        return re.sub(r"\s+", " ", m.group("value")).strip(), m.span("value")


class PersonalItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(min_length=1)
    pattern: str
    #: Read only once the collection notice was given (a bare date or name is ambiguous).
    after_notice: bool = False

    @field_validator("pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        if "value" not in _compile(value).groupindex:
            raise ValueError("a personal item's pattern needs a (?P<value>…) group")
        return value


class ChatVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    agent_acts: dict[AgentAct, list[str]]
    customer_answers: dict[Answer, list[str]]
    demands: list[str]
    reason_given: list[str] = Field(default_factory=list)
    slots: list[SlotPhrase]
    personal: list[PersonalItem]

    @field_validator("agent_acts", "customer_answers")
    @classmethod
    def _patterns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for patterns in value.values():
            for p in patterns:
                _compile(p)
        return value

    def acts(self, text: str) -> frozenset[AgentAct]:
        return frozenset(
            act for act, ps in self.agent_acts.items() if any(re.search(p, text) for p in ps)
        )

    def answer(self, text: str) -> tuple[Answer, tuple[int, int]] | None:
        """The customer's yes or no; a no wins over a yes in the same turn."""
        for kind in ("no", "yes"):
            for p in self.customer_answers.get(kind, []):
                m = re.search(p, text)
                if m is not None:
                    return kind, m.span()
        return None

    def gives_reason(self, text: str) -> bool:
        return any(re.search(p, text) for p in self.reason_given)

    def demands_again(self, text: str) -> bool:
        return any(re.search(p, text) for p in self.demands)


@functools.cache
def load_chat_vocabulary() -> ChatVocabulary:
    raw = resources.files("rag.conversation").joinpath("vocabulary.yaml").read_text("utf-8")
    try:
        return ChatVocabulary.model_validate(yaml.safe_load(raw))
    except ValidationError as exc:
        raise ConfigError(f"rag/conversation/vocabulary.yaml: {exc}") from None
