"""Fixtures of the browser suite: one headless Chromium and one JupyterLab for the session.

Why session-wide: starting JupyterLab takes about 10 s, Chromium about 2 s and
loading JupyterLab's page about 8 s on this 2-core machine; doing each once keeps
the whole suite inside its time budget. The notebook tests share one JupyterLab tab
and close every tab in it after each test; the kernels stop with the server.

Without Chromium the suite skips with the reason on a developer machine and
fails in CI (CI=true), where .ci/run installs it: a missing browser must never
pass as a green run there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lab_axe import missing_axe
from lab_browser import (
    PlaywrightError,
    RequestLog,
    artifacts_dir,
    chromium,
    missing_browser,
    playwright_driver,
    watch_requests,
)
from lab_notebook import close_all_tabs, open_lab
from lab_server import LabServer, running_lab
from support import ROOT, copy_course, require_software


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs Chromium ``browser``, which lets `-m "not browser"` leave them out.

    tests/conftest.py then orders the session: the hub's class and the feedback pages are
    background jobs, so their tests come after the tests that wait for nothing.
    """
    for item in items:
        if "browser_available" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_available() -> None:
    """Skip (developer machine) or fail (CI) when Chromium or Playwright is missing."""
    require_software(missing_browser(), "the browser tests")


@pytest.fixture(scope="session")
def axe_ready(browser_available) -> None:
    """Skip (developer machine) or fail (CI) when axe-core is not installed (`make node` runs npm ci)."""
    require_software(missing_axe(), "the accessibility checks")


@pytest.fixture(scope="session")
def artifacts(browser_available) -> Path:
    """test-artifacts/browser/: each test overwrites its own screenshots (never the whole folder, which
    another run of the suite may be writing at the same time)."""
    return artifacts_dir(ROOT)


@pytest.fixture(scope="session")
def playwright(browser_available) -> Iterator[object]:
    """Playwright, started once: its sync API allows one instance per thread."""
    with playwright_driver() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright, tmp_path_factory) -> Iterator[object]:
    """One headless Chromium (a Playwright browser context with a fresh profile) for the session."""
    with chromium(playwright, tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture()
def page(browser):
    """A fresh tab, closed after the test."""
    tab = browser.new_page()
    yield tab
    tab.close()


@pytest.fixture()
def offsite(page) -> RequestLog:
    """Every request of ``page`` that would leave this machine, recorded from before its first visit."""
    return watch_requests(page)


@dataclass
class LabTab:
    """The session's JupyterLab tab, and the off-machine requests it made during the current test."""

    page: object
    requests: RequestLog
    lab: LabServer


@pytest.fixture(scope="session")
def lab_course(browser_available, tmp_path_factory) -> Path:
    """A throwaway copy of the course, which the session's JupyterLab serves."""
    return copy_course(tmp_path_factory.mktemp("lab") / "course")


@pytest.fixture(scope="session")
def lab(lab_course, tmp_path_factory) -> Iterator[LabServer]:
    """JupyterLab on ``lab_course``: loopback, a free port, a random token; stopped at the end."""
    with running_lab(lab_course, tmp_path_factory.mktemp("lab-state")) as server:
        yield server


@pytest.fixture(scope="session")
def lab_session_tab(browser, lab) -> Iterator[LabTab]:
    """One tab with JupyterLab loaded once: loading it again for every notebook costs ~8 s a test."""
    tab = browser.new_page()
    requests = watch_requests(tab)
    open_lab(tab, lab)
    yield LabTab(page=tab, requests=requests, lab=lab)
    tab.close()


@pytest.fixture()
def lab_tab(lab_session_tab) -> Iterator[LabTab]:
    """The session's JupyterLab tab, its request log emptied; every tab inside it closed after the test.

    If closing fails (a dialog left open by a failed test), JupyterLab is loaded afresh so
    that the next test starts clean.
    """
    lab_session_tab.requests.urls.clear()
    yield lab_session_tab
    try:
        close_all_tabs(lab_session_tab.page)
    except PlaywrightError:
        open_lab(lab_session_tab.page, lab_session_tab.lab)
