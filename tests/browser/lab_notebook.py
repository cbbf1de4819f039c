"""A notebook in JupyterLab, driven the way a person does, and read back the way nbgrader does.

Why read back the saved file: after running the cells in the browser the test
saves the notebook (Ctrl+S, as a student would before submitting). The file then
holds exactly what JupyterLab's model holds: which cell raised what, which
outputs are charts, and whether the nbgrader metadata survived a round trip
through the browser. The page itself is then asked whether each chart was drawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from lab_server import LabServer, wait_for

OPEN_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 180_000
CELL_TIMEOUT_MS = 60_000  # nbgrader's own per-cell limit (c.Execute.timeout)
SAVE_TIMEOUT = 30.0

#: How IPython shows an Altair chart as text, whichever Altair renderer is active: the course's
#: renderer labels it "<Altair chart: ...>", Altair's own renderers leave the object's repr.
ALTAIR_TEXT = re.compile(r"^(<Altair chart\b|alt\.\w*Chart\()")
VEGA_MIME = re.compile(r"^application/vnd\.vega(lite)?\.v\d+\+json$")

KERNEL_STATUS = '.jp-StatusBar-TextItem[title^="Change kernel"]'
#: The notebook. Each test opens a page with a reset workspace and checks that exactly one notebook is
#: open: JupyterLab otherwise restores the tabs of earlier tests, whose cells share the same indices.
NOTEBOOK = ".jp-NotebookPanel .jp-Notebook"

KERNEL_IDLE_JS = f"""
() => /\\|\\s*Idle$/.test((document.querySelector('{KERNEL_STATUS}')?.textContent || '').trim())
"""

CELLS_SHOWN_JS = f"""
count => document.querySelectorAll('{NOTEBOOK} .jp-Cell').length === count
"""

#: Run All has finished: something ran, nothing is queued or running, and the kernel is idle.
RUN_FINISHED_JS = f"""
() => {{
    const prompts = [...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt')]
        .map(node => node.textContent.trim());
    const status = (document.querySelector('{KERNEL_STATUS}')?.textContent || '').trim();
    return prompts.some(p => /\\d/.test(p)) && !prompts.some(p => p.includes('*')) && /\\|\\s*Idle$/.test(status);
}}
"""

CELL_RAN_JS = f"""
index => {{
    const prompt = document.querySelector(
        `{NOTEBOOK} .jp-Cell[data-windowed-list-index="${{index}}"] .jp-InputArea-prompt`);
    const status = (document.querySelector('{KERNEL_STATUS}')?.textContent || '').trim();
    return !!prompt && /^\\[\\d+\\]:$/.test(prompt.textContent.trim()) && /\\|\\s*Idle$/.test(status);
}}
"""


def is_chart_output(output: dict) -> bool:
    """An output that shows an Altair chart (display_data or execute_result)."""
    if output.get("output_type") not in {"display_data", "execute_result"}:
        return False
    data = output.get("data", {})
    if any(VEGA_MIME.match(mime) for mime in data):
        return True
    return bool(ALTAIR_TEXT.match(str(data.get("text/plain", ""))))


def chart_outputs(nb: nbformat.NotebookNode) -> list[tuple[int, int]]:
    """(cell index, output index) of every chart the notebook shows: the charts a page must draw."""
    return [
        (cell_index, output_index)
        for cell_index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for output_index, output in enumerate(cell.outputs)
        if is_chart_output(output)
    ]


def errors_by_cell(nb: nbformat.NotebookNode) -> dict[int, str]:
    """cell index -> "Name: message" of the first error that cell shows."""
    found = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if errors:
            found[index] = f"{errors[0].ename}: {errors[0].evalue}"
    return found


def unexecuted_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Code cells with no execution count: Run All stopped before them."""
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.execution_count is None]


@dataclass
class OpenNotebook:
    """A notebook open in a JupyterLab tab, and the file on disk behind it."""

    page: object
    file: Path
    cell_count: int

    def cell(self, index: int):
        return self.page.locator(f'{NOTEBOOK} .jp-Cell[data-windowed-list-index="{index}"]')

    def output(self, cell_index: int, output_index: int):
        """The rendered output element; one child per output, in the order of the saved file."""
        return self.cell(cell_index).locator(".jp-OutputArea-child").nth(output_index).locator(
            ".jp-OutputArea-output"
        )


def open_notebook(page, lab: LabServer, root: Path, relative: str) -> OpenNotebook:
    """Open ``relative`` (under the server's root) in JupyterLab; return once its kernel is idle."""
    file = root / relative
    cell_count = len(nbformat.read(file, as_version=4).cells)
    page.goto(lab.page(f"/lab/tree/{relative}") + "&reset")  # a clean workspace: no tabs left from other tests
    page.wait_for_function(CELLS_SHOWN_JS, arg=cell_count, timeout=OPEN_TIMEOUT_MS)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=OPEN_TIMEOUT_MS)
    open_panels = page.locator(".jp-NotebookPanel").count()
    assert open_panels == 1, f"expected only {relative} open in JupyterLab, found {open_panels} notebooks"
    return OpenNotebook(page=page, file=file, cell_count=cell_count)


def run_all(notebook: OpenNotebook) -> None:
    """Run > Run All Cells, from the menu bar, then wait until the kernel is idle again."""
    page = notebook.page
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(RUN_FINISHED_JS, timeout=RUN_TIMEOUT_MS)


def run_cell(notebook: OpenNotebook, index: int) -> None:
    """Select one cell and press Ctrl+Enter; wait until it has its execution count and the kernel is idle."""
    notebook.cell(index).locator(".jp-InputArea-prompt").click()
    notebook.page.keyboard.press("Control+Enter")
    notebook.page.wait_for_function(CELL_RAN_JS, arg=index, timeout=CELL_TIMEOUT_MS)


def run_each_code_cell(notebook: OpenNotebook) -> None:
    """Run the code cells one at a time, top to bottom, as a student working through does.

    Not Run All: Run All stops at the first error, and a student copy is meant to
    fail at every exercise stub yet run everything else.
    """
    nb = nbformat.read(notebook.file, as_version=4)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            run_cell(notebook, index)


def save(notebook: OpenNotebook) -> nbformat.NotebookNode:
    """Ctrl+S, wait until the file on disk is rewritten, and read it back."""
    before = notebook.file.stat().st_mtime_ns
    notebook.page.keyboard.press("Control+s")
    wait_for(lambda: notebook.file.stat().st_mtime_ns != before, SAVE_TIMEOUT, f"JupyterLab to save {notebook.file}")
    return nbformat.read(notebook.file, as_version=4)
