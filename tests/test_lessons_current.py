"""lessons/ is exactly what nbgrader generates from solutions/ today.

When this session grades every lesson (tests/grading_jobs.py), their courses already
released each lesson with the real ``nbgrader generate_assignment``; those copies are
compared, normalised as ``make lessons`` writes them. Otherwise (``make test-fast``, or
this file alone) the lessons are generated here, in a throwaway course.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from grading_jobs import every_lesson_graded, graded
from support import LESSONS, ROOT

from tools.lessons import differences, fresh_lessons
from tools.notebooks import normalise_file


def released_by_the_grading_runs(items: list[pytest.Item], tmp_path_factory, folder: Path) -> Path:
    """The grading runs' released copies of every lesson, normalised, in ``folder``."""
    for lesson in LESSONS:
        copy = shutil.copytree(graded(lesson, items, tmp_path_factory).released(lesson), folder / lesson)
        for notebook in copy.glob("*.ipynb"):
            normalise_file(notebook)
    return folder


def test_lessons_are_regenerated_from_solutions(request, tmp_path, tmp_path_factory):
    if every_lesson_graded(request.session.items):
        generated = released_by_the_grading_runs(request.session.items, tmp_path_factory, tmp_path / "lessons")
    else:
        generated = fresh_lessons(tmp_path)
    problems = differences(generated, ROOT / "lessons")
    assert not problems, "lessons/ is stale; run `make lessons`:\n" + "\n".join(problems)
