"""The chart checks of this suite fail on a chart that a person would see blank.

A notebook with two charts runs in the same JupyterLab as the lessons: one with
Altair's default renderer, which loads Vega from a CDN (blank behind a firewall:
the failure this course is built to avoid), and one with the course's renderer.
The checks the lesson tests use must count both charts, pass the second, fail the
first, and record the first one's attempt to reach the internet.
"""

from __future__ import annotations

import nbformat
from lab_browser import drawing_problem
from lab_notebook import chart_outputs, open_notebook, run_all, save

CELLS = [
    "import altair as alt\nimport pandas as pd\n\nimport coursekit\n\ntable = pd.DataFrame({'x': [1, 2, 3]})",
    "alt.renderers.enable('default')\nalt.Chart(table, title='Needs the internet').mark_bar().encode(x='x:O')",
    "coursekit.setup_charts()\nalt.Chart(table, title='Drawn offline').mark_bar().encode(x='x:O')",
]


def test_a_chart_that_needs_the_internet_is_caught(lab_tab, lab_course):
    relative = "browser-self-check/two-charts.ipynb"
    (lab_course / relative).parent.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, lab_course / relative)

    notebook = open_notebook(lab_tab.page, lab_course, relative)
    run_all(notebook)
    ran = save(notebook)

    assert chart_outputs(ran) == [(1, 0), (2, 0)], "both charts are counted, whatever their renderer"
    assert drawing_problem(notebook.output(1, 0)) is not None, "the CDN chart is blank offline and must be caught"
    assert drawing_problem(notebook.output(2, 0)) is None, "the course's SVG chart draws"
    offsite = lab_tab.requests.urls
    assert any("vega" in url for url in offsite), f"the CDN requests were not recorded: {offsite}"
