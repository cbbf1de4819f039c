"""Warm kernels for ``nbgrader autograde``: each submission gets a fresh kernel that is already warm.

Why: grading one submission of a lesson costs a few seconds, and most of it is
not the student's code. Starting a kernel, importing pandas and Altair, and
starting the chart renderer (vl-convert) come before the first answer runs; a
graceful shutdown waits after the last. With this plug-in the *next* kernel is
started while the current submission runs, on the other core, and is killed at
once when its submission is done (nbgrader has every reply by then).

Kernels are started ahead by forking a helper process (``coursekit.kernel_zygote``)
that imported the libraries once: a kernel costs a fork and the chart renderer's
start. Its fork-safety rules are listed, and tested, in that module. (A pool of
spawned interpreters that import the libraries as they start was measured too:
about three times the processor time per kernel, and slower grading on two cores;
see docs/instructor-guide.md, section 8.)

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
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from queue import Empty
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import ensure_async, run_sync
from nbclient.util import run_hook
from nbgrader.preprocessors import Execute
from traitlets import Bool, List, Unicode

#: The environment variable that, set to 0, turns warm kernels off.
SWITCH = "COURSE_WARM_KERNELS"

# --- forked kernels ----------------------------------------------------------------------


class WarmKernelDied(RuntimeError):
    """A warm kernel ended before it answered: no code of the submission has run in it yet.

    Seen about once in a few hundred kernels on a fully loaded machine (cause not found); the
    submission is then graded in the next warm kernel, once.
    """


class Zygote:
    """The helper process kernels are forked from (``python -m coursekit.kernel_zygote``)."""

    def __init__(self, folder: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coursekit.kernel_zygote"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1, cwd=folder,
        )  # fmt: skip
        self.lock = threading.Lock()
        ready = self._answer()
        if "ready" not in ready:
            raise RuntimeError(f"the kernel zygote did not start: {ready}")

    def _answer(self) -> dict[str, Any]:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the kernel zygote stopped (exit code {self.process.poll()})")
        return json.loads(line)

    def fork(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        with self.lock:
            self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            self.process.stdin.flush()
            return int(self._answer()["pid"])

    def close(self) -> None:
        """End of stdin: the zygote kills the kernels it forked and exits."""
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()


class ForkedKernel:
    """A Popen-like handle on a kernel forked by the zygote: not our child, so it is watched by pid."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, except that the kernel is forked by the zygote instead of spawned."""

    zygote: Zygote | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        launcher = next(i for i, part in enumerate(cmd) if part.endswith(("ipykernel_launcher", "ipykernel")))
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = self.zygote.fork(cmd[launcher + 1 :], cwd, env)
        self.process, self.pid, self.pgid, self.cwd = ForkedKernel(pid), pid, pid, cwd
        return self.connection_info


# --- the pool of one spare kernel ----------------------------------------------------------


class _Spare:
    """A kernel started ahead of time, its client already connected, and the environment it was started with.

    The client connects when the kernel starts, not when its submission begins: a client
    that subscribes to a kernel's output and asks it for its details at once can miss the
    kernel's answer on the output channel (ZeroMQ delivers only once the subscription has
    reached the kernel) and must wait, then ask again.
    """

    def __init__(self, kernel_name: str, extra_arguments: list[str], folder: str, zygote: Zygote,
                 spec: KernelSpec | None = None) -> None:  # fmt: skip
        self.env = dict(os.environ)
        self.km = AsyncKernelManager(kernel_name=kernel_name)
        if spec is not None:
            self.km._kernel_spec = spec  # found on disk once per pool, not once per kernel
        self.km.kernel_id = self.km.kernel_id or os.urandom(8).hex()
        self.km.provisioner = ForkProvisioner(kernel_id=self.km.kernel_id, kernel_spec=self.km.kernel_spec,
                                              parent=self.km)  # fmt: skip
        self.km.provisioner.zygote = zygote
        run_sync(self.km.start_kernel)(extra_arguments=list(extra_arguments), cwd=folder, env=self.env)
        self.kc = self.km.client()
        self.kc.start_channels()

    def kill(self) -> None:
        """Stop the kernel process now (also safe at interpreter exit, when no event loop runs)."""
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
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
        self.zygote: Zygote | None = None
        self.specs: dict[str, KernelSpec] = {}
        self.folder = tempfile.mkdtemp(prefix="warm-kernel-")
        atexit.register(self.close)

    def take(self, kernel_name: str, extra_arguments: list[str]) -> _Spare:
        """A warm kernel for this submission; the next one starts warming at once."""
        key = (kernel_name, tuple(extra_arguments))
        if self.spare is None or self.key != key:
            self.close()
            self.key = key
            self.spare = self._new(*key)
        taken, self.spare = self.spare, self._new(*key)
        return taken

    def _new(self, kernel_name: str, extra_arguments: tuple[str, ...]) -> _Spare:
        if self.zygote is None:
            self.zygote = Zygote(self.folder)
        spare = _Spare(kernel_name, list(extra_arguments), self.folder, self.zygote, self.specs.get(kernel_name))
        self.specs[kernel_name] = spare.km.kernel_spec
        return spare

    def close(self) -> None:
        if self.spare is not None:
            self.spare.kill()
            self.spare = None
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None


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

    def _kernel_of(self, nb: Any) -> str:
        return self.kernel_name or nb.metadata.get("kernelspec", {}).get("name") or "python3"

    def uses_warm_kernel(self, nb: Any, km: Any = None) -> bool:
        return (
            km is None
            and self.warm
            and os.environ.get(SWITCH, "1") != "0"
            and self._kernel_of(nb) in self.warm_kernel_names
        )

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        if not self.uses_warm_kernel(nb, km):
            return super().preprocess(nb, resources, km=km)
        try:
            return self._preprocess_in_a_spare(nb, resources)
        except WarmKernelDied:
            self.log.warning("The warm kernel died before the submission ran; grading it in the next one")
            return self._preprocess_in_a_spare(nb, resources)

    def _preprocess_in_a_spare(self, nb: Any, resources: Any) -> Any:
        spare = _pool().take(self._kernel_of(nb), list(self.extra_arguments))
        self._spare = spare
        try:
            return super().preprocess(nb, resources, km=spare.km)
        finally:
            self._spare = None
            if self.kc is not None:  # nbclient leaves a client it did not start the kernel for
                self.kc.stop_channels()
                self.kc = None
            spare.kill()

    async def async_start_new_kernel_client(self) -> Any:
        """Take the warm kernel's connected client; move the kernel into the submission's folder and environment."""
        spare = getattr(self, "_spare", None)
        if spare is None:
            return await super().async_start_new_kernel_client()
        self.kc = spare.kc
        try:
            await _wait_until_ready(self.kc, self.km, self.startup_timeout)
            folder = (self.resources.get("metadata", {}) or {}).get("path") or os.getcwd()
            code = _adopt_code(os.path.abspath(folder), spare.env, dict(os.environ))
            reply = await self.async_wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
            if reply is None or reply["content"]["status"] != "ok":
                raise RuntimeError(f"could not move the warm kernel into {folder}: {reply}")
        except Exception as error:
            self.log.error(f"The warm kernel {self.km.kernel_id} did not start: {error}")
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    # nbclient's synchronous set-up calls the synchronous wrapper, made from the base class's coroutine.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)


async def _wait_until_ready(client: Any, manager: Any, timeout: float | None) -> None:
    """Return once the kernel has answered a request for its details on both of its channels.

    jupyter_client's ``wait_for_ready`` does the same, then listens 0.2 s more for any
    stray output, every time. Here the end is known: the kernel's "idle" status for the
    request comes last, and the output channel delivers in order, so nothing older is
    still on its way. As there, the request is sent again while no answer comes: a kernel
    that is still starting may answer before the output channel's subscription reaches
    it, and that output is then lost.
    """
    deadline = time.monotonic() + (timeout or 60)
    sent: set[str] = set()

    async def answer(channel: Any, wait: float, wanted: Callable[[dict[str, Any]], bool]) -> bool:
        end = time.monotonic() + wait
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await ensure_async(channel.get_msg(timeout=left))
            except Empty:
                break
            if msg["parent_header"].get("msg_id") in sent and wanted(msg):
                return True
        return False

    while True:
        sent.add(client.kernel_info())
        if await answer(client.shell_channel, 1, lambda msg: msg["msg_type"] == "kernel_info_reply") and await answer(
            client.iopub_channel, 0.5, lambda msg: msg["content"].get("execution_state") == "idle"
        ):
            return
        if not await ensure_async(manager.is_alive()):
            raise WarmKernelDied("the warm kernel died before it answered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the warm kernel did not answer in {timeout} s")


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
