"""The HTTP contract over real HTTP (uvicorn on a loopback port) on a server with no index:
everything here needs only the policy guard, so it also shows the service stays useful, and
honest (healthz 503, suggest 503), while the index is missing."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import KB_DIR, MODEL_CACHE
from http_server import LiveServer, serve_app

from api.app import create_app
from core.settings import Settings

KEYS = ("first-key-abc", "second-key-xyz")
AUTH = {"Authorization": f"Bearer {KEYS[1]}"}
PHONE = "010-8765-4321"
QUESTION_MARK = "고유질문표식문장"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def log_lines() -> Iterator[list[str]]:
    handler = _Collect()
    logger = logging.getLogger("agent_assist")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("empty-data")
    return Settings(
        kb_dir=KB_DIR,
        data_dir=data,
        model_cache_dir=MODEL_CACHE,
        api_keys=",".join(KEYS),  # type: ignore[arg-type]
        max_question_chars=200,
        max_draft_chars=300,
    )


@pytest.fixture(scope="module")
def live(settings: Settings, log_lines: list[str]) -> Iterator[LiveServer]:
    with serve_app(create_app(settings)) as server:
        yield server


@pytest.fixture
def client(live: LiveServer) -> Iterator[httpx.Client]:
    with live.client(headers=AUTH) as c:
        yield c


def _error(resp: httpx.Response) -> dict[str, object]:
    body = resp.json()
    assert set(body) == {"error"}, body
    err: dict[str, object] = body["error"]
    assert isinstance(err["code"], str) and isinstance(err["message"], str)
    return err


# --- OpenAPI


def test_openapi_lists_the_routes_with_examples_and_limits(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for route in ("/v1/suggest", "/v1/guard", "/v1/search", "/v1/feedback"):
        assert "post" in paths[route], route
        body = paths[route]["post"]["requestBody"]["content"]["application/json"]
        assert body.get("examples"), route
        assert {"401", "413", "422", "429", "503"} <= set(paths[route]["post"]["responses"])
    assert "get" in paths["/healthz"] and "get" in paths["/readyz"]
    schemas = spec["components"]["schemas"]
    assert schemas["SuggestRequest"]["properties"]["question"]["maxLength"] == 200
    assert schemas["GuardRequest"]["properties"]["draft"]["maxLength"] == 300
    assert set(schemas["Suggestion"]["required"]) >= {
        "reply",
        "grounded",
        "citations",
        "facts",
        "ask",
        "guard",
        "draft_violations",
    }


# --- the guard contract


def test_guard_reports_a_phone_outside_the_window(client: httpx.Client) -> None:
    draft = f"기사님 연락처는 {PHONE}입니다."
    case = {
        "service": "pet",
        "ride_status": "completed",
        "days_since_ride": 6,
        "history_available": False,
        "driver_phone": PHONE,
    }
    resp = client.post("/v1/guard", json={"draft": draft, "case": case})
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"allowed", "violations"}
    assert body["allowed"] is False
    rules = {v["rule"] for v in body["violations"]}
    assert "driver-phone" in rules
    for v in body["violations"]:
        assert set(v) == {"rule", "span", "text", "clause", "message"}
        start, end = v["span"]
        assert draft[start:end] == v["text"]


def test_guard_passes_the_company_number(client: httpx.Client) -> None:
    draft = "안심연결의 발신번호는 1551-5009로 적용됩니다."
    resp = client.post("/v1/guard", json={"draft": draft, "case": {"service": "pet"}})
    assert resp.status_code == 200
    assert resp.json() == {"allowed": True, "violations": []}


def test_guard_allows_the_phone_inside_the_window(client: httpx.Client) -> None:
    case = {
        "service": "pet",
        "ride_status": "completed",
        "days_since_ride": 1,
        "history_available": False,
        "driver_phone": PHONE,
    }
    resp = client.post("/v1/guard", json={"draft": f"연락처는 {PHONE}입니다.", "case": case})
    assert resp.status_code == 200 and resp.json()["allowed"] is True


# --- API keys


def test_v1_needs_a_key(live: LiveServer) -> None:
    body = {"draft": "안녕하세요"}
    with live.client() as anon:
        missing = anon.post("/v1/guard", json=body)
        wrong = anon.post("/v1/guard", json=body, headers={"Authorization": "Bearer nope"})
        basic = anon.post("/v1/guard", json=body, headers={"Authorization": f"Basic {KEYS[0]}"})
        first = anon.post("/v1/guard", json=body, headers={"Authorization": f"Bearer {KEYS[0]}"})
        health = anon.get("/healthz")
        page = anon.get("/")
    for resp in (missing, wrong, basic):
        assert resp.status_code == 401
        assert resp.headers["www-authenticate"] == "Bearer"
        assert _error(resp)["code"] == "unauthorized"
    assert first.status_code == 200
    assert health.status_code in (200, 503)  # no key needed: never 401
    assert page.status_code == 200


# --- bad inputs: all 4xx, one error shape, the field named


def _raw(client: httpx.Client, path: str, content: bytes, ctype: str = "application/json"):  # type: ignore[no-untyped-def]
    return client.post(path, content=content, headers={"Content-Type": ctype})


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"draft": ""}, 422, "draft"),
        ({"draft": "   \n "}, 422, "draft"),
        ({"draft": "가" * 301}, 413, "draft"),
        ({"draft": 5}, 422, "draft"),
        ({"draft": ["a"]}, 422, "draft"),
        ({}, 422, "draft"),
        ({"draft": "a", "case": {"drivr_phone": PHONE}}, 422, "case.drivr_phone"),
        ({"draft": "a", "extra": 1}, 422, "extra"),
        ({"draft": "a", "case": {"days_since_ride": "5"}}, 422, "case.days_since_ride"),
        ({"draft": "a", "case": {"days_since_ride": -1}}, 422, "case.days_since_ride"),
        ({"draft": "a", "case": {"history_available": "yes"}}, 422, "case.history_available"),
        ({"draft": "a", "case": {"ride_status": "done"}}, 422, "case.ride_status"),
        ({"draft": "a", "case": None}, 422, "case"),
    ],
)
def test_guard_rejects_bad_bodies(
    client: httpx.Client, body: dict[str, object], status: int, field: str
) -> None:
    resp = client.post("/v1/guard", json=body)
    assert resp.status_code == status, resp.text
    err = _error(resp)
    assert field in (err.get("fields") or []), err
    assert field in str(err["message"])
    assert PHONE not in resp.text  # values are never echoed


@pytest.mark.parametrize(
    ("content", "ctype", "status", "code"),
    [
        (b"{not json", "application/json", 422, "invalid_request"),
        (b"", "application/json", 422, "invalid_request"),
        (b"[1, 2]", "application/json", 422, "invalid_request"),
        (b"[" * 5000 + b"]" * 5000, "application/json", 422, "invalid_request"),
        (
            b'{"draft": "a", "case": ' + b'{"a": ' * 2000 + b"1" + b"}" * 2001,
            "application/json",
            422,
            "invalid_request",
        ),
        ('{"draft": "한글"}'.encode("cp949"), "application/json", 400, "invalid_encoding"),
        ('{"draft": "한글"}'.encode("utf-16"), "application/json", 400, "invalid_encoding"),
        (b'{"draft": "\\ud800 x"}', "application/json", 422, "invalid_request"),
        (b'{"draft": "x"}', "text/plain", 415, "unsupported_media_type"),
        (b'{"draft": "x"}', "application/json; charset=latin-1", 415, "unsupported_media_type"),
    ],
)
def test_guard_rejects_bad_bytes(
    client: httpx.Client, content: bytes, ctype: str, status: int, code: str
) -> None:
    resp = _raw(client, "/v1/guard", content, ctype)
    assert resp.status_code == status, resp.text
    assert _error(resp)["code"] == code


def test_a_huge_body_is_refused_before_parsing(client: httpx.Client) -> None:
    huge = json.dumps({"draft": "x" * 2_000_000}).encode()
    resp = _raw(client, "/v1/guard", huge)
    assert resp.status_code == 413
    err = _error(resp)
    assert err["code"] == "payload_too_large" and err.get("fields") == ["body"]


def test_question_caps_name_the_field(client: httpx.Client) -> None:
    resp = client.post("/v1/suggest", json={"question": "가" * 201})
    assert resp.status_code == 413
    assert _error(resp)["fields"] == ["question"]
    resp = client.post("/v1/search", json={"question": "a", "k": 0})
    assert resp.status_code == 422 and _error(resp)["fields"] == ["k"]


def test_unknown_paths_and_methods_use_the_error_shape(client: httpx.Client) -> None:
    assert _error(client.get("/v1/nothing"))["code"] == "not_found"
    resp = client.get("/v1/guard")
    assert resp.status_code == 405 and _error(resp)["code"] == "method_not_allowed"


# --- request ids


def test_request_id_is_echoed_only_when_plain(client: httpx.Client) -> None:
    kept = client.post("/v1/guard", json={"draft": "a"}, headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    odd = client.post("/v1/guard", json={"draft": "a"}, headers={"X-Request-ID": "a b\tc"})
    assert odd.headers["x-request-id"] not in ("", "a b\tc")
    assert len(odd.headers["x-request-id"]) == 32
    fresh = client.get("/healthz")
    assert len(fresh.headers["x-request-id"]) == 32


# --- no index: honest 503s, the guard still answers


def test_without_an_index_health_and_suggest_are_503(client: httpx.Client) -> None:
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["index_loaded"] is False
    ready = client.get("/readyz")
    assert ready.status_code == 503
    resp = client.post("/v1/suggest", json={"question": "펫 기사 번호 알려주세요"})
    assert resp.status_code == 503
    assert _error(resp)["code"] == "index_not_ready"
    assert resp.headers["retry-after"] == "1"
    resp = client.post("/v1/search", json={"question": "이용내역서"})
    assert resp.status_code == 503
    assert client.post("/v1/guard", json={"draft": "안녕하세요"}).status_code == 200


# --- feedback


def test_feedback_is_stored_without_personal_values(
    client: httpx.Client, settings: Settings
) -> None:
    body = {
        "rating": "down",
        "question": f"기사 번호 {PHONE} 맞나요?",
        "reply": f"연락처는 {PHONE}입니다.",
        "case": {"service": "pet", "days_since_ride": 2, "driver_phone": PHONE},
        "chunk_ids": ["004_2b128af64891507b.txt#0005"],
        "request_id": "req-1",
    }
    resp = client.post("/v1/feedback", json=body)
    assert resp.status_code == 201, resp.text
    row_id = resp.json()["id"]
    conn = sqlite3.connect(Path(settings.data_dir) / "feedback.sqlite3")
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("SELECT * FROM feedback WHERE id = ?", (row_id,)).fetchone())
    conn.close()
    assert row["rating"] == "down" and row["request_id"] == "req-1"
    assert PHONE not in json.dumps(row, ensure_ascii=False)
    assert "[전화번호]" in row["question"] and "[전화번호]" in row["reply"]
    facts = json.loads(row["facts_json"])
    assert facts == {"service": "pet", "days_since_ride": 2, "has_driver_phone": True}
    bad = client.post("/v1/feedback", json={**body, "rating": "meh"})
    assert bad.status_code == 422 and _error(bad)["fields"] == ["rating"]


# --- the console page


def test_console_page_and_assets(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert 'lang="ko"' in page.text
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200, asset


# --- logs


def test_logs_hold_no_key_question_or_personal_value(
    client: httpx.Client, log_lines: list[str]
) -> None:
    case = {"driver_phone": PHONE, "driver_name": "홍길동", "vehicle_plate": "12가3456"}
    client.post("/v1/guard", json={"draft": f"{QUESTION_MARK} {PHONE}", "case": case})
    client.post("/v1/suggest", json={"question": QUESTION_MARK, "case": case})
    client.post("/v1/guard", json={"draft": QUESTION_MARK, "case": {"drivr": PHONE}})
    with httpx.Client(base_url=str(client.base_url)) as anon:
        anon.post("/v1/guard", json={"draft": "a"}, headers={"Authorization": "Bearer leaked?"})
    text = "\n".join(log_lines)
    assert "status=" in text and "rules=" in text  # the lines exist
    for secret in (*KEYS, "leaked?", QUESTION_MARK, PHONE, "홍길동", "12가3456"):
        assert secret not in text, secret


def test_integral_numbers_count_as_integers_but_strings_do_not(client: httpx.Client) -> None:
    case = {"ride_status": "completed", "days_since_ride": 1.0, "history_available": False}
    ok = _raw(client, "/v1/guard", json.dumps({"draft": "안녕하세요", "case": case}).encode())
    assert ok.status_code == 200, ok.text
    for bad in (1.5, "1", True):
        resp = client.post("/v1/guard", json={"draft": "a", "case": {"days_since_ride": bad}})
        assert resp.status_code == 422, bad
