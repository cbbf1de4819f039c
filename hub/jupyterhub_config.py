"""The course's JupyterHub: one instructor and a class of students, each a local Unix user.

nbgrader's "one class, one grader" set-up (docs/instructor-guide.md, section 2): every
person logs in with their Unix account and password (PAM) and gets their own JupyterLab,
running as themselves in their own home. The instructor's JupyterLab is the only one with
nbgrader's Formgrader and Create Assignment tools; its course folder is a clone of this
repository in the instructor's home. Students have the Assignments tab and Validate.
Lessons and submissions travel through nbgrader's exchange, a shared folder that
``hub/make-exchange.sh`` lays out once with the permissions nbgrader expects.

Run it as root (it starts each person's server as that person), from anywhere:

    jupyterhub -f /srv/customer-obsession/hub/jupyterhub_config.py

Every value that differs between classes is read from an environment variable, with the
default a real server uses; the test suite (tests/browser/test_hub.py) runs this very file
with a throwaway class, random loopback ports and temporary folders.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

HUB = Path(__file__).resolve().parent
ENV_BIN = Path(sys.executable).parent  # the course's environment, which the hub runs from
COURSE_ID = "customer-obsession"

# --- what a class sets ---------------------------------------------------------------------
setting = os.environ.get
INSTRUCTOR = setting("COURSE_HUB_INSTRUCTOR", "instructor")
# nbgrader's roster format (id,first_name,last_name,email): the same file feeds
# `nbgrader db student import`, so the hub admits exactly the students nbgrader grades.
ROSTER = Path(setting("COURSE_HUB_ROSTER", "/srv/customer-obsession/roster.csv"))
EXCHANGE = setting("COURSE_HUB_EXCHANGE", "/srv/nbgrader/exchange")
COURSE_FOLDER = setting("COURSE_HUB_COURSE_FOLDER", "customer-obsession")  # in the instructor's home
STATE = Path(setting("COURSE_HUB_STATE", "/srv/jupyterhub"))  # the hub's database, cookie secret, proxy pid
IP = setting("COURSE_HUB_IP", "127.0.0.1")  # behind a TLS reverse proxy; see the guide for a public one
PORT = int(setting("COURSE_HUB_PORT", "8000"))
HUB_API_PORT = int(setting("COURSE_HUB_API_PORT", "8081"))  # hub <-> servers, loopback only
PROXY_API_PORT = int(setting("COURSE_HUB_PROXY_API_PORT", "8001"))  # hub <-> proxy, loopback only


def students() -> list[str]:
    with ROSTER.open(newline="", encoding="utf-8") as handle:
        return [row["id"].strip() for row in csv.DictReader(handle) if row.get("id", "").strip()]


STUDENTS = students()

# --- the hub, its proxy and its state --------------------------------------------------------
c.JupyterHub.bind_url = f"http://{IP}:{PORT}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = HUB_API_PORT
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [str(HUB / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{PROXY_API_PORT}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- who may log in ----------------------------------------------------------------------------
# Unix accounts and passwords (PAM). No admin: nobody, the instructor included, can open
# another person's server through the hub.
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, systemd-logind) per server
c.Authenticator.allowed_users = {INSTRUCTOR, *STUDENTS}
c.Authenticator.admin_users = set()

# --- each person's JupyterLab ------------------------------------------------------------------
# A local process running as that user, in their home, from the course's environment.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(ENV_BIN / "jupyterhub-singleuser")]
c.Spawner.ip = "127.0.0.1"
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Jupyter configuration folders shipped beside this file (hub/config/):
#   everyone/  nbgrader_config.py: the course id and the exchange, for every server;
#   students/  nbgrader's Formgrader, Create Assignment and Course List switched off.
CONFIG = HUB / "config"


def is_instructor(spawner) -> bool:
    return spawner.user.name == INSTRUCTOR


def config_path(spawner) -> str:
    folders = [CONFIG / "everyone"] if is_instructor(spawner) else [CONFIG / "students", CONFIG / "everyone"]
    return os.pathsep.join(str(folder) for folder in folders)


def course_root(spawner) -> str:
    """The instructor's course folder (nbgrader's CourseDirectory.root); students have none."""
    return str(Path(os.path.expanduser(f"~{INSTRUCTOR}")) / COURSE_FOLDER) if is_instructor(spawner) else ""


c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": config_path,
    "COURSE_EXCHANGE": EXCHANGE,
    "COURSE_ROOT": course_root,
    # Terminals and kernels find the course's python, jupyter and nbgrader first.
    "PATH": os.pathsep.join([str(ENV_BIN), "/usr/local/bin", "/usr/bin", "/bin"]),
}


def students_cannot_switch_tools_back_on(spawner) -> None:
    """A student's own ~/.jupyter is ignored, so the instructor tools stay off in their server.

    This is convenience, not the security boundary: a Formgrader a student started anyway
    would run as that student, who cannot read the instructor's home or the exchange's
    inbound folder (Unix permissions; the hub test checks both).
    """
    spawner.disable_user_config = not is_instructor(spawner)


c.Spawner.pre_spawn_hook = students_cannot_switch_tools_back_on
