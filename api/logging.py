"""Log configuration and the request-id context.

Log lines carry request ids, rule ids, chunk ids, status codes and timings. They never carry
question or draft text, API keys, or case values (driver name/phone/plate): callers pass only
identifiers and numbers, and the access line logs the path without its query string. What the
caller controls and still reaches a line (the path, a chunk id) could hold a personal value, so
every line also goes through the guard's redaction before it is written, and an incoming
request id that holds one is replaced.
"""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

from policy_guard.redact import redact

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

#: An incoming X-Request-ID is kept only when it is short and plain, so it cannot smuggle text.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_request_id(incoming: str | None) -> str:
    if incoming and _SAFE_ID.match(incoming) and redact(incoming) == incoming:
        return incoming
    return uuid.uuid4().hex


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class _RedactFilter(logging.Filter):
    """The line's message with every personal value the guard reads masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def configure_logging(level: str = "INFO") -> None:
    """One handler on the service's logger; idempotent (create_app may run more than once)."""
    logger = logging.getLogger("agent_assist")
    logger.setLevel(level)
    if any(getattr(h, "_agent_assist", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s rid=%(request_id)s %(message)s")
    )
    handler.addFilter(_RequestIdFilter())
    handler.addFilter(_RedactFilter())
    handler._agent_assist = True  # type: ignore[attr-defined]
    redact("010")  # load the detectors now, not on the first line a request logs
    logger.addHandler(handler)
    logger.propagate = False
