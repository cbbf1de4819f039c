"""A JupyterLab server for one test: loopback only, a random token, always stopped.

Why a helper of its own: a server left running after a failed test keeps a port,
a kernel and a CPU busy on a 2-core machine, and the next run then measures the
leftovers. So every start has a bounded wait for readiness, and every stop asks the
server to shut down (which stops its kernels), then signals its process group, then
kills any kernel that still names this server's private runtime folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0
#: The URL the server prints. Jupyter prints a token it generated in full, and one it was given as "...".
URL_IN_LOG = re.compile(r"(http://127\.0\.0\.1:\d+)/\S*\?token=([0-9a-zA-Z]+|\.\.\.)")

T = TypeVar("T")


def wait_for(condition: Callable[[], T | None], timeout: float, what: str, interval: float = 0.2) -> T:
    """Poll ``condition`` until it returns something truthy, or fail after ``timeout`` seconds.

    The suite's one polling loop (Playwright's waits cover the page): every wait names
    what it waits for, so a timeout says what never happened.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for {what}")
        time.sleep(interval)


def free_port() -> int:
    """A TCP port nobody listens on right now (the server refuses to fall back to another)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def private_jupyter_env(state: Path) -> dict[str, str]:
    """Environment for a server whose settings, workspaces and runtime files live in ``state``.

    A developer's own ~/.jupyter settings (a theme, a windowing mode, an extension
    turned off) must not change what the test sees, and the test must not write there.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    for variable, folder in {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
    }.items():
        path = state / folder
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    env.pop("JUPYTER_TOKEN", None)
    env["BROWSER"] = "true"  # if anything asks Python's webbrowser to open a page, it opens nothing
    return env


@dataclass
class LabServer:
    """A running server: where to point the browser, and how to reach its REST API."""

    process: subprocess.Popen
    log_path: Path
    runtime_dir: Path
    url: str = ""
    base: str = ""
    token: str = ""

    def api(self, path: str, method: str = "GET", timeout: float = 10.0) -> object:
        """Call the server's REST API with the token; JSON in, JSON out."""
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
            body = response.read()
        return json.loads(body) if body else None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def page(self, path: str) -> str:
        """A URL of this server with the token, for the browser's first visit."""
        return f"{self.base}{path}?token={self.token}"


def root_flag() -> list[str]:
    """``--allow-root`` when the tests run as root (CI does): Jupyter refuses root otherwise."""
    return ["--allow-root"] if os.geteuid() == 0 else []


def lab_command(root: Path, port: int, token: str) -> list[str]:
    """``jupyter lab`` as the tests run it: loopback, a fixed free port, a token, no browser."""
    return [
        str(VENV_BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.default_url=/lab/tree/lessons",
        *root_flag(),
    ]


def _printed_url(server: LabServer) -> re.Match | None:
    if server.process.poll() is not None:
        raise RuntimeError(f"JupyterLab exited with {server.process.returncode}:\n{server.log()[-4000:]}")
    return URL_IN_LOG.search(server.log())


def _answers(server: LabServer) -> bool:
    try:
        server.api("/api/status", timeout=2.0)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False
    return True


def attach(server: LabServer) -> LabServer:
    """Wait until the server prints its URL and answers its API.

    The base URL always comes from what the server printed (the port it really bound);
    the token too when Jupyter generated it, as it does for a person running ``make lab``.
    """
    printed = wait_for(lambda: _printed_url(server), START_TIMEOUT, "JupyterLab to print its URL")
    server.url = printed.group(0)
    server.base = printed.group(1)
    if printed.group(2) != "...":
        server.token = printed.group(2)
    wait_for(lambda: _answers(server), START_TIMEOUT, "JupyterLab's API to answer")
    return server


def launch(command: list[str], cwd: Path, state: Path, env: dict[str, str] | None = None) -> LabServer:
    """Start ``command`` in its own process group, logging to a file under ``state``."""
    state.mkdir(parents=True, exist_ok=True)
    env = env or private_jupyter_env(state)
    log_path = state / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return LabServer(process=process, log_path=log_path, runtime_dir=Path(env["JUPYTER_RUNTIME_DIR"]))


def _kernels_of(runtime_dir: Path) -> list[int]:
    """Processes whose command line names this server's runtime folder: its kernels."""
    marker = str(runtime_dir).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def _ask_to_shut_down(server: LabServer) -> bool:
    """Ask over the API: the server then stops its kernels itself before it exits."""
    if server.process.poll() is not None or not server.token:
        return False
    try:
        server.api("/api/shutdown", method="POST")
    except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
        return False
    return True


def _exited(process: subprocess.Popen, timeout: float) -> bool:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def stop(server: LabServer) -> None:
    """Stop the server and everything it started; bounded at every step."""
    if not _ask_to_shut_down(server):
        _signal_group(server.process, signal.SIGTERM)
    if not _exited(server.process, STOP_TIMEOUT):
        _signal_group(server.process, signal.SIGTERM)
        if not _exited(server.process, STOP_TIMEOUT):
            _signal_group(server.process, signal.SIGKILL)
            server.process.wait(timeout=STOP_TIMEOUT)
    _signal_group(server.process, signal.SIGKILL)  # whatever is left of its group (make's child)
    for pid in _kernels_of(server.runtime_dir):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@contextmanager
def running_lab(root: Path, state: Path) -> Iterator[LabServer]:
    """JupyterLab serving ``root`` (and started in it, so nbgrader finds its config) until the block ends."""
    token = secrets.token_hex(24)
    server = launch(lab_command(root, free_port(), token), cwd=root, state=state)
    server.token = token
    try:
        yield attach(server)
    finally:
        stop(server)
