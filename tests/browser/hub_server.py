"""The course's JupyterHub (hub/jupyterhub_config.py) for one test: a throwaway class of Unix users.

What it makes, and removes again however the test ends:
- one instructor and two students, real local accounts with random passwords, named
  ``co<6 hex>-…`` so they cannot clash with a real account or with an earlier run;
- a private folder under /tmp (mode 0755, so the accounts can reach what they own in it):
  their homes (0700), the exchange laid out by hub/make-exchange.sh, the roster, and the
  hub's own state (0700);
- the instructor's course folder, a copy of the course in their home, owned by them;
- JupyterHub itself, on 127.0.0.1 with random ports, started from the repository's
  hub/jupyterhub_config.py with the class's values in its environment, as a real server
  would be with its own.

Stopping is bounded and in layers: JupyterHub is asked to stop (SIGTERM: it stops every
person's server and its proxy), then any process still running as one of the class's
accounts is killed by pid, then the proxy by the pid it wrote, then the accounts, their
homes and the folder are removed.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lab_server import free_port, wait_for
from support import ROOT, copy_course

HUB_CONFIG = ROOT / "hub" / "jupyterhub_config.py"
PROXY = ROOT / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
MAKE_EXCHANGE = ROOT / "hub" / "make-exchange.sh"
COURSE_ID = "customer-obsession"
COURSE_FOLDER = "customer-obsession"
START_TIMEOUT = 90.0
STOP_TIMEOUT = 45.0
ACCOUNT_NOTE = "customer-obsession hub test"


def missing_hub() -> str | None:
    """Why the hub cannot run here, or None when it can."""
    if os.geteuid() != 0:
        return "the hub test creates Unix accounts and runs JupyterHub as root; run it as root"
    for tool in ("useradd", "userdel", "chpasswd", "runuser", "nsenter", "unshare"):
        if not shutil.which(tool):
            return f"`{tool}` is missing"
    if not PROXY.exists():
        return f"{PROXY} is missing: run `make node` (npm ci; needs Node and npm, which .ci/run installs)"
    if not shutil.which("node"):
        return "Node.js is missing (configurable-http-proxy runs on it): install Debian's `nodejs`"
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        return "the Python package `jupyterhub` is not installed (it is pinned in requirements.txt)"
    return None


@dataclass
class Person:
    name: str
    password: str
    home: Path

    @property
    def uid(self) -> int:
        return pwd.getpwnam(self.name).pw_uid


@dataclass
class Hub:
    """A running hub and its class: where to point the browser, who may log in."""

    url: str
    folder: Path
    exchange: Path
    instructor: Person
    students: list[Person]
    process: subprocess.Popen
    log_path: Path
    state: Path
    seconds_to_start: float = 0.0

    @property
    def course(self) -> Path:
        """The instructor's course folder."""
        return self.instructor.home / COURSE_FOLDER

    @property
    def inbound(self) -> Path:
        return self.exchange / COURSE_ID / "inbound"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def api(self, path: str) -> object:
        """The hub's public REST API, unauthenticated (``/hub/api`` answers its version)."""
        with urllib.request.urlopen(f"{self.url}{path}", timeout=5) as response:  # noqa: S310 - loopback only
            return json.loads(response.read())

    def everyone(self) -> list[Person]:
        return [self.instructor, *self.students]


@dataclass
class Accounts:
    """The Unix accounts this run made, so that exactly these are removed."""

    people: list[Person] = field(default_factory=list)

    def add(self, name: str, home: Path) -> Person:
        password = secrets.token_urlsafe(18)
        subprocess.run(
            ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash", "--user-group"]
            + ["--comment", ACCOUNT_NOTE, name],
            check=True,
            capture_output=True,
            timeout=30,
        )
        person = Person(name=name, password=password, home=home)
        self.people.append(person)
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True, timeout=30)
        home.chmod(0o700)
        return person

    def remove(self) -> None:
        for person in self.people:
            kill_processes_of(person)
            subprocess.run(["userdel", "--remove", person.name], capture_output=True, timeout=30)
            shutil.rmtree(person.home, ignore_errors=True)


def processes_of(uid: int) -> list[int]:
    """Pids of the processes running as ``uid`` (real or effective)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        uids = next((line.split()[1:] for line in status.splitlines() if line.startswith("Uid:")), [])
        if str(uid) in uids:
            found.append(int(entry.name))
    return found


def kill_processes_of(person: Person) -> None:
    """End every process left running as ``person`` (their server, kernels, terminals), by pid."""
    try:
        uid = person.uid
    except KeyError:
        return
    for signum in (signal.SIGTERM, signal.SIGKILL):
        pids = processes_of(uid)
        for pid in pids:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass
        if pids and signum == signal.SIGTERM:
            try:
                wait_for(lambda: not processes_of(uid), 10, f"{person.name}'s processes to end")
            except TimeoutError:
                continue


def blocked_folder(path: Path) -> Path | None:
    """The topmost folder above ``path`` that other users cannot enter (``/root`` for pyenv's Python), or None."""
    blocked = [folder for folder in path.parents if not folder.stat().st_mode & stat.S_IXOTH]
    return blocked[-1] if blocked else None


def shared_view(needed: list[Path], stash: Path) -> list[str]:
    """A command prefix under which the class's accounts can reach ``needed``, changing nothing on the machine.

    The course's environment must be readable by every account, as it is on a real hub
    (installed under /opt or /srv). Here it may use a Python that lives under a folder
    only root can enter (pyenv under /root). So the hub runs in a private mount namespace
    (``unshare --mount``, gone when its last process ends) where each such folder is
    covered by an empty one that everyone may enter, holding only the needed paths,
    bind-mounted from the real ones. Outside that namespace nothing changes.
    """
    lines = ["set -e"]
    covered: dict[Path, Path] = {}
    for path in needed:
        folder = blocked_folder(path)
        if folder is None:
            continue
        if folder not in covered:
            covered[folder] = stash / str(len(covered))
            lines.append(f"mkdir -p '{covered[folder]}' && mount --bind '{folder}' '{covered[folder]}'")
            lines.append(f"mount -t tmpfs -o mode=755 tmpfs '{folder}'")
        inside = path.relative_to(folder)
        lines.append(f"mkdir -p '{path}' && mount --bind '{covered[folder] / inside}' '{path}'")
    if not covered:
        return []
    lines.append('exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", "\n".join(lines), "shared-view"]


def write_roster(path: Path, students: list[Person]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "first_name", "last_name", "email"])
        for number, person in enumerate(students, start=1):
            writer.writerow([person.name, f"Student{number}", "Test", ""])


def give_to(path: Path, person: Person) -> None:
    """chown -R ``path`` to ``person`` (and their group)."""
    info = pwd.getpwnam(person.name)
    for folder, dirs, files in os.walk(path):
        os.chown(folder, info.pw_uid, info.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), info.pw_uid, info.pw_gid, follow_symlinks=False)


def hub_environment(folder: Path, instructor: Person, ports: dict[str, int]) -> dict[str, str]:
    """What a real server sets for hub/jupyterhub_config.py, here pointing at the throwaway class."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("JUPYTER", "COURSE_"))}
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        COURSE_HUB_INSTRUCTOR=instructor.name,
        COURSE_HUB_ROSTER=str(folder / "roster.csv"),
        COURSE_HUB_EXCHANGE=str(folder / "exchange"),
        COURSE_HUB_COURSE_FOLDER=COURSE_FOLDER,
        COURSE_HUB_STATE=str(folder / "state"),
        COURSE_HUB_IP="127.0.0.1",
        COURSE_HUB_PORT=str(ports["public"]),
        COURSE_HUB_API_PORT=str(ports["hub"]),
        COURSE_HUB_PROXY_API_PORT=str(ports["proxy"]),
    )
    return env


def _answers(hub: Hub) -> bool:
    if hub.process.poll() is not None:
        raise RuntimeError(f"JupyterHub exited with {hub.process.returncode}:\n{hub.log()[-6000:]}")
    try:
        return "version" in hub.api("/hub/api/")
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


def stop_hub(hub: Hub) -> None:
    """SIGTERM (JupyterHub then stops every server and the proxy), bounded; then whatever is left."""
    if hub.process.poll() is None:
        os.killpg(hub.process.pid, signal.SIGTERM)
        try:
            hub.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(hub.process.pid, signal.SIGKILL)
            hub.process.wait(timeout=10)
    try:
        os.killpg(hub.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for person in hub.everyone():
        kill_processes_of(person)
    pid_file = hub.state / "jupyterhub-proxy.pid"
    if pid_file.exists():
        kill_if(pid_file.read_text().strip(), "configurable-http-proxy")


def kill_if(pid: str, marker: str) -> None:
    """Kill the process ``pid`` if it is still the one we started (its command line names ``marker``)."""
    if not pid.isdigit():
        return
    try:
        if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
            os.kill(int(pid), signal.SIGKILL)
    except (OSError, ProcessLookupError):
        pass


@contextmanager
def running_hub(students: int = 2) -> Iterator[Hub]:
    """A class on the course's hub until the block ends; everything it made is removed after."""
    tag = "co" + secrets.token_hex(3)
    with ExitStack() as cleanup:
        folder = Path(tempfile.mkdtemp(prefix=f"{tag}-hub-", dir="/tmp"))
        cleanup.callback(shutil.rmtree, folder, True)
        folder.chmod(0o755)
        (folder / "home").mkdir(mode=0o755)
        state = folder / "state"
        state.mkdir(mode=0o700)
        accounts = Accounts()
        cleanup.callback(accounts.remove)
        homes = folder / "home"
        instructor = accounts.add(f"{tag}-instructor", homes / f"{tag}-instructor")
        pupils = [accounts.add(f"{tag}-student{n}", homes / f"{tag}-student{n}") for n in range(1, students + 1)]

        subprocess.run(["sh", str(MAKE_EXCHANGE), instructor.name, str(folder / "exchange")], check=True, timeout=30)
        give_to(copy_course(instructor.home / COURSE_FOLDER), instructor)
        write_roster(folder / "roster.csv", pupils)

        ports = {"public": free_port(), "hub": free_port(), "proxy": free_port()}
        log_path = state / "jupyterhub.log"
        with log_path.open("wb") as log:
            needed = [Path(sys.base_prefix), ROOT]
            process = subprocess.Popen(
                [*shared_view(needed, state / "stash"), sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
                cwd=state,
                env=hub_environment(folder, instructor, ports),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        hub = Hub(
            url=f"http://127.0.0.1:{ports['public']}",
            folder=folder,
            exchange=folder / "exchange",
            instructor=instructor,
            students=pupils,
            process=process,
            log_path=log_path,
            state=state,
        )
        cleanup.callback(stop_hub, hub)
        started = time.perf_counter()
        wait_for(lambda: _answers(hub), START_TIMEOUT, "JupyterHub to answer on its public port")
        hub.seconds_to_start = time.perf_counter() - started
        yield hub
