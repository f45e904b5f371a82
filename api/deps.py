"""Typed dependencies: the app's settings, runtime, work runner, feedback store and API keys."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ERROR_RESPONSES
from api.feedback import FeedbackStore
from api.runner import WorkRunner
from api.runtime import ServiceRuntime
from core.errors import AgentAssistError
from core.settings import Settings


class UnauthorizedError(AgentAssistError):
    status_code = 401
    code = "unauthorized"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def get_runner(request: Request) -> WorkRunner:
    runner: WorkRunner = request.app.state.runner
    return runner


def get_feedback_store(request: Request) -> FeedbackStore:
    store: FeedbackStore = request.app.state.feedback
    return store


_bearer = HTTPBearer(auto_error=False, description="An API key from AGENT_ASSIST_API_KEYS")


def key_matches(given: str, keys: list[str]) -> bool:
    """Compare against every key in constant time (no early exit on the first match)."""
    given_b = given.encode("utf-8", errors="replace")
    found = False
    for key in keys:
        found |= hmac.compare_digest(given_b, key.encode("utf-8"))
    return found


def require_api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    keys: list[str] = request.app.state.api_keys
    if not keys:
        return  # no keys configured: the server is bound to loopback only (check_bind_safe)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthorizedError("missing API key: send Authorization: Bearer <key>")
    if not key_matches(credentials.credentials, keys):
        raise UnauthorizedError("invalid API key")


def v1_router(tag: str) -> APIRouter:
    """A router for ``/v1/*``: every route there needs an API key and answers errors alike."""
    return APIRouter(
        prefix="/v1",
        tags=[tag],
        dependencies=[Depends(require_api_key)],
        responses=ERROR_RESPONSES,
    )


SettingsDep = Annotated[Settings, Depends(get_settings)]
RuntimeDep = Annotated[ServiceRuntime, Depends(get_runtime)]
RunnerDep = Annotated[WorkRunner, Depends(get_runner)]
FeedbackDep = Annotated[FeedbackStore, Depends(get_feedback_store)]
