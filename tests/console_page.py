"""Driving the agent console in headless Chromium (Debian's /usr/bin/chromium via Playwright):
launch options, and a page wrapper that records the /v1/suggest bodies the page sends."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDE = {"width": 1280, "height": 720}
NARROW = {"width": 800, "height": 900}


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium driven by Playwright, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@dataclass
class Console:
    """One console tab, with every /v1/suggest body it sent."""

    page: Any
    shots: Path
    sent: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser: Any, base_url: str, viewport: dict[str, int], shots: Path) -> Console:
        context = browser.new_context(viewport=viewport, locale="ko-KR")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        page = context.new_page()
        console = cls(page, shots)
        page.on("console", lambda m: m.type == "error" and console.errors.append(m.text))
        page.on("pageerror", lambda e: console.errors.append(str(e)))
        page.on("request", console._on_request)
        page.goto(base_url + "/")
        page.locator("#f-service").wait_for()
        return console

    def _on_request(self, request: Any) -> None:
        if request.url.endswith("/v1/suggest") and request.method == "POST":
            self.sent.append(json.loads(request.post_data or "{}"))

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def fill_case(self, facts: dict[str, Any]) -> None:
        """Set the form's facts the way an agent does: selects, radios, text boxes."""
        page = self.page
        for name, value in facts.items():
            if isinstance(value, bool):
                group = page.locator(f'.tristate[data-fact="{name}"]')
                group.locator("label", has_text="예" if value else "아니오").click()
            elif page.locator(f"select#f-{name}").count():
                page.locator(f"select#f-{name}").select_option(str(value))
            else:
                page.locator(f"input#f-{name}").fill(str(value))

    def form_values(self) -> dict[str, Any]:
        """Every control in the facts form, as the page holds it now."""
        return dict(
            self.page.evaluate(
                """() => Object.fromEntries(
                  Array.from(document.querySelectorAll('#ask-form :is(input, select, textarea)'))
                    .filter((e) => e.type !== 'radio' || e.checked)
                    .map((e) => [e.id || e.name, e.value]))"""
            )
        )

    def submit(self, press: Any = None) -> dict[str, Any]:
        """Send the case (by ``press()``, or the submit button) and wait for the page to show
        the answer; return the answer's JSON."""
        page = self.page
        with page.expect_response(lambda r: r.url.endswith("/v1/suggest"), timeout=120_000) as info:
            if press is None:
                page.get_by_role("button", name="추천 답변 받기").click()
            else:
                press()
        response = info.value
        page.wait_for_function("() => !document.querySelector('#submit').disabled")
        data: dict[str, Any] = response.json()
        if response.ok:
            page.locator("#result").wait_for(state="visible")
        return data

    def in_viewport(self, selector: str) -> bool:
        return bool(
            self.page.evaluate(
                """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                  return r.top >= 0 && r.top < window.innerHeight && r.height > 0; }""",
                selector,
            )
        )
