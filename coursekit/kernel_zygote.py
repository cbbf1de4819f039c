"""A process that imports the heavy libraries once and forks each new kernel from itself.

Run by ``coursekit.warm_kernels`` as ``python -m coursekit.kernel_zygote``, one per
grading process. It reads one JSON request per line on stdin (the kernel's argv,
folder and environment), forks, and answers with the new kernel's pid. Starting
a kernel this way costs a fork, not a fresh interpreter importing pandas and
Altair again: the child already has them.

Fork-safety rules, each followed here and tested in tests/test_warm_kernels.py:

1. Nothing that starts a thread or a runtime runs before the fork. The chart
   renderer (vl-convert, a JavaScript runtime on its own thread) is imported
   here but started only in the child: a renderer started before the fork
   leaves the child's renders hanging. Before the fork only pure-Python work
   warms up (``warm_up_python``); the child then warms its own renderer
   (``warm_up_renderer``) before the kernel starts. Neither sets an option, a
   theme, a renderer or a formatter: a submission finds the libraries as a
   fresh import leaves them.
2. Every child reseeds NumPy's global random generator (Python's ``random``
   reseeds itself after a fork); two submissions never share random numbers.
3. The child starts its own session (``setsid``): a signal to its process
   group (an interrupt on timeout, a kill) never reaches this process.
4. ipykernel reads its parent's pid from the environment when it is *imported*;
   here that was before any request, so the child names its real parent, this
   process, on the command line (``--IPKernelApp.parent_handle``). If the
   grader goes, this process goes (end of stdin), and then its kernels.
5. The child resets SIGCHLD, closes the request and answer pipes, reads from
   /dev/null and writes to this process's stderr, so nothing it prints can
   corrupt the answers.
6. The child takes the folder and the environment of its request before the
   kernel starts, and its module path is a kernel's, without this process's
   folder; it is a new process, used for one notebook only.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any

#: Imported once, before any fork (rule 1: imported, not started).
PRELOADED = ["numpy", "pandas", "altair", "vl_convert", "coursekit.charts", "coursekit.checks", "coursekit.loading",
             "ipykernel.kernelapp", "ipykernel.ipkernel"]  # fmt: skip
TINY_CHART = {"mark": "point", "data": {"values": [{}]}}


def warm_up_python() -> list[dict[str, Any]]:
    """Run the pure-Python paths every lesson takes, once, before any fork; return charts to draw.

    Why: a kernel forked from here inherits what these calls leave behind (modules imported
    on first use, compiled regular expressions, Altair's schema validators), so a
    submission does not pay for them again. Only caches fill: no option, theme, renderer
    or formatter is set, so a submission sees the libraries as a fresh import leaves them.
    Nothing here starts a thread (rule 1).
    """
    import io

    import altair as alt
    import pandas as pd

    from coursekit import catalog, charts, checks, tables

    catalog.all_datasets()  # imports every lesson's dataset declarations

    csv = "group,count,share,day\na,3,0.5,2024-01-01\nb,2,0.25,2024-01-02\n"
    frame = pd.read_csv(io.StringIO(csv), parse_dates=["day"])
    frame["group"] = frame["group"].astype("category")
    summary = frame.groupby("group", observed=True)["count"].sum().reset_index()
    summary.attrs["caption"] = "warm-up"
    tables.frame_html(summary)
    bars = (
        alt.Chart(summary, title="Counts", description="warm-up")
        .mark_bar()
        .encode(x=alt.X("count:Q", title="Count"), y=alt.Y("group:N", sort="-x", title=None))
    )
    line = alt.Chart(frame).mark_line(point=True).encode(x="day:T", y=alt.Y("share:Q", axis=alt.Axis(format="%")))
    labels = bars.mark_text(align="left").encode(text="count:Q")
    for chart in (bars, line):
        checks.unit_specs(chart.to_dict())
    drawn = (bars + labels).to_dict()
    drawn["config"] = charts.course_theme()["config"]  # the course's fonts, without enabling its theme
    format_one_traceback()
    return [drawn]


def format_one_traceback() -> None:
    """Format a failed assertion as a kernel shows it, so each kernel's first one costs no more than the rest.

    Why: nearly every graded notebook has a failing test, and IPython's first traceback in a
    process takes about 0.15 s of processor time (it maps every loaded module to its file and
    reads their source), the later ones about 0.03 s. Only those lookup caches fill.
    """
    from IPython.core.ultratb import AutoFormattedTB

    try:
        raise AssertionError("warm-up")
    except AssertionError:
        AutoFormattedTB(mode="Context", theme_name="linux").text(*sys.exc_info())


def _reap(_signum: int, _frame: Any) -> None:
    """Collect finished kernels so none is left a zombie (their pids then vanish, which is how the grader polls)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def warm_up_renderer(specs: list[dict[str, Any]]) -> None:
    """In the child: start the chart renderer and draw a chart, so its JavaScript is compiled.

    A renderer's first drawings run up to twice as slow as later ones. One chart with
    bars, text, axes and a title (about 0.1 s of processor time) is drawn while the
    previous submission is graded; more charts cost more than they saved when two
    graders share the two cores. The drawing is thrown away and no cache of the
    course's is filled.
    """
    import vl_convert

    vl_convert.vegalite_to_svg(TINY_CHART)
    for spec in specs:
        vega = vl_convert.vegalite_to_vega(spec)
        vl_convert.vega_to_svg(vega)
        vl_convert.vega_to_scenegraph(vega)


def become_kernel(request: dict[str, Any], pipes: tuple[int, ...], specs: list[dict[str, Any]]) -> None:
    """In the child: follow the fork-safety rules, then run the kernel until it is shut down."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for fd in pipes:
            os.close(fd)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(2, 1)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        import numpy

        numpy.random.seed()
        warm_up_renderer(specs)  # the renderer starts in this process (rule 1)
        from ipykernel.kernelapp import IPKernelApp

        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = [sys.argv[0], *argv]
        IPKernelApp.launch_instance(argv=argv)
        code = 0
    finally:
        os._exit(code)


def serve() -> None:
    """Answer fork requests until stdin closes, then stop every kernel still running."""
    import importlib

    for name in PRELOADED:
        importlib.import_module(name)
    specs = warm_up_python()
    if sys.path and sys.path[0] == os.getcwd():
        del sys.path[0]  # `python -m` put this folder first; a kernel's path must not name it (rule 6)
    requests = os.fdopen(os.dup(0), "r")
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)  # stray prints go to stderr, never into the answers
    signal.signal(signal.SIGCHLD, _reap)
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    answers.flush()
    started: list[int] = []
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            become_kernel(request, (requests.fileno(), answers.fileno()), specs)
        started.append(pid)
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
    for pid in started:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    serve()
