"""Real Chromium for the end-to-end tests: a phone (360 x 740), a beamer (1280 x 720) and the
moderator's laptop, each in its own browser context (own cookies and localStorage)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.axe import DEFAULT as AXE_DEFAULT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
BEAMER = {"viewport": {"width": 1280, "height": 720}}
LAPTOP = {"viewport": {"width": 1280, "height": 900}}


# Per module, not per session: while Playwright's sync API is started, this thread counts as
# running an event loop, which would break asyncio.run() in the tests collected after these.
@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: the browser tests need it "
                    "(apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """open_page(url, **context_options) -> a page in a fresh context (German by default).
    A script error on any page fails the test."""
    contexts: list[Any] = []
    errors: list[str] = []

    def open_(url: str | None = None, **options: Any) -> Any:
        context = browser.new_context(**{"locale": "de-DE", **LAPTOP, **options})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        if url:
            page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not errors, f"script errors: {errors}"


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> Any:
    """Wait until a JavaScript expression is truthy on the page; its value.

    Playwright's wait_for_function compiles its predicate inside the page when it has to poll,
    and our pages' Content-Security-Policy (no 'unsafe-eval') then refuses it now and then;
    this polls from here with page.evaluate, which the policy does not govern."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.05)


def no_horizontal_scroll(page: Any) -> int:
    """How many pixels the page is wider than the viewport (0 is right)."""
    return int(page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def axe_path() -> str | None:
    path = os.environ.get("AXE_CORE_JS") or str(AXE_DEFAULT)
    return path if os.path.isfile(path) else None


@pytest.fixture
def scene_page(open_page: Any) -> Iterator[Callable[..., Any]]:
    """scene_page(url, clock=False, **options): a page under the server's real CSP.
    axe-core is injected as an init script (which the CSP does not govern), so the checks
    need no bypass; any CSP violation on the page fails the test."""
    violations: list[str] = []

    def open_(url: str, clock: bool = False, **options: Any) -> Any:
        page = open_page(None, **options)
        if clock:  # the test moves this page's clock (it keeps running until then)
            page.clock.install()
        path = axe_path()
        if path:
            page.add_init_script(path=path)
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(url)
        return page

    yield open_
    assert not violations, f"CSP violations: {violations}"
