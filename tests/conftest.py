"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import CHROMIUM, CHROMIUM_FLAGS

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


# The score history's re-runs (``history --json`` of every model version, most of a minute each)
# are the longest tests: they go first, so that pytest-xdist (``make test`` runs ``-n 2 --dist
# worksteal``) starts them at once and the other worker's tests fill the rest of the run, instead
# of one of them being the last test left while the other worker waits.
FIRST = ("tests/history/test_track_record.py::test_the_current_row_is_what_history_prints_now",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the longest tests (:data:`FIRST`) to the front; every other test keeps its place."""
    first = [item for item in items if item.nodeid.startswith(FIRST)]
    if first:
        rest = [item for item in items if not item.nodeid.startswith(FIRST)]
        items[:] = first + rest
