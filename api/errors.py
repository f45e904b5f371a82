"""The one place where errors become HTTP answers.

Every error body has the same shape, ``{"error": {"code", "message", "fields"?}}``, and never
echoes the caller's input back: a value may be personal data, and a lone surrogate in it would
not even encode as UTF-8 (the framework's default handler answers 500 on such input).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.json_limits import name_part
from core.errors import AgentAssistError, UserError

log = logging.getLogger("agent_assist.api")


class ErrorDetail(BaseModel):
    code: str = Field(examples=["invalid_request"])
    message: str = Field(examples=["unknown field: case.drivr_phone"])
    fields: list[str] | None = Field(default=None, examples=[["case.drivr_phone"]])


class ErrorBody(BaseModel):
    error: ErrorDetail


class FieldError(UserError):
    """A request that parsed but breaks a limit or rule on named fields."""

    def __init__(
        self, message: str, fields: Sequence[str], status_code: int = 422, code: str = ""
    ) -> None:
        super().__init__(message)
        self.fields = list(fields)
        self.status_code = status_code
        if code:
            self.code = code


#: OpenAPI ``responses=`` entries for the error statuses a /v1 route can answer.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Body is not UTF-8 JSON"},
    401: {"model": ErrorBody, "description": "Missing or wrong API key"},
    408: {"model": ErrorBody, "description": "The body did not arrive in time"},
    413: {"model": ErrorBody, "description": "Body or text field too large"},
    415: {"model": ErrorBody, "description": "Body is not application/json"},
    422: {"model": ErrorBody, "description": "Invalid request (fields named)"},
    429: {"model": ErrorBody, "description": "Too many requests in flight"},
    503: {"model": ErrorBody, "description": "Index, store or model unavailable or too slow"},
}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    detail = ErrorDetail(code=code, message=message, fields=list(fields) if fields else None)
    body = ErrorBody(error=detail).model_dump(exclude_none=True)
    return JSONResponse(status_code=status, content=body, headers=dict(headers or {}))


#: How many problems an error message (and its ``fields``) names; the rest are counted.
MAX_NAMED = 20


def _field_path(loc: Sequence[int | str]) -> str:
    parts = [name_part(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _note(err: Mapping[str, Any], path: str) -> tuple[str, str]:
    kind = str(err.get("type", ""))
    if kind == "extra_forbidden":
        return f"unknown field: {path}", path
    if kind == "missing":
        return f"missing field: {path}", path
    if kind == "json_invalid":
        return "body is not valid JSON", "body"
    if kind == "string_unicode":
        return f"{path}: not valid Unicode text", path
    return f"{path}: {err.get('msg', 'invalid value')}", path


def _validation_message(errors: Sequence[Any]) -> tuple[str, list[str]]:
    """A short human message naming the first ``MAX_NAMED`` bad fields, without the values,
    and how many more there are. Linear in the number of errors; the answer stays small."""
    fields: dict[str, None] = {}  # ordered, O(1) membership
    notes: list[str] = []
    for err in errors:
        if len(notes) == MAX_NAMED:
            break
        note, path = _note(err, _field_path(err.get("loc", ())))
        fields.setdefault(path, None)
        notes.append(note)
    message = "; ".join(notes) or "invalid request"
    if len(errors) > len(notes):
        message += f"; and {len(errors) - len(notes)} more"
    return message, list(fields)


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, fields = _validation_message(exc.errors())
    return error_response(422, "invalid_request", message, fields)


async def _on_agent_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AgentAssistError)
    fields = exc.fields if isinstance(exc, FieldError) else None
    headers: dict[str, str] | None = None
    if exc.status_code in (429, 503):
        headers = {"Retry-After": "1"}
    elif exc.status_code == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    if exc.status_code >= 500:
        # The message of a dependency error names hosts/paths, never request content.
        log.warning("unavailable code=%s error=%s", exc.code, type(exc).__name__)
    return error_response(exc.status_code, exc.code, str(exc), fields, headers)


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {401: "unauthorized", 404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code
    return error_response(exc.status_code, code, message, headers=exc.headers)


def unexpected_error_response(exc: BaseException) -> JSONResponse:
    """A bug: log its type and where it happened, never its message (it may quote input)."""
    where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
    log.error("unexpected error type=%s\n%s", type(exc).__name__, where)
    return error_response(500, "internal_error", "internal error")


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(AgentAssistError, _on_agent_error)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    # Anything else is answered by ``RequestContextMiddleware`` with
    # ``unexpected_error_response``: a handler for ``Exception`` would let the server re-raise
    # it and print the exception's message (which may quote the request) in its own log.
