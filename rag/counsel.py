"""An agent's question about their own work: which 상담유형 (counsel type) to set.

The answer is the playbook's own 상담유형 block (read at ingest, ``ingest.counsel``) for the Q
the question is about: the playbook chosen as for any question (the service and request of the
question or the console), and within it the Q of the situation the facts lead to. It is
guidance for the agent, never a message for the customer. When a fact decides the type
("요청사유에 따라") and is unknown, every option is given as the playbook states it, and the fact
is what to ask; when it is known, the option for it; when the question says it is unknown
("사유 파악 안 되면"), the option for that.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.chunk import Chunk
from ingest.counsel import CounselOption
from policy_guard.facts import CaseFacts
from rag.asks import prompts_for
from rag.catalog import Playbook
from rag.contract import Citation, Hit, Suggestion
from rag.fact_sources import Resolution
from rag.facts import QuestionFacts
from rag.final_guard import guard_final_reply
from rag.grounding import Evidence

log = logging.getLogger(__name__)

#: Sent when the question does not say which case it is about (no service, no request).
UNKNOWN_CASE_REPLY = (
    "어떤 문의의 상담유형인지 알 수 없습니다. 서비스와 고객의 요청(예: 펫 기사 연락처, "
    "대리 이용내역서)을 질문이나 상담 정보에 적어 다시 요청해 주세요."
)

#: Sent when no playbook covers the question's service: there is no 상담유형 to give.
UNCOVERED_REPLY = (
    "이 문의를 다루는 상담 가이드가 없어 상담유형을 안내할 수 없습니다. "
    "상담 가이드를 직접 확인해 주세요."
)

#: Sent when the playbook for the case states no 상담유형: nothing is invented.
NO_TYPE_REPLY = (
    "이 문의의 상담 가이드에는 상담유형이 적혀 있지 않습니다. 상담 가이드를 직접 확인해 주세요."
)


@dataclass(frozen=True)
class CounselAnswer:
    reply: str
    chunk: Chunk | None  # the Q's 상담유형 block the reply quotes; None: not answered
    score: float  # the block's retrieval score (0: chosen by the case, not found by search)
    wanted: tuple[str, ...]  # unknown facts that decide between the options given


def _parent(section: str) -> str:
    return " > ".join(section.split(" > ")[:-1])


def _covers(block: Chunk, situation: Chunk) -> bool:
    """The block sits under a heading the situation is also under (its Q), or at the top."""
    parent = _parent(block.section)
    return not parent or situation.section == parent or situation.section.startswith(parent + " > ")


def pick_block(book: Playbook, situation: Chunk | None, hits: Sequence[Hit]) -> Chunk | None:
    """The 상담유형 block for the situation's Q: the innermost one over it, the nearest above
    it in the document; with no situation, the one retrieval ranks first, else the first."""
    blocks = [c for c in book.chunks if c.counsel_type is not None]
    if not blocks:
        return None
    if situation is not None:
        over = [b for b in blocks if _covers(b, situation)]
        if over:
            return max(over, key=lambda b: (len(_parent(b.section)), b.index <= situation.index))
    ranked = [h.chunk for h in hits if h.chunk.counsel_type is not None]
    ids = {b.id for b in blocks}
    return next((c for c in ranked if c.id in ids), blocks[0])


def _identified(facts: CaseFacts, book: Playbook, evidence: Evidence) -> bool:
    """The question or the console says which case it is (not only "이 건 유형 뭐예요")."""
    return (
        evidence.request_covered
        or evidence.reason_covered
        or evidence.topic_covered
        or (facts.service is not None and facts.service in book.services)
    )


def answer_counsel(
    book: Playbook | None,
    situation: Chunk | None,
    hits: Sequence[Hit],
    facts: CaseFacts,
    read: QuestionFacts,
    evidence: Evidence,
) -> CounselAnswer:
    if evidence.service_uncovered:
        return CounselAnswer(UNCOVERED_REPLY, None, 0.0, ())
    if book is None or not _identified(facts, book, evidence):
        return CounselAnswer(UNKNOWN_CASE_REPLY, None, 0.0, ())
    block = pick_block(book, situation, hits)
    counsel = block.counsel_type if block is not None else None
    if block is None or counsel is None:
        return CounselAnswer(NO_TYPE_REPLY, None, 0.0, ())
    deciding = {*counsel.decided_by, *(f for o in counsel.options for f in o.unknown)}
    known = {f for f in deciding if getattr(facts, f, None) is not None}
    # "사유 파악 안 되면 유형은?" asks for that option, whatever the console holds.
    stated_unknown = {"reason"} if read.reason_withheld else set()
    options = counsel.options_for(known, stated_unknown)
    reply = f"{counsel.label}: {_text(options, counsel.options, counsel.text)}"
    wanted = tuple(sorted(deciding - known)) if len(options) > 1 else ()
    score = next((h.score for h in hits if h.chunk.id == block.id), 0.0)
    return CounselAnswer(reply, block, score, wanted)


def _text(chosen: list[CounselOption], every: list[CounselOption], whole: str) -> str:
    """The block verbatim when every option applies; else the options that do, as written."""
    if len(chosen) == len(every):
        return whole
    return "\n".join(o.text for o in chosen)


def counsel_suggestion(
    answer: CounselAnswer,
    facts: CaseFacts,
    resolution: Resolution,
    timings: dict[str, float],
    started: float,
) -> Suggestion:
    """The answer as a suggestion for the agent: guarded as every reply, cited to the block."""
    t = time.perf_counter()
    final = guard_final_reply(answer.reply, facts)
    grounded = answer.chunk is not None and not final.refused
    citations = []
    if answer.chunk is not None:
        chunk = answer.chunk
        citations.append(
            Citation(
                source=chunk.source,
                section=chunk.section,
                score=round(answer.score, 6),
                chunk_id=chunk.id,
                text=chunk.text,
            )
        )
    timings["counsel"] = round((time.perf_counter() - t) * 1000, 3)
    timings["total"] = round((time.perf_counter() - started) * 1000, 3)
    log.info("counsel grounded=%s chunk=%s", grounded, answer.chunk.id if answer.chunk else None)
    return Suggestion(
        reply=final.reply,
        grounded=grounded,
        audience="agent",
        citations=citations,
        facts=facts,
        ask=prompts_for(answer.wanted),
        guard=final.verdict,
        draft_violations=list(final.refused),
        conflicts=resolution.conflicts,
        refused=resolution.refused,
        provenance=resolution.provenance,
        timings_ms=timings,
    )
