"""A chunk holds one answerable situation of one playbook, with where it came from and the
conditions its headings state, so that the right situation can be chosen by the case facts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ingest.counsel import CounselType

ChunkKind = Literal[
    "title",  # document title / 목차
    "policy",  # rule text with no customer-facing script (정책 및 참고사항, 주의사항)
    "script",  # a situation with a customer-facing script
    "note",  # agent-only instructions (상담유형, 응대순서, 아지트 …)
]


Polarity = Literal["positive", "negative", "mention"]


class OpenCondition(BaseModel):
    """A heading segment no vocabulary entry reads ("영수증 없음", "(현장 대기 중)"): its content
    words (lemmas) and the polarity it states, matched against the question at selection time
    (``ingest.open_conditions``, ``rag.open_conditions``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = Field(min_length=1)
    polarity: Polarity
    text: str = ""  # the segment as written, for kb check and the agent's prompt
    #: One of several triggers listed in the heading ("법원 / 재차 요청 / 1년 경과건"): a
    #: question that denies it does not rule the situation out.
    alternative: bool = False


class ChunkConditions(BaseModel):
    """Conditions stated by the chunk's heading path. Empty / None means "not stated"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requests: list[str] = Field(default_factory=list)  # CaseFacts.request values
    ride_statuses: list[str] = Field(default_factory=list)  # CaseFacts.ride_status values
    days_min: int | None = None  # inclusive ("3일 이후" -> 4)
    days_max: int | None = None  # inclusive ("3일 이내" -> 3)
    #: An hour window ("하차 후 24시간 이내" -> max 24, "24시간 경과" -> min 25), inclusive.
    hours_min: int | None = None
    hours_max: int | None = None
    history_available: bool | None = None  # False: "이용기록 확인 불가/삭제/분실"
    reasons: list[str] = Field(default_factory=list)  # CaseFacts.reason values it is for
    reasons_excluded: list[str] = Field(default_factory=list)  # "…관련되지 않은 기타 상황"
    identity_required: bool | None = None  # "본인확인"
    #: A step of a sequence that follows a "본인확인" step: True (identity already verified);
    #: the "본인확인" step itself: False. Mirrors ``CaseFacts.identity_verified``.
    identity_verified: bool | None = None
    withdrawn: bool | None = None  # "[탈퇴고객]"
    alt_recipient: bool | None = None  # "다른 이메일 / 닉네임이 아닌 성함"
    channel: str | None = None  # "chat" / "phone" row of a table
    #: False: the text asks for collection consent (a consent table row); True: the text comes
    #: after that request (the "확인 감사합니다 … 발송해 드릴 예정" closing).
    collection_consent: bool | None = None
    fallback: bool = False  # "기타 상황", "기간 경과 - 기본안내": the default refusal
    persistent: bool = False  # "[지속 요구 시]": the customer keeps insisting
    #: Vocabulary topics the heading names ("[분실물 전달 - 택배]" → delivery): what tells apart
    #: situations that differ only by what the customer says they want.
    topics: list[str] = Field(default_factory=list)
    #: Open conditions of the heading path (segments no vocabulary entry reads).
    open: list[OpenCondition] = Field(default_factory=list)


class Chunk(BaseModel):
    """One chunk, as stored in Chroma (metadata flattened by ``to_metadata``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str  # the playbook file name: the document id
    section: str  # heading path, " > " separated
    index: int  # position of the chunk in its document
    start: int  # character offsets into the document text
    end: int
    kind: ChunkKind
    text: str  # the chunk's text (headings included), what is embedded and indexed
    #: The customer-facing script of this situation, ready to send once placeholders are filled:
    #: agent-only notes, bold instructions, links and ※ remarks removed. Empty when the chunk has
    #: no script (title, policy, note).
    script: str = ""
    conditions: ChunkConditions = Field(default_factory=ChunkConditions)
    #: The Q's 상담유형 when this chunk is the block that states it (a note for the agent).
    counsel_type: CounselType | None = None

    @property
    def id(self) -> str:
        return chunk_id(self.source, self.index)

    def to_metadata(self) -> dict[str, Any]:
        """Chroma metadata holds scalars only: conditions go in as JSON."""
        return {
            "source": self.source,
            "section": self.section,
            "chunk_index": self.index,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "script": self.script,
            "conditions": self.conditions.model_dump_json(),
            # Chroma keeps no null: "" is "no counsel type".
            "counsel_type": self.counsel_type.model_dump_json() if self.counsel_type else "",
        }

    @classmethod
    def from_metadata(cls, text: str, meta: dict[str, Any]) -> Chunk:
        return cls(
            source=str(meta["source"]),
            section=str(meta["section"]),
            index=int(meta["chunk_index"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            kind=meta["kind"],
            text=text,
            script=str(meta.get("script", "")),
            conditions=ChunkConditions.model_validate(json.loads(str(meta["conditions"]))),
            counsel_type=_counsel_type(meta.get("counsel_type")),
        )


def _counsel_type(raw: object) -> CounselType | None:
    """A stored counsel type; a generation written before it was kept has none."""
    if not isinstance(raw, str) or not raw:
        return None
    return CounselType.model_validate_json(raw)


def chunk_id(source: str, index: int) -> str:
    return f"{source}#{index:04d}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
