"""A student's notebook from lessons/, opened and worked through in JupyterLab in Chromium.

What must hold for a student: the notebook opens with a kernel; run to the end
(Run All, then "Run Selected Cell and All Below" after each error, as a student
goes on past an exercise they have not done), only the exercise stubs (and the
test cells below them) fail, and every chart of
the worked examples draws; saving it from the browser keeps every cell's nbgrader
metadata, so the checksums that nbgrader uses to spot edited locked cells still
match and the submission grades.
"""

from __future__ import annotations

import nbformat
import pytest
from lab_browser import drawing_problem
from lab_notebook import chart_outputs, errors_by_cell, open_notebook, run_all_past_errors, save
from nbgrader.utils import compute_checksum
from notebooks import nbgrader_cells
from support import LESSONS, ROOT


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


@pytest.mark.parametrize("lesson", released_lessons())
def test_student_notebook_works_in_jupyterlab(lesson, lab_tab, lab_course, artifacts):
    relative = f"lessons/{lesson}/{lesson}.ipynb"
    original = nbformat.read(lab_course / relative, as_version=4)
    notebook = open_notebook(lab_tab.page, lab_course, relative)
    run_all_past_errors(notebook)
    saved = save(notebook)
    lab_tab.page.screenshot(path=artifacts / f"student-{lesson}.png")

    problems = run_problems(lesson, saved) + metadata_problems(lesson, original, saved)
    for cell_index, output_index in chart_outputs(saved):
        problem = drawing_problem(notebook.output(cell_index, output_index))
        if problem:
            problems.append(f"{lesson}: cell {cell_index}, chart output {output_index}: {problem}")
    offsite = lab_tab.requests.urls
    assert not offsite, f"{lesson}: the page asked for something outside this machine: {offsite}"
    assert not problems, "\n".join(problems)
