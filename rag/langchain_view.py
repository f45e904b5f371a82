"""LangChain view of a ``rag.retriever.HybridRetriever``: one Document per hit, best first."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from rag.contract import Hit


class LangChainRetriever(BaseRetriever):
    """LangChain view of a ``HybridRetriever``: one Document per hit, best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # HybridRetriever (Any: pydantic cannot validate the plain class)
    k: int | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits: list[Hit] = self.retriever.search(query, self.k)
        return [hit_document(hit) for hit in hits]


def hit_document(hit: Hit) -> Document:
    chunk = hit.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.id,
        metadata={
            "source": chunk.source,
            "section": chunk.section,
            "chunk_id": chunk.id,
            "kind": chunk.kind,
            "score": hit.score,
            "bm25_rank": hit.bm25_rank,
            "dense_rank": hit.dense_rank,
            "dense_score": hit.dense_score,
        },
    )
