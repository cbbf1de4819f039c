"""nbgrader's collect, made to trust only the submissions a student made themselves.

Why: students may write into the exchange's inbound folder (that is how they submit), and
nbgrader names each submission ``<student>+<lesson>+<time>+<random>`` from the name the
submitting program chose: ``nbgrader submit L --student someone-else`` or a plain
``mkdir`` puts in a submission that claims another student's name. nbgrader's collect
notices that the folder's Unix owner differs and logs "cheating attempt?", then collects
it anyway, as the claimed student's latest submission: one student can replace another's
work. On a hub where every person is a Unix user (hub/jupyterhub_config.py), the owner is
the submitter, so this collect sets such a submission aside (with an error in the log that
names both) and picks each student's submission among those they own.

Not for hubs where every server runs as one shared account (``jovyan``): there every folder
has the same owner. Use it through ``c.ExchangeFactory.collect`` (hub/config/everyone/nbgrader_config.py).
"""

from __future__ import annotations

import glob
import os
import pwd
from collections import defaultdict

from nbgrader.exchange.default.collect import ExchangeCollect


def owner_of(path: str) -> str:
    """The Unix user name that owns ``path`` (its uid in brackets if no such user exists)."""
    uid = os.stat(path).st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"[uid {uid}]"


class OwnerCheckedCollect(ExchangeCollect):
    """Collect each student's latest submission among those they own (before the due date if asked)."""

    def init_src(self) -> None:
        super().init_src()  # nbgrader's checks, its due date, and its own choice (replaced below)
        if not self.check_owner:
            return
        student_id = self.coursedir.student_id if self.coursedir.student_id else "*"
        pattern = os.path.join(self.inbound_path, f"{student_id}+{self.coursedir.assignment_id}+*")
        by_student: dict[str, list[dict]] = defaultdict(list)
        for path in glob.glob(pattern):
            record = self._path_to_record(path)
            owner = owner_of(path)
            if owner == record["username"]:
                by_student[record["username"]].append(record)
            else:
                self.log.error(
                    "Set aside %s: it claims to be %s's submission, but %s made it.",
                    record["filename"],
                    record["username"],
                    owner,
                )
        self.src_records = [self._choose(records) for records in by_student.values()]

    def _choose(self, records: list[dict]) -> dict:
        """nbgrader's rule: the latest, or with ``before_duedate`` the latest before the due date if any."""
        newest_first = self._sort_by_timestamp(records)
        if self.duedate is not None and self.before_duedate:
            on_time = [record for record in newest_first if record["timestamp"] <= self.duedate]
            if on_time:
                return on_time[0]
        return newest_first[0]
