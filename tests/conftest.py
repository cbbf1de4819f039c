"""Session set-up for tests/: the slow nbgrader runs start with the first test (tests/background.py)."""

from __future__ import annotations

from collections.abc import Iterator

import background
import grading_jobs  # noqa: F401 - registers the lessons' grading runs, which tests in several folders read
import pytest
from grading_run import RETRIED
from support import ROOT


@pytest.fixture(scope="session", autouse=True)
def slow_work_in_the_background(request, tmp_path_factory) -> Iterator[None]:
    """Start every slow job the selected tests need, a few at a time, while the tests run."""
    background.start(request.session.items, tmp_path_factory)
    yield
    background.shutdown(report=ROOT / "test-artifacts" / "background-jobs.json")


@pytest.hookimpl(trylast=True)  # after the browser tests are marked and -m/-k have chosen
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    background.waits_last(items)


def pytest_terminal_summary(terminalreporter) -> None:
    """Say which submissions nbgrader failed to process in a batch and graded only on a second try."""
    if RETRIED:
        terminalreporter.section("nbgrader retried", sep="-", yellow=True)
        for lesson, student, errors in RETRIED:
            terminalreporter.line(f"{lesson}, {student}: graded alone after the batch failed on it with:\n{errors}")
