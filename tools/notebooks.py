"""Notebook plumbing for the repository's own tools and tests (not for learners).

- ``normalise``: strip outputs and execution counts, keep only the metadata that
  matters (kernelspec, language, nbgrader), give every cell a stable id. Run by
  ``make format`` and required by a test, so diffs stay readable.
- ``nbgrader_cells``: the graded cells of a notebook by grade_id, for tests.
- Cell constructors (``md``, ``code``, ``answer``, ``tests``, ``reflection``) for
  writing a lesson with a script; the .ipynb in solutions/ stays the source.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
KEEP_CELL_METADATA = ("nbgrader", "tags")
ID_OK = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def venv_env(**extra: str) -> dict[str, str]:
    """The environment for child processes, with this Python's bin/ first on PATH.

    nbgrader shells out to ``alembic`` by name when it opens a gradebook, so a
    child started with the venv's Python alone fails unless its bin/ is on PATH.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(extra)
    return env


#: What an instructor's course folder holds, as far as nbgrader and the lessons need.
COURSE_PARTS = ("solutions", "lessons", "datasets", "nbgrader_config.py")


def copy_course(destination: Path) -> Path:
    """A throwaway copy of the course, for grading runs that must not touch the repository."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in COURSE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, destination / part)
        else:
            shutil.copy2(source, destination / part)
    return destination


def lesson_names(root: Path = ROOT) -> list[str]:
    """Every lesson, by folder name (``00-day-one``), from solutions/."""
    return sorted(
        p.name for p in (root / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file()
    )


def notebook_path(root: Path, step: str, lesson: str) -> Path:
    return root / step / lesson / f"{lesson}.ipynb"


def normalise_node(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``nb`` stripped to what a reader or nbgrader needs."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        cell.metadata = nbformat.from_dict(
            {k: cell.metadata[k] for k in KEEP_CELL_METADATA if k in cell.metadata}
        )
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            if cell.cell_type == "markdown":
                cell.pop("attachments", None)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        wanted = grade_id or cell.get("id") or f"cell-{index:03d}"
        if not ID_OK.match(wanted) or wanted in seen:
            wanted = f"cell-{index:03d}"
        cell.id = wanted
        seen.add(wanted)
        if isinstance(cell.source, list):
            cell.source = "".join(cell.source)
    return nb


def normalised_text(nb: nbformat.NotebookNode) -> str:
    """The canonical bytes of a notebook: nbformat's own layout plus a final newline."""
    return nbformat.writes(normalise_node(nb)) + "\n"


def normalise_file(path: Path) -> bool:
    """Rewrite ``path`` in canonical form; return True if it changed."""
    before = path.read_text(encoding="utf-8")
    after = normalised_text(nbformat.reads(before, as_version=4))
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def nbgrader_cells(nb: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """grade_id -> {cell, kind, points} for every cell nbgrader knows about."""
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        if meta.get("solution") and not meta.get("grade"):
            kind = "answer"
        elif meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            kind = "tests"
        elif meta.get("grade") and meta.get("solution"):
            kind = "manual"
        elif meta.get("task"):
            kind = "task"
        else:
            kind = "readonly"
        cells[meta["grade_id"]] = {"cell": cell, "kind": kind, "points": meta.get("points", 0)}
    return cells


# --- cell constructors for writing lessons with a script -------------------------------


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(src: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(src.strip("\n"))


def answer(grade_id: str, src: str) -> nbformat.NotebookNode:
    """An autograded answer cell: put the solution between BEGIN/END SOLUTION."""
    cell = code(src)
    cell.metadata = _meta(grade_id, grade=False, solution=True, locked=False)
    return cell


def tests(grade_id: str, src: str, points: float) -> nbformat.NotebookNode:
    """A locked autograder test cell (visible asserts, then a HIDDEN TESTS block)."""
    cell = code(src)
    cell.metadata = _meta(grade_id, grade=True, solution=False, locked=True, points=points)
    return cell


def reflection(grade_id: str, text: str, points: float) -> nbformat.NotebookNode:
    """A manually graded markdown answer; the model answer and rubric sit in the solution."""
    cell = md(text)
    cell.metadata = _meta(grade_id, grade=True, solution=True, locked=False, points=points)
    return cell


def write(cells: list[nbformat.NotebookNode], path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(normalised_text(nb), encoding="utf-8")


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def dumps_json(data: Any) -> str:
    return json.dumps(data, indent=1, sort_keys=True)
