"""GET /docs and /redoc: the API reference pages, with their scripts and styles served from this
service (the ``fastapi-offline`` package ships Swagger UI and ReDoc), so they work with no
internet access."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

#: Swagger UI and ReDoc bundles, mounted at ASSETS_URL.
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/docs-assets"
TITLE = "agent-assist"

router = APIRouter(include_in_schema=False)

#: The pages may load nothing from elsewhere (ReDoc's footer would fetch its logo from a CDN).
#: Their loaders are inline scripts, and ReDoc styles and searches from inline styles and blobs.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}


def assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS_DIR)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{TITLE} · API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        # No schema validator badge: it would call an outside service.
        swagger_ui_parameters={"validatorUrl": None},
    )
    page.headers.update(_HEADERS)
    return page


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    page = get_redoc_html(
        openapi_url="/openapi.json",
        title=f"{TITLE} · API",
        redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url="/static/favicon.svg",
        with_google_fonts=False,
    )
    page.headers.update(_HEADERS)
    return page


#: What each field of the suggestion contract means, for the reference pages. Set only where
#: the model itself has no description, and only on fields the schema has.
FIELD_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "SuggestRequest": {
        "question": (
            "The agent's question or a pasted customer chat, at most {max_question_chars} "
            "characters (the `max_question_chars` setting); longer is refused with 413 naming "
            "the limit. The console keeps the newest text when it trims a paste."
        ),
        "case": "Case facts the console knows; leave a fact out when it is unknown.",
        "confirmed": (
            "Fact names whose console value the agent confirmed over what the question says: "
            "those console values are used and are not reported as conflicts."
        ),
    },
    "Suggestion": {
        "reply": "The reply text; it always passed the policy guard. Newlines are part of it.",
        "grounded": (
            "False when no playbook covers the question: `reply` is then a note for the agent, "
            "not a customer reply."
        ),
        "audience": (
            "`customer`: `reply` is a message to send. `agent`: guidance for the agent (the "
            'playbook\'s 상담유형 to set on the ticket, asked as "상담유형 뭘로 잡아요?"), '
            "never to be sent to the customer."
        ),
        "citations": "The playbook chunks the reply rests on, best first.",
        "facts": "The facts the rules used: console fields and facts read from the question.",
        "ask": (
            "Deciding facts still unknown: the reply is the restrictive one until the agent "
            "learns them."
        ),
        "guard": "The guard's verdict on `reply` (always allowed).",
        "draft_violations": "What a first draft broke before it was replaced.",
        "conflicts": (
            "Facts the question states differently from a console field. The rules use the "
            "more restrictive of the two (`applied`) until the agent resolves the conflict: "
            "change the field, or list the fact in `confirmed`."
        ),
        "refused": "Facts the question tried to set but may not (e.g. the driver's consent).",
        "provenance": (
            "Per fact: where its value came from (`console`, `text`, `default`), how it was "
            "read (`field`, `rule`, `confirmation`, or `model`: the learned fallback, with the "
            "example phrasings it matched in `neighbours`), the question span and the "
            "confidence."
        ),
    },
}

#: A /v1/suggest answer in which the question contradicts a console field.
SUGGEST_RESPONSE_EXAMPLE: dict[str, Any] = {
    "reply": "고객님, 운행 완료 후 3일이 지나 기사님 연락처는 안내해 드릴 수 없습니다. ...",
    "grounded": True,
    "audience": "customer",
    "citations": [
        {
            "source": "004_2b128af64891507b.txt",
            "section": "정책 > ①",
            "score": 0.91,
            "chunk_id": "004_2b128af64891507b.txt#3",
        }
    ],
    "facts": {
        "service": "pet",
        "request": "driver_phone",
        "ride_status": "completed",
        "days_since_ride": 5,
        "history_available": False,
    },
    "ask": [],
    "guard": {"allowed": True, "violations": []},
    "draft_violations": [],
    "conflicts": [
        {
            "fact": "days_since_ride",
            "console": 1,
            "text": 5,
            "span": [3, 7],
            "turn": None,
            "applied": 5,
        }
    ],
    "refused": [],
    "provenance": {
        "days_since_ride": {
            "fact": "days_since_ride",
            "value": 5,
            "origin": "question",
            "method": "rule",
            "span": [3, 7],
            "turn": None,
            "confidence": 1.0,
        },
        "service": {
            "fact": "service",
            "value": "pet",
            "origin": "console",
            "method": "field",
            "span": None,
            "turn": None,
            "confidence": 1.0,
        },
    },
}


def describe(schema: dict[str, Any], max_question_chars: int) -> None:
    """Add the field descriptions and the /v1/suggest response example to a generated schema."""
    models = schema.get("components", {}).get("schemas", {})
    for model, fields in FIELD_DESCRIPTIONS.items():
        props = models.get(model, {}).get("properties", {})
        for name, text in fields.items():
            if name in props and not props[name].get("description"):
                props[name]["description"] = text.format(
                    max_question_chars=f"{max_question_chars:,}"
                )
    op = schema.get("paths", {}).get("/v1/suggest", {}).get("post")
    if op is None:
        return
    content = op.get("responses", {}).get("200", {}).get("content", {})
    if "application/json" in content:
        content["application/json"]["example"] = SUGGEST_RESPONSE_EXAMPLE
    op["description"] = (
        op.get("description", "")
        + " When the question states a fact differently from a console field, the more "
        "restrictive value is applied and the difference is listed in `conflicts`; a fact named "
        "in `confirmed` keeps its console value."
    ).strip()
