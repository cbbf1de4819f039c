"""Notebook plumbing for the repository's own tools and tests (not for learners).

- ``normalise_file``: strip outputs and metadata with nbconvert's own preprocessors,
  then keep the course's canonical kernelspec and give every cell a stable id.
  Run by ``make format`` (and the pre-commit hook); a test requires it, so diffs
  stay readable.
- ``nbgrader_cells``: the graded cells of a notebook by grade_id, classified with
  nbgrader's own cell predicates.
- ``copy_course``, ``lesson_names``, ``venv_env``: what grading runs need.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor
from nbgrader.utils import is_grade, is_locked, is_solution, is_task

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}
KEEP_CELL_METADATA = {"nbgrader", "tags"}
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
            shutil.copytree(source, destination / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy2(source, destination / part)
    return destination


def lesson_names(root: Path = ROOT) -> list[str]:
    """Every lesson, by folder name (``00-day-one``), from solutions/."""
    return sorted(p.name for p in (root / "solutions").iterdir() if (p / f"{p.name}.ipynb").is_file())


def notebook_path(root: Path, step: str, lesson: str) -> Path:
    return root / step / lesson / f"{lesson}.ipynb"


def read_lesson(step: str, lesson: str, root: Path = ROOT) -> nbformat.NotebookNode:
    """``solutions/`` or ``lessons/`` copy of a lesson, as a fresh object the caller may change.

    Tests read each notebook many times; it is parsed and validated once per process.
    """
    return nbformat.from_dict(_parsed(str(notebook_path(root, step, lesson))))


@functools.lru_cache(maxsize=64)
def _parsed(path: str) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def normalise_node(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Return ``nb`` stripped to what a reader or nbgrader needs."""
    nb, _ = ClearOutputPreprocessor().preprocess(nb, {})
    nb, _ = ClearMetadataPreprocessor(preserve_cell_metadata_mask=KEEP_CELL_METADATA).preprocess(nb, {})
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
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


def cell_kind(cell: nbformat.NotebookNode) -> str:
    """What nbgrader makes of a cell: answer, tests, manual (graded by hand), task or readonly."""
    if is_solution(cell) and not is_grade(cell):
        return "answer"
    if is_grade(cell) and not is_solution(cell) and cell.cell_type == "code":
        return "tests"
    if is_grade(cell) and is_solution(cell):
        return "manual"
    if is_task(cell):
        return "task"
    return "readonly" if is_locked(cell) else "other"


def nbgrader_cells(nb: nbformat.NotebookNode) -> dict[str, dict[str, Any]]:
    """grade_id -> {cell, kind, points} for every cell nbgrader knows about."""
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta:
            cells[meta["grade_id"]] = {"cell": cell, "kind": cell_kind(cell), "points": meta.get("points", 0)}
    return cells
