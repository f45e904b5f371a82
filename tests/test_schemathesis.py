"""Property-based fuzzing of the served OpenAPI document with schemathesis, over real HTTP.

Every operation of the schema gets generated requests, valid (positive) and invalid (negative):
no answer may be a 5xx, and every answer must match the documented status codes, content type
and schema. Bounded: ``MAX_EXAMPLES`` per operation and mode, derandomized.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from http_server import LiveServer, serve_app, wait_healthy
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from api.app import create_app
from core.settings import Settings

pytestmark = pytest.mark.slow

KEY = "fuzz-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
MAX_EXAMPLES = 25
EXPECTED = {
    "POST /v1/suggest",
    "POST /v1/assist",
    "POST /v1/guard",
    "POST /v1/search",
    "POST /v1/feedback",
    "GET /v1/fields",
    "GET /healthz",
    "GET /readyz",
}


def _both_clocks(body: object) -> bool:
    facts = body.get("case") if isinstance(body, dict) else None
    return isinstance(facts, dict) and all(
        facts.get(k) is not None for k in ("days_since_ride", "hours_since_ride")
    )


@pytest.fixture(scope="module")
def live(indexed_settings: Settings) -> Iterator[LiveServer]:
    fuzz_settings = Settings(
        **{**indexed_settings.model_dump(), "api_keys": KEY, "max_concurrent_requests": 64}
    )
    with serve_app(create_app(fuzz_settings)) as server:
        wait_healthy(server.base_url)
        yield server


@pytest.fixture(scope="module")
def operations(live: LiveServer) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_url(f"{live.base_url}/openapi.json")
    ops = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in ops} == EXPECTED
    return ops


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_conforms(
    operations: list[schemathesis.APIOperation], live: LiveServer, mode: GenerationMode
) -> None:
    for operation in operations:
        if mode == GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # /healthz and /readyz take no input: there is nothing to make invalid

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def conforms(case: schemathesis.Case) -> None:
            # The ride's age on both clocks must agree (days = hours // 24), a rule across two
            # fields that JSON Schema cannot state: such a body may be refused with a 422.
            excluded = [positive_data_acceptance] if _both_clocks(case.body) else []
            case.call_and_validate(
                base_url=live.base_url, headers=AUTH, timeout=60, excluded_checks=excluded
            )

        conforms()
