"""Notebooks are stored clean, and every lesson follows the course's anatomy and grading rules."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from support import LESSONS, ROOT

from coursekit.trusted import HARDENING_LINE
from tools.notebooks import nbgrader_cells, normalised_text, read_lesson

ALL_NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb")) + sorted((ROOT / "lessons").glob("*/*.ipynb"))
GRADE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
MIN_AUTOGRADED = {"00-day-one": 6}  # the warm-up; every later lesson has at least 8
RELEASED_IDS = ROOT / "tests" / "released_grade_ids.txt"
#: A visible test: an assert, or a call to a coursekit.checks helper (check_chart, check_value...).
VISIBLE_CHECK = re.compile(r"\bassert\b|\bcheck_\w+\(")


def solution(lesson: str) -> nbformat.NotebookNode:
    return read_lesson("solutions", lesson)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_stored_normalised_without_outputs(path: Path):
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name}: a code cell has outputs; run `make format`"
            )
    assert text == normalised_text(nbformat.reads(text, as_version=4)), (
        f"{path.relative_to(ROOT)} is not normalised (metadata or layout); run `make format`"
    )


def test_every_lesson_has_a_solution_and_a_student_copy():
    assert LESSONS, "no lessons found in solutions/"
    released = sorted(p.name for p in (ROOT / "lessons").iterdir() if p.is_dir())
    assert released == LESSONS, "lessons/ and solutions/ hold different lessons: run `make lessons`"


@pytest.mark.parametrize("lesson", LESSONS)
def test_grade_ids_are_stable_lowercase_and_prefixed(lesson):
    ids = list(nbgrader_cells(solution(lesson)))
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    for grade_id in ids:
        assert GRADE_ID.match(grade_id), f"{grade_id!r}: lower-case words joined by '-'"
    prefixes = {grade_id.split("-", 1)[0] for grade_id in ids}
    assert len(prefixes) == 1, f"{lesson}: all grade_ids share the lesson's prefix, found {prefixes}"


def test_lesson_prefixes_differ():
    prefixes = [next(iter(nbgrader_cells(solution(lesson)))).split("-", 1)[0] for lesson in LESSONS]
    assert len(prefixes) == len(set(prefixes)), f"two lessons share a grade_id prefix: {prefixes}"


def test_released_grade_ids_are_never_renamed_or_removed():
    released = {line.strip() for line in RELEASED_IDS.read_text().splitlines() if line.strip()}
    current = {grade_id for lesson in LESSONS for grade_id in nbgrader_cells(solution(lesson))}
    assert not released - current, (
        f"released grade_ids disappeared (renaming one orphans students' grades): {sorted(released - current)}"
    )
    assert not current - released, (
        f"new grade_ids are not yet recorded in tests/released_grade_ids.txt: {sorted(current - released)}"
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_answer_is_followed_by_its_locked_tests_with_visible_and_hidden_parts(lesson):
    nb = solution(lesson)
    graded = nbgrader_cells(nb)
    kinds = [(cell, cell.metadata.get("nbgrader", {})) for cell in nb.cells]
    for index, (cell, meta) in enumerate(kinds):
        if not meta:
            continue
        kind = graded[meta["grade_id"]]["kind"]
        if kind == "answer":
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            following = kinds[index + 1][1] if index + 1 < len(kinds) else {}
            assert following and graded[following["grade_id"]]["kind"] == "tests", (
                f"{meta['grade_id']}: the answer cell must be followed directly by its test cell"
            )
        if kind == "tests":
            assert meta["locked"] and meta["points"] > 0
            visible, _, rest = cell.source.partition("### BEGIN HIDDEN TESTS")
            hidden, _, _ = rest.partition("### END HIDDEN TESTS")
            assert VISIBLE_CHECK.search(visible), f"{meta['grade_id']}: needs visible tests a learner can run"
            assert "assert" in hidden, f"{meta['grade_id']}: needs hidden tests (### BEGIN HIDDEN TESTS)"


@pytest.mark.parametrize("lesson", LESSONS)
def test_enough_exercises_and_a_reflection_with_a_rubric(lesson):
    graded = nbgrader_cells(solution(lesson)).values()
    autograded = [g for g in graded if g["kind"] == "tests"]
    manual = [g for g in graded if g["kind"] == "manual"]
    assert len(autograded) >= MIN_AUTOGRADED.get(lesson, 8), f"{lesson}: too few autograded exercises"
    assert manual, f"{lesson}: needs at least one manually graded reflection"
    for item in manual:
        source = item["cell"].source
        assert item["cell"].cell_type == "markdown"
        assert "### BEGIN SOLUTION" in source and "Rubric" in source, (
            "a reflection's model answer and rubric sit inside its solution region"
        )


@pytest.mark.parametrize("lesson", LESSONS)
def test_anatomy_and_points_table_match_the_metadata(lesson):
    nb = solution(lesson)
    markdown = [cell.source for cell in nb.cells if cell.cell_type == "markdown"]
    number = lesson.split("-", 1)[0]
    assert markdown[0].startswith(f"# Lesson {number}"), "the first cell is the lesson's title"
    text = "\n".join(markdown)
    for heading in ("## Learning objectives", "## How this lesson is graded", "## Summary", "## Further reading"):
        assert heading in text, f"{lesson}: missing section {heading!r}"
    header = next(s for s in markdown if s.startswith("## How this lesson is graded"))
    total = sum(g["points"] for g in nbgrader_cells(nb).values() if g["kind"] in ("tests", "manual"))
    assert re.search(rf"\*\*total\*\* \| \*\*{total:g}\*\*", header), (
        f"{lesson}: the grading table's total should be {total:g} points, as in the cell metadata"
    )
    code_cells = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    assert "coursekit.setup_charts()" in code_cells[0], "the first code cell sets up offline charts"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_hidden_block_starts_by_taking_the_real_builtins_back(lesson):
    """One identical line opens every hidden block (coursekit/trusted.py says why)."""
    for grade_id, info in nbgrader_cells(solution(lesson)).items():
        _, marker, hidden = info["cell"].source.partition("### BEGIN HIDDEN TESTS")
        if marker:
            first = next((line for line in hidden.splitlines() if line.strip()), "")
            assert first == HARDENING_LINE, f"{grade_id}: the hidden tests should start with `{HARDENING_LINE}`"
