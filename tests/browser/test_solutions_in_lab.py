"""Every lesson's solution, run in JupyterLab in Chromium with no internet: no errors, every chart drawn.

What a person would see broken: a cell with a red traceback, or a chart that is
a blank space (the classic failure of Altair behind a firewall: its default
output loads Vega from a CDN). The expected charts are counted from the notebook
itself (every output that shows an Altair chart), so a chart added to a lesson is
checked without touching this file.
"""

from __future__ import annotations

import pytest
from lab_browser import drawing_problem
from lab_notebook import chart_outputs, errors_by_cell, open_notebook, run_all, save, unexecuted_cells
from support import LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_runs_in_jupyterlab_and_every_chart_draws(lesson, lab_tab, lab_course, artifacts):
    notebook = open_notebook(lab_tab.page, lab_course, f"solutions/{lesson}/{lesson}.ipynb")
    run_all(notebook)
    ran = save(notebook)

    problems = [f"{lesson}: cell {index} shows an error: {error}" for index, error in errors_by_cell(ran).items()]
    problems += [f"{lesson}: cell {index} never ran (Run All stopped before it)" for index in unexecuted_cells(ran)]
    charts = chart_outputs(ran)
    for cell_index, output_index in charts:
        output = notebook.output(cell_index, output_index)
        problem = drawing_problem(output)
        if problem:  # a picture of what went wrong; a drawn chart needs none (each costs a render)
            shot = artifacts / f"{lesson}-cell{cell_index:03d}-chart{output_index}.png"
            problems.append(f"{lesson}: cell {cell_index}, chart output {output_index}: {problem} (see {shot.name})")
            output.screenshot(path=shot)
    if charts:
        notebook.output(*charts[0]).scroll_into_view_if_needed()
    lab_tab.page.screenshot(path=artifacts / f"{lesson}.png")

    offsite = lab_tab.requests.urls
    assert not offsite, f"{lesson}: the page asked for something outside this machine: {offsite}"
    assert not problems, "\n".join(problems)
