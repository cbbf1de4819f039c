"""Every student notebook runs top to bottom; only the exercise stubs and their tests fail.

This is what a student sees on opening a fresh lesson and choosing "Run All"
with errors allowed: the story, the worked examples and the charts all work, and
each exercise fails only until it is answered. The kernels are the course's warm
ones (coursekit/warm_kernels.py; tests/test_warm_kernels.py shows they run a notebook
as a fresh kernel does), so the next lesson's kernel starts while this one runs.
"""

from __future__ import annotations

import nbformat
import pytest
from support import LESSONS, ROOT

from coursekit.warm_kernels import WarmExecute
from tools.notebooks import nbgrader_cells


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_copy_runs_with_only_the_stubs_failing(lesson):
    folder = ROOT / "lessons" / lesson
    nb = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
    graded = nbgrader_cells(nb)
    WarmExecute(timeout=120, allow_errors=True).preprocess(nb, {"metadata": {"path": str(folder)}})
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        kind = graded[grade_id]["kind"] if grade_id else "plain"
        if kind == "answer":
            if not errors or errors[0].ename != "NotImplementedError":
                problems.append(f"cell {index} ({grade_id}): the stub should raise NotImplementedError")
        elif kind == "tests":
            if not errors:
                problems.append(f"cell {index} ({grade_id}): the tests pass on an unanswered exercise")
        elif errors:
            problems.append(
                f"cell {index} (not an exercise) fails for a student who has answered nothing: "
                f"{errors[0].ename}: {errors[0].evalue}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_copy_keeps_its_nbgrader_metadata_and_hides_answers(lesson):
    student = nbformat.read(ROOT / "lessons" / lesson / f"{lesson}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    assert list(nbgrader_cells(student)) == list(nbgrader_cells(source)), "graded cells differ from the source"
    for grade_id, info in nbgrader_cells(student).items():
        text = info["cell"].source
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, f"{grade_id} leaks an answer"
        assert "Rubric" not in text, f"{grade_id} leaks its rubric"
        assert "checksum" in info["cell"].metadata["nbgrader"], f"{grade_id} has no nbgrader checksum"
        if info["kind"] == "tests":
            assert info["cell"].metadata["nbgrader"]["locked"], f"{grade_id} must be locked"
