"""Benchmark: how long each solution notebook takes, against a kernel that only imports.

    python -m tools.bench_notebooks [LESSON ...]      (make bench)

For each lesson, two notebooks run in the lesson's folder, each in a fresh kernel
and timed from kernel start to the last cell: the solution itself, and a baseline
made of the solution's own import statements and nothing else. The ratio
solution / baseline is what the course promises to keep at or under 2.0: the
analysis a lesson asks for should cost no more than starting the tools it uses.
One untimed warm-up run first fills the disk cache and .pyc files, so the first
lesson is not penalised. Not a test: timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools.notebooks import ROOT, lesson_names

LIMIT = 2.0


def import_lines(nb: nbformat.NotebookNode) -> list[str]:
    """Every import statement in the notebook's code cells, in order, without duplicates."""
    lines: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                line = ast.unparse(node)
                if line not in lines:
                    lines.append(line)
    return lines


def baseline_for(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("\n".join(import_lines(nb)))], metadata=nb.metadata
    )


def run_seconds(nb: nbformat.NotebookNode, folder: Path) -> float:
    """Wall-clock seconds to start a kernel and run every cell of ``nb`` in ``folder``."""
    copy = nbformat.from_dict(nb)
    start = time.perf_counter()
    NotebookClient(copy, timeout=300, resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("lessons", nargs="*", help="default: every lesson")
    args = parser.parse_args(argv)
    lessons = args.lessons or lesson_names()
    first = ROOT / "solutions" / lessons[0]
    run_seconds(baseline_for(nbformat.read(first / f"{lessons[0]}.ipynb", as_version=4)), first)
    print(f"{'lesson':<20} {'baseline s':>10} {'solution s':>10} {'ratio':>6}")
    worst = 0.0
    for lesson in lessons:
        folder = ROOT / "solutions" / lesson
        nb = nbformat.read(folder / f"{lesson}.ipynb", as_version=4)
        baseline = run_seconds(baseline_for(nb), folder)
        solution = run_seconds(nb, folder)
        ratio = solution / baseline
        worst = max(worst, ratio)
        flag = "" if ratio <= LIMIT else f"  over {LIMIT}"
        print(f"{lesson:<20} {baseline:>10.2f} {solution:>10.2f} {ratio:>6.2f}{flag}")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
