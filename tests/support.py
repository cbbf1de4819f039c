"""Shared by the tests: the repository's paths, a scratch copy of the course, nbgrader runs."""

from __future__ import annotations

import os

from tools.nbgrader_cli import NbgraderError, run_nbgrader  # noqa: F401 - the tests' way to run nbgrader
from tools.notebooks import ROOT, copy_course, lesson_names  # noqa: F401 - used by the tests through support

LESSONS = lesson_names(ROOT)


def in_ci() -> bool:
    """True on the CI machine (CI=true): there a test whose software is missing fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
