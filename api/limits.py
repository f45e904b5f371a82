"""Per-field text limits, checked after parsing so the error names the field."""

from __future__ import annotations

from api.errors import FieldError


def check_text(field: str, value: str, max_chars: int) -> None:
    if not value.strip():
        raise FieldError(f"{field} is empty", [field])
    if len(value) > max_chars:
        raise FieldError(
            f"{field} is longer than {max_chars} characters ({len(value)})",
            [field],
            status_code=413,
            code="payload_too_large",
        )
