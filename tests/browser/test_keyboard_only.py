"""A learner who uses only the keyboard: run the whole student notebook, then reach every answer cell.

What must hold: once the notebook is open, Shift+Enter runs each cell in turn and
moves to the next, so the whole notebook runs, exercise stubs included, with no
mouse; at each exercise's answer cell, Enter puts the cursor in its editor, ready to
type; and the arrow keys lead back to an answer cell from anywhere. The test presses
only keys; it reads the page to know where the focus is and when a cell has finished.

After a cell that may raise (a stub, a test of an unanswered exercise) the test waits
for it, as a learner reads the error before going on: the kernel drops the cells
queued behind an error.
"""

from __future__ import annotations

import shutil

import nbformat
from lab_notebook import NOTEBOOK, first_unrun_code_cell, open_notebook
from support import LESSONS, ROOT

from tools.notebooks import nbgrader_cells

CELL_TIMEOUT_MS = 60_000

ACTIVE_CELL_JS = f"""
() => {{
    const active = document.querySelector('{NOTEBOOK} .jp-Cell.jp-mod-active');
    return active ? Number(active.dataset.windowedListIndex) : -1;
}}
"""

#: The cell at ``index`` has finished running: its prompt shows a count, not "*" or nothing.
CELL_DONE_JS = f"""
index => {{
    const prompt = document.querySelector(
        `{NOTEBOOK} .jp-Cell[data-windowed-list-index="${{index}}"] .jp-InputArea-prompt`);
    return !!prompt && /^\\[\\d+\\]:$/.test(prompt.textContent.trim());
}}
"""

#: Where the keyboard's focus is: inside the editor of the cell at ``index``, or in the notebook at all.
FOCUS_JS = f"""
index => {{
    const focused = document.activeElement;
    const cell = focused && focused.closest('{NOTEBOOK} .jp-Cell');
    return {{
        inNotebook: !!(focused && focused.closest('{NOTEBOOK}')),
        cell: cell ? Number(cell.dataset.windowedListIndex) : -1,
        editing: !!(focused && focused.closest('.cm-content') && cell
                    && Number(cell.dataset.windowedListIndex) === index),
    }};
}}
"""


def first_student_lesson() -> str:
    return next(name for name in LESSONS if (ROOT / "lessons" / name / f"{name}.ipynb").is_file())


def graded_kinds(nb: nbformat.NotebookNode) -> list[str]:
    """Each cell's nbgrader kind ("answer", "tests", ...), "plain" for a cell nbgrader does not grade."""
    kinds = {gid: info["kind"] for gid, info in nbgrader_cells(nb).items()}
    return [kinds.get(cell.metadata.get("nbgrader", {}).get("grade_id"), "plain") for cell in nb.cells]


def test_keyboard_alone_runs_the_notebook_and_reaches_every_answer_cell(lab_tab, lab_course, artifacts):
    lesson = first_student_lesson()
    relative = f"keyboard-check/{lesson}.ipynb"
    (lab_course / relative).parent.mkdir(exist_ok=True)
    shutil.copy2(lab_course / "lessons" / lesson / f"{lesson}.ipynb", lab_course / relative)
    nb = nbformat.read(lab_course / relative, as_version=4)
    notebook = open_notebook(lab_tab.page, lab_course, relative)
    page = lab_tab.page

    assert page.evaluate(FOCUS_JS, 0)["inNotebook"], "after opening, the keyboard's focus is not in the notebook"
    page.keyboard.press("Escape")  # command mode, whatever the opening left
    kinds = graded_kinds(nb)
    unreached = []
    for index, cell in enumerate(nb.cells):
        if kinds[index] == "answer":  # the learner's stop: Enter puts the cursor in the answer's editor
            active = page.evaluate(ACTIVE_CELL_JS)
            assert active == index, (
                f"{lesson}: Shift+Enter should have led to cell {index}, the active cell is {active}"
            )
            page.keyboard.press("Enter")
            focus = page.evaluate(FOCUS_JS, index)
            if not focus["editing"]:
                unreached.append(f"cell {index} (focus in cell {focus['cell']})")
        page.keyboard.press("Shift+Enter")
        if cell.cell_type == "code" and kinds[index] in {"answer", "tests"}:
            # a stub or a failing test raises, and the kernel then drops what is queued behind it
            page.wait_for_function(CELL_DONE_JS, arg=index, timeout=CELL_TIMEOUT_MS)
    page.wait_for_function(CELL_DONE_JS, arg=max(i for i, c in enumerate(nb.cells) if c.cell_type == "code"))
    unrun = first_unrun_code_cell(notebook)  # Shift+Enter on the last cell adds an empty one below it
    assert unrun is None or unrun >= len(nb.cells), f"{lesson}: cell {unrun} never ran with Shift+Enter"
    assert kinds.count("answer"), f"{lesson}: no answer cell to reach"
    assert not unreached, f"{lesson}: Enter did not put the cursor in the answer cell: {', '.join(unreached)}"

    # Back up with the arrow keys to the last answer cell, as a learner returning to an exercise does.
    page.keyboard.press("Escape")
    last_answer = max(i for i, kind in enumerate(kinds) if kind == "answer")
    presses = page.evaluate(ACTIVE_CELL_JS) - last_answer
    for _ in range(presses):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.screenshot(path=artifacts / f"keyboard-{lesson}.png")
    focus = page.evaluate(FOCUS_JS, last_answer)
    assert focus["editing"], f"{lesson}: {presses} ArrowUp and Enter left the focus in cell {focus['cell']}"
