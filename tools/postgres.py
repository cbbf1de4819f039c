"""A throwaway PostgreSQL server for the grading tests and the grading benchmark.

    with throwaway_server() as url:   # postgresql+psycopg://postgres@/gradebook?host=...&port=...
        ...

It uses the machine's own PostgreSQL (Debian's ``postgresql`` package): a new
cluster in a temporary folder, listening on a Unix socket in that folder only
(no TCP port, nothing reachable from outside), with one database, ``gradebook``.
The server is stopped and its folder removed when the block ends, also when the
block fails. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` system user (which the Debian package creates).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DATABASE = "gradebook"
PORT = 5432  # only names the socket file: the server listens on no TCP port


def server_bin() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl`` (Debian keeps them out of PATH), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def missing() -> str | None:
    """Why no server can be started here (None if one can)."""
    if server_bin() is None:
        return "PostgreSQL's server (initdb, pg_ctl) is not installed (Debian package: postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no 'postgres' user to run the server as"
    return None


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    result = subprocess.run(_as_server_user(cmd), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")


def url_for(folder: Path, user: str = "postgres") -> str:
    """The SQLAlchemy URL of the ``gradebook`` database (psycopg 3 driver) behind the socket in ``folder``."""
    return f"postgresql+psycopg://{user}@/{DATABASE}?host={folder}&port={PORT}"


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Start a server with an empty ``gradebook`` database; yield its URL; stop and remove it afterwards."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    binaries = server_bin()
    folder = Path(tempfile.mkdtemp(prefix="gradebook-pg-"))
    data, log = folder / "data", folder / "server.log"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    started = False
    try:
        _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        options = f"-c listen_addresses='' -c unix_socket_directories={folder} -p {PORT} -c fsync=off"
        _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
        started = True
        _run([str(binaries / "createdb"), "-h", str(folder), "-p", str(PORT), "-U", "postgres", DATABASE])
        yield url_for(folder)
    finally:
        if started:
            _run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)
