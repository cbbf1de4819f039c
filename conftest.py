"""pytest set-up for the whole repository (tests/ and nbval's run of solutions/).

Imports: ``tools`` is a package at the root and the test helpers live in tests/;
both are on pytest's path through ``pythonpath`` in pyproject.toml.

One proof, one run: when a run grades a lesson through the real nbgrader
(tests/test_grading.py), that grading executes the lesson's solution and its
untouched student copy and checks every cell of both. nbval's run of the solution
and tests/test_student_notebooks.py would execute the same notebooks again, so
they are left out of such a run (they still run in ``make test-fast``, and alone).
"""

from __future__ import annotations

from pathlib import Path

import pytest

GRADED_BY = {
    "solution": "test_solution_scores_full_marks_and_no_cell_fails",
    "student": "test_untouched_student_copy_scores_zero_and_only_its_stubs_fail",
}


def _graded_lessons(items: list[pytest.Item], test_name: str) -> set[str]:
    return {
        item.callspec.params["lesson"]
        for item in items
        if item.path.name == "test_grading.py" and item.originalname == test_name
    }


def _repeats_grading(item: pytest.Item, solutions: set[str], students: set[str]) -> bool:
    path = Path(str(item.path))
    if path.suffix == ".ipynb" and path.parent.parent.name == "solutions":
        return path.parent.name in solutions
    if (
        path.name == "test_student_notebooks.py"
        and item.originalname == "test_student_copy_runs_with_only_the_stubs_failing"
    ):
        return item.callspec.params["lesson"] in students
    return False


@pytest.hookimpl(trylast=True)  # after -m and -k have chosen: only tests that will run count
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    solutions = _graded_lessons(items, GRADED_BY["solution"])
    students = _graded_lessons(items, GRADED_BY["student"])
    repeated = [item for item in items if _repeats_grading(item, solutions, students)]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        dropped = set(repeated)
        items[:] = [item for item in items if item not in dropped]
