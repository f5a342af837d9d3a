"""Fixtures for web tests: `sanctionsim serve` in its own process on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support import running_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by a real uvicorn process; yields its base URL."""
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    try:
        with running_server(log) as url:
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page of the module's browser that records its console messages and errors."""
    page = browser.new_page()
    page.messages = []
    page.on("console", lambda m: page.messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.messages.append(f"pageerror: {e}"))
    yield page
    page.close()
