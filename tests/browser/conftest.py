"""The page in a real browser (Debian's Chromium through Playwright) against the real stack:
the web app started the Procfile way, the embedded Celery worker (moves and bot queues), Redis.

Every page fails its test on any console error or uncaught exception.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it with scripts/system-deps.sh)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleWatch:
    """Console errors and page errors of every page opened through ``open_page``."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def watch(self, page: Any, label: str) -> None:
        def on_console(message: Any) -> None:
            if message.type == "error":
                self.problems.append(f"[{label}] console error: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"[{label}] page error: {error}"))


@pytest.fixture
def open_page(browser, web) -> Iterator[Callable[..., Any]]:
    """``open_page(label, path="/", **context_options)``: a page in its own browser context
    (its own localStorage, so its own clientId), already at ``web.base + path``."""
    watch = ConsoleWatch()
    contexts: list[Any] = []

    def make(label: str, path: str = "/", **options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 860})
        context = browser.new_context(base_url=web.base, accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watch.watch(page, label)
        page.goto(path)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not watch.problems, "\n".join(watch.problems)


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the tests put their screenshots: ``docs/screenshots`` with UPDATE_SCREENSHOTS=1
    (what the README shows), else a temporary folder, so a test run leaves the tree clean."""
    folder = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path_factory.mktemp("shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
