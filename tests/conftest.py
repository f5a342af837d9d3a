"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import BESIDE, CHROMIUM, CHROMIUM_FLAGS, history_of

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The project's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the project; tests that need it skip, saying why, where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a user's fresh clone); shared test data not available")
    return SHARED


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Where browser tests save their screenshots (``out/screenshots``, or $SANCTIONSIM_SHOTS)."""
    folder = Path(os.environ.get("SANCTIONSIM_SHOTS", REPO_ROOT / "out" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# Module scope: Playwright's sync API allows one running instance per thread, and the report and
# web folders each have their own fixture, so each module opens and closes its own browser.
@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A persistent Chromium context on a fresh profile (Debian's chromium, never a download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=CHROMIUM_FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the score history's re-runs beside the tests when the session will check them."""
    from sanctionsim.versions import VERSIONS

    if any("test_the_current_row_is_what_history_prints_now" in i.nodeid for i in session.items):
        BESIDE.start(*(history_of(model) for model in VERSIONS))
