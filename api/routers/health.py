"""GET /healthz (index and model loaded) and GET /readyz (the store answers its heartbeat).

Neither needs an API key: load balancers and orchestrators call them, and they reveal only
states and an error type.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import RunnerDep, RuntimeDep, SettingsDep
from api.schemas import Health, Readiness

router = APIRouter(tags=["health"])

_NOT_OK: dict[int | str, dict[str, Any]] = {
    503: {"model": Health, "description": "Still loading, or the load failed"}
}
_NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"model": Readiness, "description": "The store does not answer"}
}


@router.get("/healthz", summary="Index and model loaded", responses=_NOT_OK)
async def healthz(runtime: RuntimeDep, response: Response) -> Health:
    if not runtime.ready:
        response.status_code = 503
    return Health(
        status="ok" if runtime.ready else runtime.state,
        index_loaded=runtime.ready,
        error=runtime.error,
        load_ms=runtime.load_ms,
    )


@router.get("/readyz", summary="Ready to serve: the store answers", responses=_NOT_READY)
async def readyz(
    runtime: RuntimeDep, runner: RunnerDep, settings: SettingsDep, response: Response
) -> Readiness:
    if not runtime.ready:
        response.status_code = 503
        return Readiness(status="unavailable", store="not_loaded")
    try:
        await runner.run_within(settings.chroma_timeout_s, runtime.store.heartbeat)
    except Exception:  # down, slow, refused or overloaded: all mean "not ready now"
        response.status_code = 503
        return Readiness(status="unavailable", store="down")
    return Readiness(status="ready", store="up")
