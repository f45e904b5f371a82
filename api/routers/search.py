"""POST /v1/search: the retriever's ranked chunks, for inspecting what a suggestion stood on."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Body

from api.deps import RunnerDep, RuntimeDep, SettingsDep, v1_router
from api.examples import SEARCH_EXAMPLES
from api.limits import check_text
from api.schemas import SearchHit, SearchRequest, SearchResponse

log = logging.getLogger("agent_assist.search")
router = v1_router("search")


@router.post(
    "/search",
    summary="Search the playbooks",
    description="Hybrid (BM25 + dense) retrieval over the indexed playbook chunks, best first.",
)
async def search(
    body: Annotated[SearchRequest, Body(openapi_examples=SEARCH_EXAMPLES)],
    settings: SettingsDep,
    runtime: RuntimeDep,
    runner: RunnerDep,
) -> SearchResponse:
    check_text("question", body.question, settings.max_question_chars)
    retriever = runtime.retriever
    hits = await runner.run(retriever.search, body.question, body.k or settings.retrieve_k)
    log.info("search chunks=%s", [h.chunk.id for h in hits])
    return SearchResponse(
        hits=[
            SearchHit(
                chunk_id=h.chunk.id,
                source=h.chunk.source,
                section=h.chunk.section,
                kind=h.chunk.kind,
                score=h.score,
                bm25_rank=h.bm25_rank,
                dense_rank=h.dense_rank,
                text=h.chunk.text,
            )
            for h in hits
        ]
    )
