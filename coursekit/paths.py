"""Finding ``datasets/`` from wherever a notebook happens to run.

A notebook's working directory differs by user: ``lessons/NN-slug/`` on Binder
or a laptop, ``solutions/NN-slug/`` for an instructor, ``autograded/<student>/NN-slug/``
during grading, or ``~/NN-slug/`` after ``nbgrader fetch_assignment`` on a
JupyterHub, far from the repository. So the search tries, in order:

1. the folder named by the ``COURSE_DATASETS`` environment variable;
2. a ``datasets/`` folder in the working directory or any folder above it;
3. the ``datasets/`` folder beside this package (an editable install or a clone);
4. the copy a regular ``pip install`` puts under ``<prefix>/share/customer-obsession/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from coursekit.errors import DatasetError

ENV_VAR = "COURSE_DATASETS"
MARKER_TITLE = "# Customer Obsession datasets"


def is_datasets_dir(path: Path) -> bool:
    """True when ``path`` is the course's datasets folder (its README starts with our title).

    Checking the title, not just the name, keeps a student's own ``datasets/``
    folder higher up the tree from being picked by mistake.
    """
    readme = path / "README.md"
    try:
        with readme.open(encoding="utf-8") as handle:
            return handle.readline().strip() == MARKER_TITLE
    except (OSError, UnicodeDecodeError):
        return False


def installed_locations() -> list[Path]:
    """Where an installed course keeps its data: beside the package, then under the prefix."""
    return [
        Path(__file__).resolve().parent.parent / "datasets",
        Path(sys.prefix) / "share" / "customer-obsession" / "datasets",
    ]


def candidate_dirs(start: Path | None = None) -> list[Path]:
    """Every place the search looks, in the order it looks there."""
    start = Path.cwd() if start is None else Path(start)
    start = start.resolve()
    return [folder / "datasets" for folder in (start, *start.parents)] + installed_locations()


def find_datasets_dir(start: Path | str | None = None) -> Path:
    """Return the course's ``datasets/`` folder, or explain how to make it findable."""
    override = os.environ.get(ENV_VAR)
    if override:
        path = Path(override).expanduser()
        if is_datasets_dir(path):
            return path.resolve()
        raise DatasetError(
            f"{ENV_VAR} is set to {override!r}, but that folder is not the course's "
            f"datasets folder (it needs the course's datasets/README.md). Point {ENV_VAR} "
            "at the datasets/ folder of your copy of the course, or unset it."
        )
    searched = candidate_dirs(None if start is None else Path(start))
    for path in searched:
        if is_datasets_dir(path):
            return path
    places = "\n  ".join(str(p) for p in searched)
    raise DatasetError(
        "Could not find the course's datasets/ folder. Looked in:\n  "
        f"{places}\n"
        "Open the notebook from inside a copy of the course repository, or install the "
        "course into this Python environment (pip install -e <course folder>), or set the "
        f"environment variable {ENV_VAR} to the path of its datasets/ folder."
    )
