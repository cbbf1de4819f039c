"""Grade a whole class: check the submissions before grading, then autograde them, on several cores if asked.

    python -m tools.grade_class check LESSON [--repair]
    python -m tools.grade_class setup LESSON [--db-url URL]
    python -m tools.grade_class autograde LESSON [--jobs N] [--students a,b] [--db-url URL] [-- nbgrader options]

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

``autograde`` is ``nbgrader autograde LESSON`` with a progress line (students
done / total, elapsed, estimate), and with ``--jobs N`` it runs N nbgrader
processes at once, each on its own share of the students, all writing into the
course's gradebook. That needs a gradebook several processes can write at once:
PostgreSQL (``c.CourseDirectory.db_url``); with SQLite, nbgrader's default, N > 1
is refused with an explanation. What must happen once happens first, in this
process: the schema, the lesson's row and every student's row. A student is in
exactly one share, and a lock file keeps a second grading run out of the folder.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import fcntl
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from tools.nbgrader_cli import run_nbgrader
from tools.notebooks import nbgrader_cells, venv_env

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


# --- autograde: several nbgrader processes, one shared gradebook ---------------------------


class GradingError(RuntimeError):
    """A class cannot be graded as asked; the message says what to do instead."""


def course_db_url(course: Path, override: str | None = None) -> str:
    """The gradebook nbgrader uses for this course: ``--db-url``, else nbgrader_config.py, else SQLite."""
    if override:
        return override
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    return CourseDirectory(config=config, root=str(course)).db_url


def students_of(course: Path, lesson: str) -> list[str]:
    return sorted(p.parent.name for p in (course / "submitted").glob(f"*/{lesson}") if p.is_dir())


def split(students: list[str], jobs: int) -> list[list[str]]:
    """Round-robin, so each process gets a similar share of the class; no student twice."""
    unique = sorted(set(students))
    parts = [unique[i::jobs] for i in range(jobs)]
    return [part for part in parts if part]


def set_up(db_url: str, lesson: str, students: list[str]) -> None:
    """What must run once, before any grader starts: the schema, the lesson, every student's row.

    nbgrader creates all three on first use; several processes doing that at once on an
    empty database collide (duplicate tables, duplicate students). Safe to run again.
    """
    from nbgrader.api import Gradebook, MissingEntry

    os.environ["PATH"] = venv_env()["PATH"]  # nbgrader runs `alembic` by name when it opens a gradebook
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(lesson)
        except MissingEntry as missing:
            raise GradingError(
                f"{lesson} is not in the gradebook: run `nbgrader generate_assignment {lesson}` first"
            ) from missing
        for student in sorted(set(students)):
            gradebook.update_or_create_student(student)


@contextmanager
def only_grader(course: Path) -> Iterator[None]:
    """One grading run per course folder at a time: two would grade the same students at once."""
    with (course / ".grade_class.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as busy:
            raise GradingError(f"another grading run is under way in {course}; wait for it to finish") from busy
        yield


class Progress:
    """Students done / total, elapsed time and an estimate, printed as nbgrader moves through the class.

    nbgrader announces each student as it starts on them; a student is done when the
    same process starts on the next one, or ends (a broken submission counts: it is
    done, with 0 points and nbgrader's error in the log). A submission without the
    notebook is never announced; it is done when its process ends.
    """

    def __init__(self, total: int, out=sys.stderr) -> None:
        self.total, self.out, self.done = total, out, set()
        self.started = time.monotonic()
        self.lock = threading.Lock()

    def finished(self, student: str | None) -> None:
        if student is None:
            return
        with self.lock:
            if student in self.done:
                return
            self.done.add(student)
            elapsed = time.monotonic() - self.started
            left = elapsed / len(self.done) * (self.total - len(self.done))
            print(
                f"graded {len(self.done)}/{self.total} in {clock(elapsed)}, about {clock(left)} left",
                file=self.out,
                flush=True,
            )


#: The line with which nbgrader starts on a student.
STARTS = re.compile(r"Creating/updating student with ID '([^']+)'")


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def grade(
    course: Path, lesson: str, part: list[str], everyone: list[str], extra: list[str], progress: Progress
) -> tuple[int, str]:
    """One real ``nbgrader autograde`` over ``part`` only (every other student excluded); (exit code, log)."""
    others = sorted(set(everyone) - set(part))
    args = ["autograde", lesson, "--force", *extra]
    if others:
        args.append(f"--CourseDirectory.student_id_exclude={','.join(others)}")
    current: list[str | None] = [None]  # the student nbgrader is on

    def follow(line: str) -> None:
        starting = STARTS.search(line)
        if starting:
            progress.finished(current[0])
            current[0] = starting.group(1)

    result = run_nbgrader(course, *args, check=False, timeout=24 * 3600, on_line=follow)
    for student in [current[0], *part]:  # the last one, then any nbgrader never announced
        progress.finished(student)
    return result.returncode, result.stdout


def autograde_class(
    course: Path, lesson: str, jobs: int, extra: list[str], db_url: str | None = None, only: list[str] | None = None
) -> int:
    """Grade the class (or ``only`` these students) on ``jobs`` processes; return nbgrader's worst exit code."""
    url = course_db_url(course, db_url)
    if jobs > 1 and url.startswith("sqlite"):
        raise GradingError(
            f"--jobs {jobs} needs a gradebook that several processes can write at once; this course uses "
            f"SQLite ({url}), which allows one writer. Grade with --jobs 1, or move the gradebook to "
            "PostgreSQL (docs/instructor-guide.md, 'A shared PostgreSQL gradebook')."
        )
    everyone = students_of(course, lesson)
    chosen = sorted(set(only)) if only else everyone
    unknown = sorted(set(chosen) - set(everyone))
    if unknown:
        raise GradingError(f"no submission of {lesson} in submitted/ for: {', '.join(unknown)}")
    if db_url:
        extra = [*extra, f"--CourseDirectory.db_url={db_url}"]
    with only_grader(course):
        set_up(url, lesson, chosen)
        parts = split(chosen, max(1, jobs))
        progress = Progress(len(chosen))
        with ThreadPoolExecutor(max_workers=len(parts) or 1) as pool:
            runs = list(pool.map(lambda part: grade(course, lesson, part, everyone, extra, progress), parts))
    worst = 0
    for index, (part, (code, log)) in enumerate(zip(parts, runs, strict=True)):
        print(f"===== grader {index + 1} of {len(parts)}: {', '.join(part)} (nbgrader exited {code})")
        print(log, end="")
        worst = max(worst, code)
    print(f"graded {len(chosen)} submissions of {lesson} with {len(parts)} process(es) into {url.split('?')[0]}")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    check = sub.add_parser("check", help="report (and --repair) problems in the submissions")
    check.add_argument("lesson")
    check.add_argument("--repair", action="store_true")
    prepare = sub.add_parser("setup", help="once, before graders start: schema, lesson and students in the gradebook")
    prepare.add_argument("lesson")
    prepare.add_argument("--db-url", help="the gradebook's SQLAlchemy URL (default: as nbgrader_config.py says)")
    grade = sub.add_parser("autograde", help="nbgrader autograde with progress, on several processes if asked")
    grade.add_argument("lesson")
    grade.add_argument(
        "--jobs",
        type=int,
        default=0,
        help="nbgrader processes at once (default: 1 on SQLite, every core on PostgreSQL)",
    )
    grade.add_argument("--students", help="only these students (comma-separated ids; default: every submission)")
    grade.add_argument("--db-url", help="the gradebook's SQLAlchemy URL (default: as nbgrader_config.py says)")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="course root (default: here)")
    argv = sys.argv[1:] if argv is None else argv
    ours, extra = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    args = parser.parse_args(ours)
    course = args.course.resolve()
    if args.action == "check":
        findings = check_class(course, args.lesson, args.repair)
        for finding in findings:
            print(finding.line())
        print(f"checked {len(students_of(course, args.lesson))} submissions: {len(findings)} finding(s)")
        return 0
    url = course_db_url(course, args.db_url)
    if args.action == "setup":
        try:
            set_up(url, args.lesson, students_of(course, args.lesson))
        except GradingError as error:
            print(f"grade_class: {error}", file=sys.stderr)
            return 2
        print(f"{args.lesson}: {len(students_of(course, args.lesson))} students ready in {url.split('?')[0]}")
        return 0
    jobs = args.jobs or (1 if url.startswith("sqlite") else len(os.sched_getaffinity(0)))
    only = [s.strip() for s in args.students.split(",") if s.strip()] if args.students else None
    try:
        return autograde_class(course, args.lesson, jobs, extra, db_url=args.db_url, only=only)
    except GradingError as error:
        print(f"grade_class: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
