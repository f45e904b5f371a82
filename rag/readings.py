"""Where a fact came from: the reading behind each resolved value (provenance)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

#: Who stated the fact: the console's case fields, the question box (the agent's text, or a
#: customer message pasted into it), a customer turn or an agent turn of a chat.
Origin = Literal["console", "question", "customer", "agent", "default"]
#: How it was read: a console field, a phrase rule, a learned model, or a confirmation step
#: (the customer's "네" to the agent's own question).
Method = Literal["field", "rule", "model", "confirmation", "default"]


class FactReading(BaseModel):
    """One reading of one fact: its value, and the text span it was read from."""

    model_config = ConfigDict(frozen=True)

    fact: str
    value: Any
    origin: Origin
    method: Method
    span: tuple[int, int] | None = None  # offsets into the text read (None for fields)
    turn: int | None = None  # index of the chat turn, when read from a chat
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    #: With method "model": the vocabulary's example phrasings nearest to the text, which
    #: carried the vote (rag/fact_model.py); empty otherwise.
    neighbours: tuple[str, ...] = ()
