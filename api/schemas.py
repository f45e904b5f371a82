"""Request and response bodies that exist only on HTTP (the suggestion and guard contracts live
in ``rag/contract.py`` and ``policy_guard``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from policy_guard.facts import CaseFacts


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(min_length=1, examples=["대리 이용내역서 다른 이메일로 받을 수 있나요"])
    k: int | None = Field(default=None, ge=1, le=50, description="default: settings.retrieve_k")


class SearchHit(BaseModel):
    chunk_id: str
    source: str
    section: str
    kind: str
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    text: str


class SearchResponse(BaseModel):
    hits: list[SearchHit]


class FeedbackRequest(BaseModel):
    """A thumbs up/down on one suggestion, kept for later evaluation."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rating: Literal["up", "down"]
    question: str = Field(min_length=1)
    reply: str = Field(default="", max_length=20_000)
    case: CaseFacts = Field(default_factory=CaseFacts)
    chunk_ids: list[Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=list, max_length=50
    )
    request_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._:-]{1,64}$")
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackStored(BaseModel):
    id: int
    stored: bool = True


class Health(BaseModel):
    status: Literal["ok", "loading", "failed"]
    index_loaded: bool
    error: str | None = None
    load_ms: float | None = None


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    store: Literal["up", "down", "not_loaded"]
