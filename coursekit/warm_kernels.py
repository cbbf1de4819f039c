"""Warm kernels for ``nbgrader autograde``: each submission gets a fresh kernel that is already warm.

Why: grading one submission of a lesson costs a few seconds, and most of it is
not the student's code. Starting a kernel, importing pandas and Altair, and
starting the chart renderer (vl-convert) come before the first answer runs; a
graceful shutdown waits after the last. With this plug-in, while one submission
runs, the *next* kernel is already starting in its own process, on the other
core, and imports those libraries as it starts (an IPython extension, so none of
the student's names exist yet). When the submission is done, its kernel is
killed at once: nbgrader has every reply by then.

What stays as it was, and is tested (tests/test_warm_kernels.py):

- every submission runs in its own new kernel process, used once, never reused:
  what one submission changes (a patched pandas, a redefined built-in) cannot
  reach the next;
- the kernel works in the submission's own folder and sees the grader's
  environment (``NBGRADER_EXECUTION=autograde``), as a cold kernel would;
- the cell timeout still interrupts a runaway cell; a kernel that dies costs
  only its own submission;
- a notebook for any kernel other than the course's Python starts cold, as usual.

Switched on in ``nbgrader_config.py``; ``COURSE_WARM_KERNELS=0`` in the
environment (or ``c.WarmExecute.warm = False``) turns it off.
"""

from __future__ import annotations

import atexit
import os
import signal
import tempfile
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbgrader.preprocessors import Execute
from traitlets import Bool, List, Unicode

#: What a spare kernel imports while it waits: the libraries every lesson's first cell imports.
WARM_MODULES = ["numpy", "pandas", "altair", "vl_convert", "coursekit"]
SWITCH = "COURSE_WARM_KERNELS"


def load_ipython_extension(ipython: Any) -> None:
    """Run inside a spare kernel as it starts: import the heavy libraries, start the chart renderer.

    Nothing is bound in the user's namespace: a notebook still needs its own imports.
    """
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    import vl_convert

    vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})


class _Spare:
    """A kernel started ahead of time, and the environment it was started with."""

    def __init__(self, kernel_name: str, extra_arguments: list[str], folder: str) -> None:
        self.env = dict(os.environ)
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        arguments = [*extra_arguments, f"--IPKernelApp.extra_extensions={[__name__]!r}"]
        run_sync(self.km.start_kernel)(extra_arguments=arguments, cwd=folder, env=self.env)

    def kill(self) -> None:
        """Stop the kernel process now (also safe at interpreter exit, when no event loop runs)."""
        pid = getattr(self.km.provisioner, "pid", None) if self.km.provisioner else None
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.km.cleanup_connection_file()


class _Pool:
    """One spare kernel at a time, per grading process and kernel set-up."""

    def __init__(self) -> None:
        self.spare: _Spare | None = None
        self.key: tuple[str, tuple[str, ...]] | None = None
        self.folder = tempfile.mkdtemp(prefix="warm-kernel-")
        atexit.register(self.close)

    def take(self, kernel_name: str, extra_arguments: list[str]) -> _Spare:
        """A warm kernel for this submission; the next one starts warming at once."""
        key = (kernel_name, tuple(extra_arguments))
        if self.spare is None or self.key != key:
            self.close()
            self.spare, self.key = _Spare(kernel_name, extra_arguments, self.folder), key
        taken, self.spare = self.spare, _Spare(kernel_name, extra_arguments, self.folder)
        return taken

    def close(self) -> None:
        if self.spare is not None:
            self.spare.kill()
            self.spare = None


_POOL: _Pool | None = None


def _pool() -> _Pool:
    global _POOL
    if _POOL is None:
        _POOL = _Pool()
    return _POOL


class WarmExecute(Execute):
    """nbgrader's Execute step, given a kernel that was started (and warmed) during the previous submission."""

    warm = Bool(True, help="Use warm kernels; the environment variable COURSE_WARM_KERNELS=0 turns them off.").tag(
        config=True
    )
    warm_kernel_names = List(
        Unicode(),
        ["python3"],
        help="Kernels that may be started warm: the course's own Python. Any other kernel starts cold.",
    ).tag(config=True)

    def _use_warm(self, nb: Any, km: Any) -> bool:
        kernel = nb.metadata.get("kernelspec", {}).get("name") or self.kernel_name or "python3"
        return km is None and self.warm and os.environ.get(SWITCH, "1") != "0" and kernel in self.warm_kernel_names

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        if not self._use_warm(nb, km):
            return super().preprocess(nb, resources, km=km)
        kernel = nb.metadata.get("kernelspec", {}).get("name") or self.kernel_name or "python3"
        spare = _pool().take(kernel, list(self.extra_arguments))
        self._spare = spare
        try:
            return super().preprocess(nb, resources, km=spare.km)
        finally:
            self._spare = None
            spare.kill()

    async def async_start_new_kernel_client(self) -> Any:
        """Connect, then move the warm kernel into the submission's folder and environment."""
        client = await super().async_start_new_kernel_client()
        spare = getattr(self, "_spare", None)
        if spare is not None:
            folder = (self.resources.get("metadata", {}) or {}).get("path") or os.getcwd()
            code = _adopt_code(os.path.abspath(folder), spare.env, dict(os.environ))
            msg_id = client.execute(code, silent=True, store_history=False)
            reply = await self.async_wait_for_reply(msg_id)
            if reply is None or reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not move the warm kernel into {folder}: {reply}")
        return client


def _adopt_code(folder: str, started_with: dict[str, str], now: dict[str, str]) -> str:
    """Code that gives a kernel the folder and environment a kernel started now would have had.

    It binds no name in the user's namespace. (IPython keeps '' on sys.path, the
    current folder, so the submission's own modules import from its folder.)
    """
    changed = {k: v for k, v in now.items() if started_with.get(k) != v}
    removed = [k for k in started_with if k not in now]
    return (
        f"__import__('os').chdir({folder!r}); "
        f"__import__('os').environ.update({changed!r}); "
        f"[__import__('os').environ.pop(k, None) for k in {removed!r}]"
    )
