"""The HTTP service: ``create_app(settings=None) -> FastAPI``.

Heavy parts (model, index, store) load once, on a background thread started by the lifespan;
``/v1/guard`` needs none of them and answers from the first second. Every /v1 operation runs on
the bounded work runner (concurrency limit, deadline), behind the body gate (JSON, UTF-8, byte
cap, read deadline, JSON shape caps) and, when keys are configured, the API-key check.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.errors import install_exception_handlers
from api.feedback import FeedbackStore
from api.json_limits import JsonLimits
from api.limits import visible_pattern
from api.logging import configure_logging
from api.middleware import BodyGateMiddleware, RequestContextMiddleware
from api.routers import assist, console, docs, feedback, fields, guard, health, search, suggest
from api.routers.console import STATIC_DIR
from api.runner import WorkRunner
from api.runtime import ServiceRuntime
from core.settings import Settings, get_settings

API_VERSION = "1.0.0"

#: Bytes per character a JSON body may need: a \\uXXXX escape is six.
_JSON_BYTES_PER_CHAR = 6
_FEEDBACK_EXTRA_CHARS = 22_000  # reply (20,000) and comment (2,000) of a feedback body


def max_body_bytes(settings: Settings) -> int:
    chars = settings.max_question_chars + settings.max_draft_chars + _FEEDBACK_EXTRA_CHARS
    return chars * _JSON_BYTES_PER_CHAR + 64 * 1024


def _text_limits(settings: Settings) -> dict[tuple[str, str], int]:
    return {
        ("SuggestRequest", "question"): settings.max_question_chars,
        ("SearchRequest", "question"): settings.max_question_chars,
        ("FeedbackRequest", "question"): settings.max_question_chars,
        ("GuardRequest", "draft"): settings.max_draft_chars,
    }


def _install_openapi(app: FastAPI, settings: Settings) -> None:
    """The generated schema, plus the configured length caps and "not blank" on text fields,
    so clients (and fuzzers) see the same limits the handlers enforce."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = schema.get("components", {}).get("schemas", {})
        for (model, field), limit in _text_limits(settings).items():
            prop = components.get(model, {}).get("properties", {}).get(field)
            if prop is not None:
                prop["maxLength"] = limit
                prop["pattern"] = visible_pattern()
        docs.describe(schema, settings.max_question_chars)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()
    runtime = ServiceRuntime(settings)
    runner = WorkRunner(settings.max_concurrent_requests, settings.request_timeout_s)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runtime.start()
        try:
            yield
        finally:
            runtime.stop()
            runner.shutdown()

    app = FastAPI(
        title="agent-assist",
        version=API_VERSION,
        description=(
            "Policy-guarded reply suggestions for Korean customer-service agents. When "
            "`AGENT_ASSIST_API_KEYS` is set, every `/v1` call needs `Authorization: Bearer <key>`. "
            'Errors have the shape `{"error": {"code", "message", "fields"?}}`.'
        ),
        lifespan=lifespan,
        # /docs and /redoc are served by api.routers.docs from local files, not a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.api_keys = settings.api_key_list()
    app.state.runtime = runtime
    app.state.runner = runner
    app.state.feedback = FeedbackStore(settings.data_dir / "feedback.sqlite3")

    install_exception_handlers(app)
    for module in (suggest, assist, guard, search, feedback, fields, health, console, docs):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(docs.ASSETS_URL, docs.assets(), name="docs-assets")
    # Added last = outermost: the request id exists before the body gate can answer.
    limits = JsonLimits(
        max_keys=settings.max_json_keys,
        max_items=settings.max_json_items,
        max_depth=settings.max_json_depth,
    )
    app.add_middleware(
        BodyGateMiddleware,
        max_body_bytes=max_body_bytes(settings),
        body_timeout_s=settings.body_timeout_s,
        limits=limits,
    )
    app.add_middleware(RequestContextMiddleware)
    _install_openapi(app, settings)
    return app
