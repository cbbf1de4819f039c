"""Shared by the tests: the repository's paths, a scratch copy of the course, nbgrader runs."""

from __future__ import annotations

from tools.nbgrader_cli import NbgraderError, run_nbgrader  # noqa: F401 - the tests' way to run nbgrader
from tools.notebooks import ROOT, copy_course, lesson_names  # noqa: F401 - used by the tests through support

LESSONS = lesson_names(ROOT)
