"""Every lesson's solution, run in JupyterLab in Chromium with no internet: no errors, every chart drawn
and read, no accessibility violation in the course's content.

What a person would see broken: a cell with a red traceback, or a chart that is
a blank space (the classic failure of Altair behind a firewall: its default
output loads Vega from a CDN). The expected charts are counted from the notebook
itself (every output that shows an Altair chart), so a chart added to a lesson is
checked without touching this file.

What a screen-reader user would find broken (the same run, the same tab):
- axe-core (default rules) fails on any violation whose element lies in what the
  lesson wrote (markdown, tables, charts, any output); violations of JupyterLab's own
  interface are listed in test-artifacts/browser/axe-<lesson>.json, not failed. The
  interface is checked on the first lesson only: it is the same on every page, and
  checking it costs several seconds a notebook.
- charts, in Chromium's accessibility tree (every chart of the first lesson, the first
  chart of each other lesson: one renderer writes them all): an image with the name and
  description the kernel wrote, and the toggle of its data table; the first chart's
  table is opened with the keyboard and must read as a table named by its caption.

An untrusted copy (outputs nobody signed: a notebook sent by someone else) goes
through JupyterLab's HTML sanitiser, which drops every <svg>; the last test opens one
and checks that each chart still shows as an image with its name, its description and
its data table, and that no chart leaves its tick labels behind as run-on text.
"""

from __future__ import annotations

import json
import time

import nbformat
import pytest
from lab_axe import check_page, content_problems, write_report
from lab_browser import drawing_problem
from lab_notebook import (
    chart_outputs,
    close_all_tabs,
    errors_by_cell,
    open_notebook,
    run_all,
    save,
    unexecuted_cells,
)
from lab_reading import chart_reading_problems, laid_out_ax_node, written_chart
from support import LESSONS

#: The notebooks the solution test ran in this session, as saved: the untrusted-copy test starts from one.
RAN: dict[str, nbformat.NotebookNode] = {}


def chart_html(nb: nbformat.NotebookNode, cell_index: int, output_index: int) -> str:
    return str(nb.cells[cell_index].outputs[output_index].get("data", {}).get("text/html", ""))


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_runs_in_jupyterlab_and_every_chart_draws(lesson, lab_tab, lab_course, artifacts, axe_ready):
    notebook = open_notebook(lab_tab.page, lab_course, f"solutions/{lesson}/{lesson}.ipynb")
    run_all(notebook)
    ran = save(notebook)
    RAN[lesson] = ran

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

    report = check_page(lab_tab.page, lesson, whole=lesson == LESSONS[0])
    problems += content_problems(report)
    started = time.perf_counter()
    cdp = lab_tab.page.context.new_cdp_session(lab_tab.page)
    try:
        # Every chart of the first lesson, the first chart of the others: one renderer writes them all
        # (coursekit/charts.py), so one lesson's charts prove the markup; each reading costs seconds.
        read = charts if lesson == LESSONS[0] else charts[:1]
        for number, (cell_index, output_index) in enumerate(read):
            written = written_chart(chart_html(ran, cell_index, output_index))
            where = f"{lesson}: cell {cell_index}, chart output {output_index}"
            output = notebook.output(cell_index, output_index)
            problems += chart_reading_problems(cdp, output, written, where, open_table=number == 0)
    finally:
        cdp.detach()
    report.seconds["reading charts"] = time.perf_counter() - started
    write_report(artifacts, report)
    if charts:
        notebook.output(*charts[0]).scroll_into_view_if_needed()
    lab_tab.page.screenshot(path=artifacts / f"{lesson}.png")

    offsite = lab_tab.requests.urls
    assert not offsite, f"{lesson}: the page asked for something outside this machine: {offsite}"
    assert not problems, "\n".join(problems)


#: In an untrusted output, the figure shows nothing but the caption and the data table's toggle:
#: no tick label, axis title or legend entry of the stripped SVG left behind as text.
UNTRUSTED_CHART_JS = """
output => {
  const figure = output.querySelector('figure.course-chart');
  const image = figure && figure.querySelector('img.course-chart-img');
  const shown = node => node && getComputedStyle(node).display !== 'none';
  return {
    trusted: output.classList.contains('jp-mod-trusted'),
    figure: !!figure,
    svgs: output.querySelectorAll('svg').length,
    image: image ? {alt: image.alt, drawn: image.complete && image.naturalWidth > 0, shown: shown(image)} : null,
    caption: figure?.querySelector('figcaption')?.textContent.trim() ?? null,
    tableCaptions: [...output.querySelectorAll('details table caption')].map(c => c.textContent.trim()),
    text: output.innerText.split('\\n').map(line => line.trim()).filter(Boolean),
  };
}
"""


def untrusted_chart_problems(cdp, output, written, where: str) -> list[str]:
    seen = output.evaluate(UNTRUSTED_CHART_JS)
    if seen["trusted"] or not seen["figure"]:
        return [f"{where}: expected an untrusted output holding the course's figure, got {json.dumps(seen)[:300]}"]
    problems = []
    image = seen["image"] or {}
    if seen["svgs"] or not (image.get("drawn") and image.get("shown")) or image.get("alt") != written.name:
        problems.append(f"{where}: the sanitised chart should show its image, alt {written.name!r}: {seen}")
    caption = seen["caption"] or ""
    if not caption.startswith(written.description):
        problems.append(f"{where}: caption {caption!r}, expected the description {written.description!r}")
    if seen["tableCaptions"] != written.captions:
        problems.append(f"{where}: data tables {seen['tableCaptions']} instead of {written.captions}")
    stray = [line for line in seen["text"] if line not in caption and "Data behind this chart" not in line]
    if stray:
        problems.append(f"{where}: text left over from the stripped SVG: {stray[:5]}")
    node = laid_out_ax_node(cdp, output.locator("img.course-chart-img"))
    if (node.role, node.name) != ("image", written.name):
        problems.append(f"{where}: Chromium reads the sanitised chart as {node.role!r} {node.name!r}")
    return problems


def test_an_untrusted_copy_still_shows_and_describes_every_chart(lab_tab, lab_course, artifacts, axe_ready):
    lesson = LESSONS[0]
    ran = RAN.get(lesson)
    if ran is None:  # the solution test did not run first in this session: run the lesson here
        notebook = open_notebook(lab_tab.page, lab_course, f"solutions/{lesson}/{lesson}.ipynb")
        run_all(notebook)
        ran = save(notebook)
        close_all_tabs(lab_tab.page)
    copy = nbformat.from_dict(ran)
    copy.metadata["a11y_untrusted_copy"] = True  # new content, so no signature JupyterLab knows matches it
    relative = f"solutions/{lesson}/untrusted-copy-of-{lesson}.ipynb"
    nbformat.write(copy, lab_course / relative)

    notebook = open_notebook(lab_tab.page, lab_course, relative)
    charts = chart_outputs(copy)
    problems = [] if charts else [f"{lesson}: no chart to check"]
    cdp = lab_tab.page.context.new_cdp_session(lab_tab.page)
    try:
        for cell_index, output_index in charts:
            written = written_chart(chart_html(copy, cell_index, output_index))
            where = f"untrusted {lesson}: cell {cell_index}, chart output {output_index}"
            output = notebook.output(cell_index, output_index)
            output.scroll_into_view_if_needed()
            problems += untrusted_chart_problems(cdp, output, written, where)
    finally:
        cdp.detach()
    empty_headers = lab_tab.page.evaluate(
        "() => [...document.querySelectorAll('.jp-OutputArea-output table th')]"
        ".filter(th => !th.textContent.trim()).length"
    )
    if empty_headers:
        problems.append(f"untrusted {lesson}: {empty_headers} empty table header cells")
    notebook.output(*charts[0]).scroll_into_view_if_needed()
    lab_tab.page.screenshot(path=artifacts / f"untrusted-{lesson}.png")
    write_report(artifacts, check_page(lab_tab.page, f"untrusted-{lesson}", whole=False))  # listed, not failed
    assert not problems, "\n".join(problems)
