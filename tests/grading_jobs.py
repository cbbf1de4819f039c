"""The lessons' grading runs, one per core, started with the session (tests/background.py).

Who reads them:
- tests/test_grading.py: each lesson's fixtures, solution and untouched copy;
- tests/browser/test_feedback_html.py: each lesson's feedback page (the solution's);
- tests/test_lessons_current.py: the released copies nbgrader generated, when every
  lesson was graded in this session (otherwise it generates them itself).

Why groups: each ``nbgrader`` process costs seconds of start-up before it grades
anything, so lessons share a course and its processes; there are as many groups as
cores, balanced by the notebooks they grade, so both cores stay busy.
A group grades only what the session's selected tests ask of it (``-k 01-flywheel``
grades one lesson; the feedback tests alone grade only the solutions).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import background
import pytest
from grading_packs import lesson_packs
from grading_run import CourseGrades, grade_course
from support import LESSONS

GRADING_TESTS = "test_grading.py"
FEEDBACK_FIXTURE = "graded_course"  # the fixture of the feedback tests, which marks them


def cost(lesson: str) -> int:
    """Notebooks the lesson's grading runs: one per pack of fixtures, the solution and the untouched copy."""
    return len(lesson_packs(lesson)) + 2


def balanced_groups(lessons: list[str], count: int) -> list[list[str]]:
    """The lessons in ``count`` groups of about equal cost (costliest first, each to the lightest group)."""
    groups: list[list[str]] = [[] for _ in range(max(1, count))]
    for lesson in sorted(lessons, key=lambda name: (-cost(name), name)):
        min(groups, key=lambda group: sum(map(cost, group))).append(lesson)
    return [sorted(group) for group in groups if group]


@cache
def groups() -> list[list[str]]:
    """The groups, worked out when a selected test first needs grading (packing every lesson's fixtures
    takes about a second: not a cost for every pytest start, ``make test-fast`` included)."""
    return balanced_groups(LESSONS, background.CORES)


def _group_of(lesson: str) -> int:
    return next(index for index, group in enumerate(groups()) if lesson in group)


def _lesson_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("lesson") if callspec is not None else None


def _needs_fixtures(item: pytest.Item) -> bool:
    return item.path.name == GRADING_TESTS and _lesson_of(item) is not None


def _needs_feedback(item: pytest.Item) -> bool:
    return FEEDBACK_FIXTURE in getattr(item, "fixturenames", ()) and _lesson_of(item) is not None


def selected(items: list[pytest.Item], wants) -> list[str]:
    return sorted({_lesson_of(item) for item in items if wants(item)})


def _job_name(index: int) -> str:
    return f"grading group {index + 1} of {background.CORES}"


def _register(index: int) -> None:
    def work(folder: Path, items: list[pytest.Item]) -> CourseGrades:
        group = groups()[index]
        fixtures_of = [lesson for lesson in selected(items, _needs_fixtures) if lesson in group]
        feedback_of = [lesson for lesson in selected(items, _needs_feedback) if lesson in group]
        return grade_course(folder, fixtures_of, feedback_of)

    def wanted(item: pytest.Item) -> bool:
        return (_needs_fixtures(item) or _needs_feedback(item)) and _group_of(_lesson_of(item)) == index

    # Started first: the longest jobs, and the feedback pages wait for them.
    background.register(_job_name(index), work, wanted, cost=1000)


for _index in range(background.CORES):
    _register(_index)


def graded(lesson: str, items: list[pytest.Item], tmp_path_factory: pytest.TempPathFactory) -> CourseGrades:
    """The grading run that holds ``lesson``, once it has finished."""
    return background.result(_job_name(_group_of(lesson)), items, tmp_path_factory)


def every_lesson_graded(items: list[pytest.Item]) -> bool:
    """True when this session grades every lesson with its fixtures (so every lesson is released)."""
    return set(selected(items, _needs_fixtures)) == set(LESSONS)
