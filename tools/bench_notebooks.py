"""Benchmark: how long each solution notebook takes, against a kernel that only imports.

    python -m tools.bench_notebooks [LESSON ...]      (make bench)

For each lesson, two notebooks run in the lesson's folder, each in a fresh kernel
and timed from kernel start to the last cell: the solution itself, and a baseline
that only starts the tools the solution uses: its own import statements, then, if
it draws charts, the course's chart set-up and one one-point chart (the renderer,
a JavaScript engine, starts on a kernel's first chart: a fixed cost of charting,
not of the analysis). The ratio solution / baseline is what the course promises to
keep at or under 2.0: the analysis a lesson asks for should cost no more than
starting the tools it uses. Each notebook runs three times and the median counts
(a single kernel start varies by a second on a busy machine); one untimed warm-up
run first fills the disk cache and .pyc files. Not a test: timings depend on the
machine's load.
"""

from __future__ import annotations

import argparse
import ast
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from tools.notebooks import ROOT, lesson_names

LIMIT = 2.0
RUNS = 3
#: What a charting lesson's baseline runs after its imports: the chart set-up and a first, tiny chart.
START_CHARTS = (
    "import altair as alt\nimport coursekit\nimport pandas as pd\n"
    "coursekit.setup_charts()\n"
    'alt.Chart(pd.DataFrame({"x": [0]})).mark_point().encode(x="x:Q")'
)


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


def draws_charts(nb: nbformat.NotebookNode) -> bool:
    return any(cell.cell_type == "code" and "setup_charts()" in cell.source for cell in nb.cells)


def baseline_for(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The solution's imports, and (for a lesson with charts) the renderer started by one tiny chart."""
    cells = [nbformat.v4.new_code_cell("\n".join(import_lines(nb)))]
    if draws_charts(nb):
        cells.append(nbformat.v4.new_code_cell(START_CHARTS))
    return nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)


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
        baseline = statistics.median(run_seconds(baseline_for(nb), folder) for _ in range(RUNS))
        solution = statistics.median(run_seconds(nb, folder) for _ in range(RUNS))
        ratio = solution / baseline
        worst = max(worst, ratio)
        flag = "" if ratio <= LIMIT else f"  over {LIMIT}"
        print(f"{lesson:<20} {baseline:>10.2f} {solution:>10.2f} {ratio:>6.2f}{flag}")
    return 0 if worst <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
