"""The suggestion contract (spec section 3), shared by the Python API, the CLI and HTTP."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Verdict, Violation
from rag.fact_sources import Conflict, RefusedFact
from rag.readings import FactReading


class Hit(BaseModel):
    """One retrieved chunk with its fused score and the ranks each retriever gave it."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    score: float
    bm25_rank: int | None = None  # 1-based; None when that retriever did not return it
    dense_rank: int | None = None
    dense_score: float | None = None  # cosine similarity
    bm25_score: float | None = None


class Citation(BaseModel):
    source: str
    section: str
    score: float
    chunk_id: str | None = None
    text: str | None = None  # the chunk text, for the console's expandable citation


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(min_length=1, examples=["펫 5일 전 운행완료 건인데 기사 번호 달래요"])
    case: CaseFacts = Field(default_factory=CaseFacts)
    confirmed: list[str] = Field(
        default_factory=list,
        max_length=len(CaseFacts.model_fields),
        json_schema_extra={"items": {"type": "string", "enum": list(CaseFacts.model_fields)}},
        description=(
            "Console fields the agent confirmed over what the question says: for these, a "
            "disagreeing statement in the text is no conflict and the console value is used."
        ),
    )

    @field_validator("confirmed")
    @classmethod
    def _known_facts(cls, names: list[str]) -> list[str]:
        unknown = [n for n in names if n not in CaseFacts.model_fields]
        if unknown:
            raise ValueError(f"not case fields: {unknown[:5]}")
        return names


class Suggestion(BaseModel):
    reply: str
    grounded: bool
    audience: Literal["customer", "agent"] = Field(
        default="customer",
        description=(
            "Who `reply` is for: `customer`, a message to send; `agent`, guidance for the agent "
            "(the playbook's 상담유형 to set on the ticket, or a hand-off step's note: which form, "
            "where the customer's data goes), never to be sent to the customer."
        ),
    )
    citations: list[Citation]
    facts: CaseFacts  # the resolved facts: console fields over what the question says
    ask: list[str]
    #: When ``reply`` asks the customer for a fact first (the playbook's own question), the
    #: script to send if the customer will not say: the restrictive answer for the unknown.
    alternative: str | None = None
    #: The procedure step (응대순서) the reply is for, when the question says where it stands.
    step: str | None = None
    guard: Verdict
    draft_violations: list[Violation]
    drafter: str = "composed"  # "composed" or "llm"
    llm_skipped: bool = False  # an LLM is configured but failed: the composed reply was used
    conflicts: list[Conflict] = Field(
        default_factory=list,
        description=(
            "Facts where the text and a console field disagree. Until the agent resolves one "
            "(changes the field, or lists it in `confirmed`), the rules use `applied`: the more "
            "restrictive of the two values."
        ),
    )
    refused: list[RefusedFact] = Field(
        default_factory=list,
        description="Facts the text stated but may not establish (e.g. the driver's consent).",
    )
    provenance: dict[str, FactReading] = Field(
        default_factory=dict, description="Where each resolved fact came from."
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)


class GuardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    draft: str = Field(min_length=1)
    case: CaseFacts = Field(default_factory=CaseFacts)
