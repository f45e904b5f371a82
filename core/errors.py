"""Every error the service raises on purpose derives from ``AgentAssistError``.

``UserError`` is the caller's fault (bad input, bad configuration) and maps to 4xx / exit 2;
anything else under the base is a runtime fault (store down, model missing) and maps to 503.
Policy violations are never errors: they are returned as data by ``policy_guard``.
"""

from __future__ import annotations


class AgentAssistError(Exception):
    """Base of all the service's own errors."""

    status_code: int = 500
    code: str = "internal_error"


class UserError(AgentAssistError):
    """The caller asked for something invalid."""

    status_code = 422
    code = "invalid_request"


class ConfigError(UserError):
    """A setting is missing, unsafe or inconsistent."""

    code = "invalid_configuration"


class NotFoundError(UserError):
    status_code = 404
    code = "not_found"


class PayloadTooLargeError(UserError):
    status_code = 413
    code = "payload_too_large"


class UnavailableError(AgentAssistError):
    """A dependency (store, model, LLM) is down, slow or not loaded yet."""

    status_code = 503
    code = "unavailable"


class IndexNotReadyError(UnavailableError):
    code = "index_not_ready"


class IngestLockedError(UserError):
    """Another ingest holds the lock on this data directory."""

    status_code = 409
    code = "ingest_in_progress"


class LLMError(UnavailableError):
    """The LLM endpoint failed, timed out or answered something unusable."""

    code = "llm_unavailable"


class OverloadedError(UnavailableError):
    status_code = 429
    code = "overloaded"
