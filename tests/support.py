"""Shared by the tests: the repository's paths, a scratch copy of the course, nbgrader runs."""

from __future__ import annotations

import os

import pytest

from tools.nbgrader_cli import NbgraderError, run_nbgrader  # noqa: F401 - the tests' way to run nbgrader
from tools.notebooks import ROOT, copy_course, lesson_names  # noqa: F401 - used by the tests through support

LESSONS = lesson_names(ROOT)


def in_ci() -> bool:
    """True on the CI machine (CI=true): there a test whose software is missing fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_software(reason: str | None, what: str) -> None:
    """Go on when ``reason`` is None; else skip ``what`` (developer machine) or fail it (CI), saying why.

    A missing browser, database or hub must never pass as a green run in CI.
    """
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"CI must run {what}, but {reason}", pytrace=False)
    pytest.skip(f"{what} skipped: {reason}")
