"""A real browser against the running stack: Debian's headless Chromium driven by Playwright for Python.

Never `playwright install` (it downloads a browser): `make test` installs the `chromium` package and the pinned
`playwright` wheel when they are missing, and the browser here is /usr/bin/chromium (or $PRESSEDPLAY_CHROMIUM).
Every page records its console errors and uncaught exceptions; a test fails on any it did not expect.
Screenshots land in var/browser/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from shared.paths import REPO_ROOT
from tests.servers.stack import Stack

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright is installed by `make test`")
# Imported by name after the skip above, so the type checker sees Playwright's own classes (Playwright is typed).
from playwright.sync_api import Browser, Page, ViewportSize  # noqa: E402

ARTEFACTS = REPO_ROOT / "var" / "browser"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 812}
# Chromium's own line for a fetch answered with an error status: the page cannot silence it, so tests that
# provoke an error on purpose name the statuses they expect.
FAILED_RESOURCE = re.compile(r"Failed to load resource: the server responded with a status of (\d{3})")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's chromium (the Makefile installs it); a test run without it fails with what to do."""
    path = os.environ.get("PRESSEDPLAY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail(f"no Chromium at {path}: `make test` installs Debian's package (or: apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium per test module. launch() starts it on a fresh temporary --user-data-dir of its own
    (Playwright refuses the flag in `args`), and each test's context has its own cookies and storage.

    Module scope, not session: Playwright's sync API keeps an asyncio loop marked running on the main thread while
    it lives, and every later test that calls asyncio.run() (or starts an anyio loop) would fail under it."""
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Console:
    """What a page said on its console and threw."""

    errors: list[str] = field(default_factory=list)

    def unexpected(self, allowed_statuses: set[int]) -> list[str]:
        """Errors other than Chromium's line for a response with one of the allowed statuses."""
        left = []
        for line in self.errors:
            match = FAILED_RESOURCE.search(line)
            if not (match and int(match.group(1)) in allowed_statuses):
                left.append(line)
        return left


@dataclass
class Visit:
    """A page of the app in its own browser context (its own cookies), with its console recorded."""

    page: Page
    console: Console
    stack: Stack
    allowed_statuses: set[int] = field(default_factory=set)

    def open(self) -> Page:
        self.page.goto(self.stack.gateway + "/")
        self.page.wait_for_selector("body[data-ready=true]")
        return self.page

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def visit(
    browser: Browser, stack: Stack, viewport: ViewportSize, *, reduced_motion: bool = True, touch: bool = False
) -> Iterator[Visit]:
    """`touch`: a phone's touch screen (the page sees pointer: coarse)."""
    context = browser.new_context(
        viewport=viewport,
        reduced_motion="reduce" if reduced_motion else "no-preference",
        accept_downloads=True,
        has_touch=touch,
        is_mobile=touch,
    )
    context.set_default_timeout(60_000)  # a playlist takes a few seconds of model time on 2 busy cores
    page = context.new_page()
    console = Console()
    page.on("console", lambda message: console.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: console.errors.append(f"uncaught: {error}"))
    current = Visit(page=page, console=console, stack=stack)
    yield current
    context.close()
    unexpected = console.unexpected(current.allowed_statuses)
    assert not unexpected, f"console errors: {unexpected}"


@pytest.fixture
def desktop(browser: Browser, stack: Stack) -> Iterator[Visit]:
    yield from visit(browser, stack, DESKTOP)


@pytest.fixture
def phone(browser: Browser, stack: Stack) -> Iterator[Visit]:
    yield from visit(browser, stack, PHONE)
