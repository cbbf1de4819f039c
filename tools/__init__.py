"""Maintenance tools of the course, run from the repository root as ``python -m tools.<name>``.

- ``tools.lessons``: regenerate lessons/ from solutions/, check it is current, normalise notebooks.
- ``tools.grade_class``: check (and repair) a class's submissions before grading; grade in parallel.
- ``tools.bench_notebooks``, ``tools.bench_grading``: the two benchmarks the guides quote.
- ``tools.notebooks``, ``tools.nbgrader_cli``: shared plumbing (notebook form; the one way to run nbgrader).
"""
