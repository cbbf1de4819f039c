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
SAVE_TIMEOUT = 30.0
#: How often a wait re-reads the page, in ms: Playwright's default re-reads it at every animation frame,
#: keeping Chromium drawing frames while a lesson runs (a few per cent of its CPU, measured).
POLL_MS = 100

#: How IPython shows an Altair chart as text, whichever Altair renderer is active: the course's
#: renderer labels it "<Altair chart: ...>", Altair's "mimetype" and "json" renderers write
#: "<VegaLite 6 object>", the others leave the object's repr ("alt.LayerChart(...)").
ALTAIR_TEXT = re.compile(r"^(<Altair chart\b|<VegaLite \d+ object>|<Vega \d+ object>|alt\.\w*Chart\()")
VEGA_MIME = re.compile(r"^application/vnd\.vega(lite)?\.v\d+[.+]json$")

KERNEL_STATUS = '.jp-StatusBar-TextItem[title^="Change kernel"]'
#: The notebook. Each test closes every tab when it ends, and the next checks that exactly one notebook
#: is open: cells of two notebooks would share the same indices.
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

#: The batch that began at cell ``index`` has finished: that cell has its count, nothing is queued or
#: running, and the kernel is idle.
BATCH_FINISHED_JS = f"""
index => {{
    const prompts = [...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt')]
        .map(node => node.textContent.trim());
    const first = document.querySelector(
        `{NOTEBOOK} .jp-Cell[data-windowed-list-index="${{index}}"] .jp-InputArea-prompt`);
    const status = (document.querySelector('{KERNEL_STATUS}')?.textContent || '').trim();
    return !!first && /^\\[\\d+\\]:$/.test(first.textContent.trim())
        && !prompts.some(p => p.includes('*')) && /\\|\\s*Idle$/.test(status);
}}
"""

#: Cell index -> prompt text ("[3]:", "[ ]:") of every code cell, to find where a run stopped.
PROMPTS_JS = f"""
() => Object.fromEntries([...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell')].map(cell => [
    cell.dataset.windowedListIndex, cell.querySelector('.jp-InputArea-prompt')?.textContent.trim() || ''
]))
"""

DIRTY_TAB = ".lm-TabBar-tab.jp-mod-dirty"


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
        return self.cell(cell_index).locator(".jp-OutputArea-child").nth(output_index).locator(".jp-OutputArea-output")


def open_lab(page, lab: LabServer) -> None:
    """Load JupyterLab in ``page`` with a reset workspace (no tabs restored from an earlier visit)."""
    page.goto(lab.page("/lab") + "&reset")
    page.get_by_role("menuitem", name="File", exact=True).wait_for(timeout=OPEN_TIMEOUT_MS)


def open_notebook(page, root: Path, relative: str) -> OpenNotebook:
    """File > Open from Path… ``relative`` (under the server's root); return once its kernel is idle."""
    file = root / relative
    cell_count = len(nbformat.read(file, as_version=4).cells)
    menu(page, "File", "Open from Path…")
    path_field = page.locator(".jp-Dialog input")
    path_field.fill(relative)
    path_field.press("Enter")
    page.wait_for_function(CELLS_SHOWN_JS, arg=cell_count, timeout=OPEN_TIMEOUT_MS, polling=POLL_MS)
    page.wait_for_function(KERNEL_IDLE_JS, timeout=OPEN_TIMEOUT_MS, polling=POLL_MS)
    open_panels = page.locator(".jp-NotebookPanel").count()
    assert open_panels == 1, f"expected only {relative} open in JupyterLab, found {open_panels} notebooks"
    return OpenNotebook(page=page, file=file, cell_count=cell_count)


def close_all_tabs(page) -> None:
    """Save what is unsaved, then File > Close All Tabs, and wait until no notebook is open.

    Saving first keeps JupyterLab from asking whether to discard changes; the files
    are the throwaway course's.
    """
    if page.locator(DIRTY_TAB).count():
        page.keyboard.press("Control+s")
        page.locator(DIRTY_TAB).first.wait_for(state="detached", timeout=SAVE_TIMEOUT * 1000)
    menu(page, "File", "Close All Tabs")
    page.locator(".jp-NotebookPanel").first.wait_for(state="detached", timeout=OPEN_TIMEOUT_MS)


def run_all(notebook: OpenNotebook) -> None:
    """Run > Run All Cells, from the menu bar, then wait until the kernel is idle again."""
    menu(notebook.page, "Run", "Run All Cells")
    notebook.page.wait_for_function(RUN_FINISHED_JS, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)


def menu(page, name: str, item: str) -> None:
    """Choose ``item`` from the menu bar's ``name`` menu, as a person does."""
    page.get_by_role("menuitem", name=name, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def first_unrun_code_cell(notebook: OpenNotebook) -> int | None:
    """The first code cell with no execution count: where the last run stopped."""
    prompts = notebook.page.evaluate(PROMPTS_JS)
    unrun = [int(index) for index, prompt in prompts.items() if not re.search(r"\d", prompt)]
    return min(unrun) if unrun else None


def run_all_past_errors(notebook: OpenNotebook) -> None:
    """Run every code cell, going on after each error, as a student does with "Run All Below".

    Run All stops at the first error, and a student copy is meant to fail at every
    exercise stub yet run everything else. So: select the first cell that has not
    run, choose Run > Run Selected Cell and All Below, wait, and repeat from where
    that run stopped. Each round runs at least one more cell, so the loop ends.
    """
    start = first_unrun_code_cell(notebook)
    while start is not None:
        notebook.cell(start).locator(".jp-InputArea-prompt").click()
        menu(notebook.page, "Run", "Run Selected Cell and All Below")
        notebook.page.wait_for_function(BATCH_FINISHED_JS, arg=start, timeout=RUN_TIMEOUT_MS, polling=POLL_MS)
        start = first_unrun_code_cell(notebook)


def _saved_copy(notebook: OpenNotebook, before: int) -> nbformat.NotebookNode | None:
    """The notebook on disk once it has been rewritten completely (the server writes it in place)."""
    if notebook.file.stat().st_mtime_ns == before or notebook.page.locator(DIRTY_TAB).count():
        return None
    try:
        return nbformat.read(notebook.file, as_version=4)
    except ValueError:  # half-written: nbformat's NotJSONError is a ValueError
        return None


def save(notebook: OpenNotebook) -> nbformat.NotebookNode:
    """Ctrl+S, wait until the tab is no longer marked unsaved and the file on disk is whole; read it back."""
    before = notebook.file.stat().st_mtime_ns
    notebook.page.keyboard.press("Control+s")
    return wait_for(lambda: _saved_copy(notebook, before), SAVE_TIMEOUT, f"JupyterLab to save {notebook.file}")
