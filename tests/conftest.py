"""Session set-up for tests/: the slow nbgrader runs start with the first test (tests/background.py)."""

from __future__ import annotations

from collections.abc import Iterator

import background
import pytest


@pytest.fixture(scope="session", autouse=True)
def slow_work_in_the_background(request, tmp_path_factory) -> Iterator[None]:
    """Start every slow job the selected tests need, two at a time, while the tests run."""
    background.start(request.session.items, tmp_path_factory)
    yield
    background.shutdown()
