"""The one way this repository runs nbgrader: its command line, in a child process.

Why a child process: nbgrader is a set of traitlets applications that read
``nbgrader_config.py`` from the folder they start in, keep global state, and
are meant to run once per process; the course's tools, tests and benchmarks all
drive it the way an instructor does, from a course folder. Why one function:
so that the environment (``venv_env``), the log kept on failure and the time
limit are the same everywhere.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from tools.notebooks import venv_env


class NbgraderError(RuntimeError):
    """An nbgrader command that had to succeed did not; the message ends with its log."""


def nbgrader_command(*args: str) -> list[str]:
    """``nbgrader ARGS`` from this Python's environment."""
    return [sys.executable, "-m", "nbgrader", *args]


def run_nbgrader(
    course: Path,
    *args: str,
    check: bool = True,
    timeout: float = 1800,
    prefix: Sequence[str] = (),
    on_line: Callable[[str], None] | None = None,
    **env: str,
) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course`` and return it, its log (stdout and stderr) in ``.stdout``.

    ``prefix`` runs it through another command first (the term test's student
    accounts); ``env`` adds environment variables; ``on_line`` is called with each
    line of the log as nbgrader writes it (a progress display). With ``check`` (the
    default), a failing command raises :class:`NbgraderError` with the end of its log.
    """
    command = [*prefix, *nbgrader_command(*args)]
    with subprocess.Popen(command, cwd=course, env=venv_env(**env), text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:  # fmt: skip
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            lines = []
            for line in process.stdout:
                lines.append(line)
                if on_line is not None:
                    on_line(line)
            code = process.wait()
        finally:
            timer.cancel()
    if code < 0 and timer.finished.is_set():
        raise subprocess.TimeoutExpired(command, timeout, "".join(lines))
    result = subprocess.CompletedProcess(command, code, "".join(lines))
    if check and result.returncode != 0:
        raise failed(result, args)
    return result


def failed(result: subprocess.CompletedProcess, args: Sequence[str]) -> NbgraderError:
    """The error of ``nbgrader ARGS`` that exited non-zero: its errors, then the end of its log."""
    return NbgraderError(
        f"nbgrader {' '.join(args)} exited {result.returncode}:\n"
        f"{failures(result.stdout.splitlines(keepends=True))}--- the end of its log ---\n{result.stdout[-6000:]}"
    )


def failures(lines: list[str], limit: int = 12000) -> str:
    """Each traceback and ERROR line nbgrader logged, wherever it is in a long log (a class's grading
    runs to thousands of lines, and the end says only "see the above traceback")."""
    picked, in_traceback = [], False
    for line in lines:
        starts = "Traceback (most recent call last)" in line
        in_traceback = starts or (in_traceback and (line.startswith((" ", "\t")) or not line.startswith("[")))
        if in_traceback or "| ERROR]" in line or "Error:" in line.split("]", 1)[-1][:200]:
            picked.append(line)
    text = "".join(picked)
    return f"--- errors in its log ---\n{text[:limit]}\n" if text else ""
