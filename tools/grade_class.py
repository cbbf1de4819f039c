"""Grade a whole class: check the submissions before grading, then autograde on every core.

    python -m tools.grade_class check LESSON [--repair]
    python -m tools.grade_class autograde LESSON [--jobs N] [-- nbgrader options ...]

Run from the course root (the folder with ``nbgrader_config.py``), after
``nbgrader collect LESSON``. See docs/instructor-guide.md.

``check`` reads every ``submitted/<student>/LESSON/`` folder without running any
student code and prints one line per problem, naming the student and the cell:
a missing, renamed or unreadable notebook; test cells deleted, edited, unmarked
or given another grade_id; code that would stop the grader (``os._exit``,
``sys.exit``, ignoring the interrupt signal) or that tampers with what the tests
call (redefining a built-in, patching pandas or coursekit, number types with
rigged arithmetic). It runs outside the kernel, so no answer can switch it off.
With ``--repair`` it fixes what a fair instructor would fix by hand: a renamed
notebook gets its expected name back, a cell under an unknown grade_id loses that
metadata (nbgrader then restores the real test), and a cell that would stop the
grader is replaced by one that raises (0 points for that exercise, every other
exercise still graded). Originals are kept beside the notebook as ``*.orig``.

``autograde`` is ``nbgrader autograde LESSON`` on N cores. nbgrader grades one
notebook at a time and its SQLite gradebook must have one writer, so the class
is split into N shards; each shard is graded by the real ``nbgrader autograde``
in its own folder with its own copy of ``gradebook.db``; then this process alone
copies the results (submission times, autograded scores, comments, late
penalties) into the course's gradebook and the autograded notebooks into
``autograded/``. A test proves the grades equal a serial ``nbgrader autograde``.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from tools.nbgrader_cli import run_nbgrader
from tools.notebooks import nbgrader_cells

# --- check: read the submissions, never run them ---------------------------------------

#: Calls that end or freeze the kernel: nbgrader then loses the whole notebook.
FATAL_CALLS = {
    "os._exit",
    "os.kill",
    "os.killpg",
    "os.abort",
    "signal.signal",
    "signal.pthread_sigmask",
    "signal.alarm",
    "signal.setitimer",
}
#: Calls that only end their own cell in IPython (it catches SystemExit): reported, left alone.
EXIT_CALLS = {"sys.exit", "exit", "quit"}
#: Names a test cell may call; rebinding one can make a wrong answer pass.
BUILTIN_NAMES = {name for name in dir(builtins) if not name.startswith("_")}
#: Modules whose attributes the tests rely on.
GUARDED_MODULES = {"pd", "pandas", "np", "numpy", "alt", "altair", "coursekit", "builtins", "math", "numbers"}
#: Calls and names that reach around the code a reader sees.
DYNAMIC = {"exec", "eval", "compile", "__import__", "setattr", "delattr", "globals", "vars", "getattr"}
DYNAMIC_MODULES = {"builtins", "importlib", "ctypes", "gc", "inspect"}
RIGGED_BASES = {"float", "int", "complex", "Series", "DataFrame", "Index", "bool", "str", "Real"}
RIGGED_DUNDERS = {
    "__eq__",
    "__ne__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__sub__",
    "__rsub__",
    "__abs__",
    "__float__",
    "__bool__",
    "__len__",
    "__getitem__",
    "__contains__",
}


@dataclass
class Finding:
    """One line of the report: who, what, and what happens to the grade."""

    student: str
    kind: str
    message: str
    repaired: bool = False

    def line(self) -> str:
        state = "REPAIRED" if self.repaired else "CHECK"
        return f"{state} {self.student}: [{self.kind}] {self.message}"


def dotted(node: ast.AST) -> str:
    """``os._exit`` for ``os._exit``; '' for anything that is not a plain dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def python_of(cell_source: str) -> ast.Module | None:
    """The cell as Python (IPython magics and shell escapes blanked); None if it does not parse."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in cell_source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> what it really is (``from os import _exit as quit_`` -> ``os._exit``)."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def resolve(name: str, imports: dict[str, str]) -> str:
    head, _, rest = name.partition(".")
    real = imports.get(head, head)
    return f"{real}.{rest}" if rest else real


def calls_to(tree: ast.Module, names: set[str]) -> list[str]:
    """Calls in the cell to any of ``names`` (through imports and aliases)."""
    imports = imported_names(tree)
    calls = (resolve(dotted(n.func), imports) for n in ast.walk(tree) if isinstance(n, ast.Call))
    return sorted({c for c in calls if c in names})


def assignment_targets(tree: ast.Module) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            yield from node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            yield node.target
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            yield ast.Name(id=node.name)


def guarded(name: str, imports: dict[str, str]) -> bool:
    """True for an attribute of a module the tests use (``pd.testing.assert_frame_equal``)."""
    return name.split(".")[0] in GUARDED_MODULES or resolve(name, imports).split(".")[0] in GUARDED_MODULES


def tampering(tree: ast.Module) -> list[str]:
    """What in the cell changes the ground the tests stand on."""
    imports = imported_names(tree)
    found = []
    for target in assignment_targets(tree):
        name = dotted(target)
        if isinstance(target, ast.Name) and name in BUILTIN_NAMES:
            found.append(f"redefines the built-in {name}()")
        elif isinstance(target, ast.Attribute) and guarded(name, imports):
            found.append(f"replaces {name}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and dotted(node.func) in DYNAMIC:
            found.append(f"calls {dotted(node.func)}()")
        elif isinstance(node, ast.Name) and node.id == "__builtins__":
            found.append("touches __builtins__")
        elif isinstance(node, ast.ClassDef):
            found.extend(rigged_class(node))
    found += [f"imports {m}" for m in sorted(set(imports.values()) & DYNAMIC_MODULES)]
    return sorted(set(found))


def rigged_class(node: ast.ClassDef) -> list[str]:
    """A number or pandas subclass with its own comparison or arithmetic: it can pass any test."""
    bases = {dotted(b).split(".")[-1] for b in node.bases}
    methods = set()
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            methods.add(item.name)
        elif isinstance(item, ast.Assign):
            methods |= {t.id for t in item.targets if isinstance(t, ast.Name)}
    rigged = sorted(methods & RIGGED_DUNDERS)
    if bases & RIGGED_BASES and rigged:
        return [f"defines class {node.name}({', '.join(sorted(bases))}) overriding {', '.join(rigged)}"]
    return []


def quarantine_source(calls: list[str]) -> str:
    """What replaces a cell that would stop the grader: it fails, so only its exercise scores 0."""
    what = ", ".join(calls)
    return (
        f'raise RuntimeError("Set aside before grading: this cell calls {what}, which stops the '
        f'grader. The original is kept in the submission folder (*.orig).")'
    )


class Submission:
    """One student's folder for one lesson, read against the released notebook."""

    def __init__(self, folder: Path, lesson: str, released: nbformat.NotebookNode):
        self.folder, self.lesson, self.student = folder, lesson, folder.parent.name
        self.path = folder / f"{lesson}.ipynb"
        self.released = nbgrader_cells(released)
        self.findings: list[Finding] = []
        self.changed = False

    def note(self, kind: str, message: str, repaired: bool = False) -> None:
        self.findings.append(Finding(self.student, kind, message, repaired))

    def find_notebook(self, repair: bool) -> bool:
        """True when the expected notebook is there (or was put back under its name)."""
        if self.path.exists():
            return True
        others = sorted(p for p in self.folder.glob("*.ipynb"))
        if len(others) == 1 and repair:
            shutil.copy2(others[0], self.path)
            self.note("renamed", f"handed in {others[0].name!r}; graded as {self.path.name!r}", repaired=True)
            return True
        if others:
            self.note(
                "renamed",
                f"handed in {[p.name for p in others]} but no {self.path.name!r}: "
                "nbgrader skips them and scores 0 (--repair grades a single one)",
            )
        else:
            self.note("missing", f"no {self.path.name!r} in the submission: nbgrader scores every exercise 0")
        return False

    def read(self) -> nbformat.NotebookNode | None:
        try:
            return nbformat.read(self.path, as_version=4)
        except Exception as error:  # noqa: BLE001 - any unreadable file is reported the same way
            first = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
            self.note(
                "unreadable",
                f"{self.path.name} is not a valid notebook ({first}): nbgrader cannot "
                "grade it and scores 0; ask the student for a readable copy",
            )
            return None

    def check_cells(self, nb: nbformat.NotebookNode, repair: bool) -> None:
        """Test cells: present, unmarked, renamed or edited; code that stops the grader or tampers."""
        seen = set()
        for index, cell in enumerate(nb.cells):
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id and grade_id not in self.released:
                if repair:
                    del cell.metadata["nbgrader"]
                    self.changed = True
                self.note(
                    "unknown-id",
                    f"cell {index} carries grade_id {grade_id!r}, which the lesson does "
                    "not have: nbgrader would fail the notebook; "
                    + ("its metadata was removed" if repair else "run --repair"),
                    repair,
                )
            elif grade_id:
                seen.add(grade_id)
                self.check_locked(grade_id, cell)
            if cell.cell_type == "code":
                self.check_code(index, grade_id, cell, repair)
        for grade_id, info in self.released.items():
            if info["kind"] == "tests" and grade_id not in seen:
                self.note(
                    "test-missing",
                    f"test cell {grade_id!r} was deleted or unmarked: nbgrader puts the original back and runs it",
                )

    def check_locked(self, grade_id: str, cell: nbformat.NotebookNode) -> None:
        if self.released[grade_id]["kind"] == "tests" and cell.source != self.released[grade_id]["cell"].source:
            self.note("test-edited", f"test cell {grade_id!r} was edited: nbgrader restores the original")

    def check_code(self, index: int, grade_id: str | None, cell: nbformat.NotebookNode, repair: bool) -> None:
        if self.released.get(grade_id or "", {}).get("kind") == "tests":
            return
        tree = python_of(cell.source)
        where = f"cell {index}" + (f" ({grade_id})" if grade_id else "")
        if tree is None:
            return
        exits = calls_to(tree, EXIT_CALLS)
        if exits:
            self.note(
                "exits",
                f"{where} calls {', '.join(exits)}: the cell stops there (the kernel lives on), "
                "so its exercise is graded on what ran before",
            )
        calls = calls_to(tree, FATAL_CALLS)
        if calls:
            if repair:
                cell.source = quarantine_source(calls)
                self.changed = True
            self.note(
                "stops-grader",
                f"{where} calls {', '.join(calls)}: "
                + (
                    "replaced by a failing cell (0 for that exercise)"
                    if repair
                    else "it would end or hang the kernel; run --repair"
                ),
                repair,
            )
        for issue in tampering(tree):
            self.note("tampering", f"{where} {issue}: review by hand before trusting its grade")

    def check(self, repair: bool) -> list[Finding]:
        if not self.find_notebook(repair):
            return self.findings
        nb = self.read()
        if nb is not None:
            self.check_cells(nb, repair)
            if self.changed:
                shutil.copy2(self.path, self.path.with_name(self.path.name + ".orig"))
                nbformat.write(nb, self.path)
        return self.findings


def check_class(course: Path, lesson: str, repair: bool = False) -> list[Finding]:
    """Every submission of ``lesson`` in ``course/submitted``, checked (and repaired)."""
    released = nbformat.read(course / "lessons" / lesson / f"{lesson}.ipynb", as_version=4)
    findings = []
    for folder in sorted((course / "submitted").glob(f"*/{lesson}")):
        findings += Submission(folder, lesson, released).check(repair)
    return findings


# --- autograde: shards on every core, one writer --------------------------------------


def students_of(course: Path, lesson: str) -> list[str]:
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{lesson}") if p.is_dir())


def shard(students: list[str], jobs: int) -> list[list[str]]:
    """Round-robin, so each shard gets a similar share of the class."""
    shards = [students[i::jobs] for i in range(jobs)]
    return [s for s in shards if s]


def make_shard(course: Path, lesson: str, students: list[str], where: Path) -> Path:
    """A course folder with the config, the lesson's sources, these students and a gradebook copy."""
    where.mkdir(parents=True)
    shutil.copy2(course / "nbgrader_config.py", where / "nbgrader_config.py")
    shutil.copy2(course / "gradebook.db", where / "gradebook.db")
    shutil.copytree(course / "solutions" / lesson, where / "solutions" / lesson)
    for student in students:
        shutil.copytree(course / "submitted" / student / lesson, where / "submitted" / student / lesson)
    return where


def autograde_shard(root: Path, lesson: str, students: list[str], extra: list[str]) -> subprocess.CompletedProcess:
    """The real ``nbgrader autograde`` on one shard; its log is returned, not printed, so logs don't interleave."""
    return run_nbgrader(root, "autograde", lesson, "--force", f"--CourseDirectory.root={root}", *extra, check=False)


def merge(course: Path, shard_root: Path, lesson: str) -> list[str]:
    """Copy one shard's autograde results into the course gradebook (the single writer)."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SAWarning

    # nbgrader's own add_submission triggers these autoflush warnings (a serial
    # autograde prints them too); they say nothing about the merge.
    warnings.filterwarnings("ignore", category=SAWarning)
    merged = []
    with (
        Gradebook(f"sqlite:///{shard_root / 'gradebook.db'}") as source,
        Gradebook(f"sqlite:///{course / 'gradebook.db'}") as target,
    ):
        for submission in source.assignment_submissions(lesson):
            student = submission.student
            target.update_or_create_student(
                student.id, first_name=student.first_name, last_name=student.last_name, email=student.email
            )
            target.update_or_create_submission(lesson, student.id, timestamp=submission.timestamp)
            for notebook in submission.notebooks:
                try:
                    into = target.find_submission_notebook(notebook.name, lesson, student.id)
                except MissingEntry:
                    continue
                copy_notebook_results(notebook, into)
            merged.append(student.id)
        target.db.commit()
    return merged


def copy_notebook_results(notebook, into) -> None:
    """The fields ``nbgrader autograde`` writes: auto scores, review flags, auto comments, late penalty."""
    grades = {g.name: g for g in into.grades}
    for grade in notebook.grades:
        grades[grade.name].auto_score = grade.auto_score
        grades[grade.name].needs_manual_grade = grade.needs_manual_grade
    comments = {c.name: c for c in into.comments}
    for comment in notebook.comments:
        comments[comment.name].auto_comment = comment.auto_comment
    into.late_submission_penalty = notebook.late_submission_penalty
    into.flagged = notebook.flagged


def copy_autograded(course: Path, shard_root: Path, lesson: str, students: list[str]) -> None:
    for student in students:
        done = shard_root / "autograded" / student / lesson
        target = course / "autograded" / student / lesson
        if target.exists():
            shutil.rmtree(target)
        if done.exists():
            shutil.copytree(done, target)


def autograde_class(course: Path, lesson: str, jobs: int, extra: list[str]) -> int:
    """Grade every submission of ``lesson`` on ``jobs`` cores; return nbgrader's worst exit code."""
    students = students_of(course, lesson)
    if not (course / "gradebook.db").exists():
        print("no gradebook.db here: run `nbgrader generate_assignment` first", file=sys.stderr)
        return 2
    parts = shard(students, max(1, jobs))
    worst = 0
    with tempfile.TemporaryDirectory(prefix=".grade-class-", dir=course) as tmp:
        roots = [make_shard(course, lesson, part, Path(tmp) / f"shard-{i}") for i, part in enumerate(parts)]
        with ThreadPoolExecutor(max_workers=len(parts) or 1) as pool:
            results = list(pool.map(lambda r, p: autograde_shard(r, lesson, p, extra), roots, parts))
        for index, (root, part, result) in enumerate(zip(roots, parts, results, strict=True)):
            print(f"===== shard {index}: {', '.join(part)} (nbgrader exited {result.returncode})")
            print(result.stdout, end="")
            worst = max(worst, result.returncode)
            merge(course, root, lesson)
            copy_autograded(course, root, lesson, part)
    print(f"graded {len(students)} submissions of {lesson} in {len(parts)} shard(s)")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    check = sub.add_parser("check", help="report (and --repair) problems in the submissions")
    check.add_argument("lesson")
    check.add_argument("--repair", action="store_true")
    grade = sub.add_parser("autograde", help="nbgrader autograde on several cores")
    grade.add_argument("lesson")
    grade.add_argument("--jobs", type=int, default=0, help="shards to grade at once (default: every core)")
    grade.add_argument("nbgrader_args", nargs=argparse.REMAINDER, help="passed to nbgrader after --")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="course root (default: here)")
    args = parser.parse_args(argv)
    course = args.course.resolve()
    if args.action == "check":
        findings = check_class(course, args.lesson, args.repair)
        for finding in findings:
            print(finding.line())
        print(f"checked {len(students_of(course, args.lesson))} submissions: {len(findings)} finding(s)")
        return 0
    extra = [a for a in args.nbgrader_args if a != "--"]
    jobs = args.jobs or len(os.sched_getaffinity(0))
    return autograde_class(course, args.lesson, jobs, extra)


if __name__ == "__main__":
    sys.exit(main())
