"""A student's notebook from lessons/, opened and worked through in JupyterLab in Chromium.

What must hold for a student: the notebook opens with a kernel; worked through to
the end (Run All, then "Run Selected Cell and All Below" after each error, as a
student goes on past an exercise they have not done), only the exercise stubs and
the test cells below them fail, and every chart of the worked examples draws;
saving it from the browser keeps every cell's nbgrader metadata, so the checksums
nbgrader uses to spot edited locked cells still match and the submission grades.

The first lesson is worked through to the end. Every other lesson is opened, run
with Run All (which must stop at its first exercise stub, and nowhere before) and
saved: going past each stub costs a round of clicks per stub, and
tests/test_student_notebooks.py already runs every student copy to the end outside
the browser. That keeps the suite inside its time budget as lessons are added.
"""

from __future__ import annotations

import nbformat
import pytest
from lab_browser import drawing_problem
from lab_notebook import (
    chart_outputs,
    errors_by_cell,
    open_notebook,
    run_all,
    run_all_past_errors,
    save,
    unexecuted_cells,
)
from nbgrader.utils import compute_checksum
from support import LESSONS, ROOT

from tools.notebooks import nbgrader_cells


def released_lessons() -> list[str]:
    """The lessons that have a student copy in lessons/ (a lesson being written may not have one yet)."""
    return [name for name in LESSONS if (ROOT / "lessons" / name / f"{name}.ipynb").is_file()]


def run_problems(lesson: str, ran: nbformat.NotebookNode) -> list[str]:
    """Cells that fail when they should not, or pass when they should fail (an unanswered exercise)."""
    kinds = {gid: info["kind"] for gid, info in nbgrader_cells(ran).items()}
    errors = errors_by_cell(ran)
    problems = []
    for index, cell in enumerate(ran.cells):
        if cell.cell_type != "code":
            continue
        kind = kinds.get(cell.metadata.get("nbgrader", {}).get("grade_id"), "plain")
        error = errors.get(index)
        if kind == "answer" and not (error or "").startswith("NotImplementedError"):
            problems.append(f"{lesson}: cell {index} is an exercise stub but shows {error or 'no error'}")
        elif kind == "tests" and not error:
            problems.append(f"{lesson}: cell {index} holds tests that pass on an unanswered exercise")
        elif kind not in {"answer", "tests"} and error:
            problems.append(f"{lesson}: cell {index} (not an exercise) shows an error: {error}")
    return problems


def metadata_problems(lesson: str, original: nbformat.NotebookNode, saved: nbformat.NotebookNode) -> list[str]:
    """Differences in nbgrader metadata after a round trip through JupyterLab, and broken checksums."""
    if len(saved.cells) != len(original.cells):
        return [f"{lesson}: {len(original.cells)} cells before saving, {len(saved.cells)} after"]
    problems = []
    for index, (before, after) in enumerate(zip(original.cells, saved.cells, strict=True)):
        meta, was = after.metadata.get("nbgrader"), before.metadata.get("nbgrader")
        if meta != was:
            problems.append(f"{lesson}: cell {index} nbgrader metadata changed: {was} -> {meta}")
        elif meta and "checksum" in meta and compute_checksum(after) != meta["checksum"]:
            problems.append(f"{lesson}: cell {index} ({meta['grade_id']}) no longer matches its nbgrader checksum")
    return problems


def first_stub_problems(lesson: str, ran: nbformat.NotebookNode) -> list[str]:
    """After Run All: it must have stopped at the first exercise stub, with every cell before it run."""
    kinds = {gid: info["kind"] for gid, info in nbgrader_cells(ran).items()}
    stubs = [
        index
        for index, cell in enumerate(ran.cells)
        if kinds.get(cell.metadata.get("nbgrader", {}).get("grade_id")) == "answer" and cell.cell_type == "code"
    ]
    errors = errors_by_cell(ran)
    first_error = min(errors, default=None)
    expected = stubs[0] if stubs else None
    if first_error != expected:
        where = f"an error in cell {first_error} ({errors[first_error]})" if errors else "no error"
        return [f"{lesson}: Run All met {where}; it should stop at the first exercise stub, cell {expected}"]
    if expected is not None and not errors[expected].startswith("NotImplementedError"):
        return [f"{lesson}: the first exercise stub, cell {expected}, raised {errors[expected]}"]
    last = expected if expected is not None else len(ran.cells)
    return [
        f"{lesson}: cell {index} did not run before the first exercise stub"
        for index, cell in enumerate(ran.cells[:last])
        if cell.cell_type == "code" and cell.execution_count is None
    ]


def chart_problems(lesson: str, notebook, ran: nbformat.NotebookNode) -> list[str]:
    """Every chart the student's run shows is drawn."""
    problems = []
    for cell_index, output_index in chart_outputs(ran):
        problem = drawing_problem(notebook.output(cell_index, output_index))
        if problem:
            problems.append(f"{lesson}: cell {cell_index}, chart output {output_index}: {problem}")
    return problems


def check(lesson: str, lab_tab, problems: list[str]) -> None:
    """Fail with every problem found, and with any request the page made off this machine."""
    offsite = lab_tab.requests.urls
    assert not offsite, f"{lesson}: the page asked for something outside this machine: {offsite}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", released_lessons()[:1])
def test_student_notebook_runs_with_only_the_stubs_failing(lesson, lab_tab, lab_course, artifacts):
    relative = f"lessons/{lesson}/{lesson}.ipynb"
    original = nbformat.read(lab_course / relative, as_version=4)
    notebook = open_notebook(lab_tab.page, lab_course, relative)
    run_all_past_errors(notebook)
    saved = save(notebook)
    lab_tab.page.screenshot(path=artifacts / f"student-{lesson}.png")

    problems = run_problems(lesson, saved) + metadata_problems(lesson, original, saved)
    problems += [f"{lesson}: cell {index} never ran" for index in unexecuted_cells(saved)]
    check(lesson, lab_tab, problems + chart_problems(lesson, notebook, saved))


@pytest.mark.parametrize("lesson", released_lessons()[1:])
def test_student_notebook_opens_runs_to_its_first_stub_and_keeps_its_metadata(lesson, lab_tab, lab_course, artifacts):
    relative = f"lessons/{lesson}/{lesson}.ipynb"
    original = nbformat.read(lab_course / relative, as_version=4)
    notebook = open_notebook(lab_tab.page, lab_course, relative)
    run_all(notebook)
    saved = save(notebook)
    lab_tab.page.screenshot(path=artifacts / f"student-{lesson}.png")

    problems = first_stub_problems(lesson, saved) + metadata_problems(lesson, original, saved)
    check(lesson, lab_tab, problems + chart_problems(lesson, notebook, saved))
