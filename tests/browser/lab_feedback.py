"""Graded courses for the feedback test, graded in the background while the browser tests run.

Why in the background: grading a lesson with the real nbgrader (generate, autograde,
generate feedback) takes about 20 s of one core, and the JupyterLab tests spend
much of their time waiting on one kernel. Running one nbgrader job at a time beside
them keeps the suite inside its time budget on two cores without starving the browser.
"""

from __future__ import annotations

import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from support import copy_course, run_nbgrader

STUDENT = "worked-solution"
FEEDBACK_FIXTURE = "graded_course"  # the fixture of the feedback tests, which marks them


def grade_with_feedback(course: Path, lesson: str) -> Path:
    """Generate, submit the solution as a student, autograde, and write feedback; return the course."""
    run_nbgrader(course, "generate_assignment", lesson, "--force")
    submitted = course / "submitted" / STUDENT / lesson
    submitted.mkdir(parents=True)
    shutil.copy2(course / "solutions" / lesson / f"{lesson}.ipynb", submitted)
    run_nbgrader(course, "autograde", lesson, "--force")
    run_nbgrader(course, "generate_feedback", lesson, "--force")
    return course


def lessons_needing_feedback(items: list[pytest.Item]) -> list[str]:
    """The lessons of the selected feedback tests (so `-k 00-day-one` grades one lesson only)."""
    found = set()
    for item in items:
        callspec = getattr(item, "callspec", None)
        if FEEDBACK_FIXTURE in getattr(item, "fixturenames", ()) and callspec is not None:
            found.add(callspec.params["lesson"])
    return sorted(found)


def start_grading(lessons: list[str], scratch: Path, pool: ThreadPoolExecutor) -> dict[str, Future]:
    """Queue one throwaway course per lesson for grading; the futures resolve to the graded courses."""
    return {lesson: pool.submit(grade_with_feedback, copy_course(scratch / lesson), lesson) for lesson in lessons}
