"""The LLM drafter: rewrites the approved reply through a LangChain chat model.

OpenAI-compatible endpoints (vLLM, llama.cpp server, LM Studio, OpenAI itself) and Ollama are
supported. Every failure of the endpoint (refused, timed out, HTTP error, malformed or empty
answer) becomes ``LLMError``, so the pipeline can fall back to the composed reply. Whether the
draft is acceptable is not decided here: the policy guard checks it.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from core.errors import ConfigError, LLMError
from core.settings import Settings
from policy_guard.verdict import Violation
from rag.drafting.base import DraftContext
from rag.drafting.prompts import PERSONAL_FIELDS, build_messages

log = logging.getLogger(__name__)

#: Upper bound on a reply's length in tokens: a CS reply is a few sentences.
MAX_REPLY_TOKENS = 1024

_FENCE = re.compile(r"^```[a-zA-Z]*\n?|\n?```$")
#: The masking tokens a streamed piece may end halfway through.
_MASK_TOKENS = tuple(token for token, _ in PERSONAL_FIELDS.values())
_LONGEST_MASK_TOKEN = max(len(token) for token in _MASK_TOKENS)


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model the settings name (no request is made here)."""
    if settings.llm_provider == "openai":
        from langchain_openai import ChatOpenAI

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "unused"
        return ChatOpenAI(
            model=settings.llm_model or "",
            base_url=settings.llm_base_url,
            api_key=key,
            timeout=settings.llm_timeout_s,
            max_retries=0,  # the pipeline falls back instead of waiting on retries
            temperature=0,
            max_tokens=MAX_REPLY_TOKENS,
        )
    if settings.llm_provider == "ollama":
        from langchain_ollama import ChatOllama

        kwargs: dict[str, Any] = {"timeout": settings.llm_timeout_s}
        return ChatOllama(
            model=settings.llm_model or "",
            base_url=settings.llm_base_url,
            temperature=0,
            num_predict=MAX_REPLY_TOKENS,
            client_kwargs=kwargs,
        )
    raise ConfigError("no LLM provider is configured (AGENT_ASSIST_LLM_PROVIDER)")


def _text_of(content: Any) -> str:
    """Message content as text (providers may return a list of typed parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            p if isinstance(p, str) else str(p.get("text", ""))
            for p in content
            if isinstance(p, str) or (isinstance(p, dict) and p.get("type") == "text")
        ]
        return "".join(parts)
    return ""


def clean_reply(text: str) -> str:
    """Strip what models wrap a reply in (code fences, surrounding quotes, blank edges)."""
    text = _FENCE.sub("", text.strip()).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text


class LLMDrafter:
    """A ``Drafter`` backed by a chat model; see ``rag.drafting.prompts`` for what is sent."""

    name = "llm"

    def __init__(self, settings: Settings, model: BaseChatModel | None = None) -> None:
        self._settings = settings
        self._model = model if model is not None else build_chat_model(settings)

    def draft(self, ctx: DraftContext, violations: Sequence[Violation] = ()) -> str:
        messages, masker, allowed = build_messages(ctx, violations)
        started = time.perf_counter()
        try:
            answer = self._model.invoke(messages)
        except Exception as exc:  # every client/transport error type maps to one outcome
            raise self._error("request failed", exc, started) from exc
        text = clean_reply(_text_of(answer.content))
        if not text:
            raise self._error("empty reply", None, started)
        log.info(
            "llm draft provider=%s revision=%s rules=%s ms=%.0f",
            self._settings.llm_provider,
            bool(violations),
            ",".join(sorted({v.rule for v in violations})),
            (time.perf_counter() - started) * 1000,
        )
        return masker.unmask(text, allowed)

    def stream(self, ctx: DraftContext, violations: Sequence[Violation] = ()) -> Iterator[str]:
        """The draft as it is generated. Tokens are filled in once complete, so a caller never
        sees half a token; the joined pieces equal what ``draft`` would return unstripped."""
        messages, masker, allowed = build_messages(ctx, violations)
        started = time.perf_counter()
        pending = ""
        produced = False
        try:
            for chunk in self._model.stream(messages):
                pending += _text_of(chunk.content)
                ready, pending = _split_safe(pending)
                if ready:
                    produced = produced or bool(ready.strip())
                    yield masker.unmask(ready, allowed)
        except Exception as exc:
            raise self._error("stream failed", exc, started) from exc
        if pending:
            produced = produced or bool(pending.strip())
            yield masker.unmask(pending, allowed)
        if not produced:
            raise self._error("empty reply", None, started)

    def _error(self, what: str, exc: BaseException | None, started: float) -> LLMError:
        elapsed = (time.perf_counter() - started) * 1000
        kind = type(exc).__name__ if exc is not None else "none"
        log.warning(
            "llm %s provider=%s error=%s ms=%.0f", what, self._settings.llm_provider, kind, elapsed
        )
        return LLMError(f"LLM {what} ({kind})")


def _split_safe(text: str) -> tuple[str, str]:
    """Split off a trailing prefix of a masking token that may still be completed."""
    for keep in range(min(_LONGEST_MASK_TOKEN - 1, len(text)), 0, -1):
        tail = text[-keep:]
        if any(token.startswith(tail) for token in _MASK_TOKENS):
            return text[:-keep], tail
    return text, ""
