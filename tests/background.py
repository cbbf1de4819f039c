"""Slow work the session needs, started with the session and run a few at a time.

Why: most of the suite's time goes into real nbgrader runs (each lesson's graded
fixtures and feedback pages, a simulated term, a hostile class, a PostgreSQL class) that depend
neither on each other nor on the tests that read their results. Started together
at the first test, costliest first, a worker per core and one more, they keep both cores
busy while the main thread runs the browser and the quick tests; each test then waits only
for the one result it reads. A job that mostly waits (the JupyterHub class) can have a
thread of its own instead of a worker's place.

A module registers a job at import time with the tests that need it; only the
jobs some selected test needs are run (``-k 01-flywheel`` grades one lesson).
"""

from __future__ import annotations

import json
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

#: The cores the jobs are planned for (tests/grading_jobs.py makes one grading run per core).
CORES = max(1, min(2, os.cpu_count() or 1))
#: One worker per core, and one more: the jobs wait for part of their time (nbgrader and the students'
#: commands starting, servers starting), and the extra worker fills those gaps (502 s instead of 530 s
#: for the suite when first tried). Under that load a warm kernel sometimes died before its submission
#: ran (about 1 in 300); it is now replaced (coursekit/warm_kernels.py), and a submission nbgrader still
#: fails on in a batch is graded once more alone and named in the session's summary.
WORKERS = CORES + 1


@dataclass(frozen=True)
class Job:
    """Work done in a fresh folder, for the tests ``wanted`` picks out; ``cost`` orders the start.

    ``work(folder, items)`` gets the session's selected tests too, for jobs that serve several.
    ``own_thread`` jobs start at once beside the workers: work that mostly waits (servers
    starting, a browser) and must not hold a core's place in the queue.
    """

    name: str
    work: Callable[[Path, list[pytest.Item]], Any]
    wanted: Callable[[pytest.Item], bool]
    cost: float
    own_thread: bool = False


_JOBS: dict[str, Job] = {}
_STARTED: dict[str, Future] = {}
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="background")
_OWN_THREADS: list[ThreadPoolExecutor] = []
_FACTORY: list[pytest.TempPathFactory] = []  # the session's, kept by start() for jobs that wait for others
_SESSION_START = time.perf_counter()
#: When each job ran, in seconds from the session's start: the timeline behind the suite's budget.
TIMELINE: dict[str, dict[str, float]] = {}
_TIMELINE_LOCK = threading.Lock()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


#: The background's priority (Linux niceness): below the main thread's tests, which are the longer
#: path, so that both end about together. Niceness belongs to a thread and passes to the processes it
#: starts (nbgrader, its kernels, the hub's servers and browser).
NICENESS = 5


def _yield_to_the_main_thread() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: the jobs then run at the same priority
        pass


def _timed(job: Job, folder: Path, items: list[pytest.Item]) -> Any:
    _yield_to_the_main_thread()
    started = time.perf_counter() - _SESSION_START
    try:
        return job.work(folder, items)
    finally:
        with _TIMELINE_LOCK:
            TIMELINE[job.name] = {"start": round(started, 1), "end": round(time.perf_counter() - _SESSION_START, 1)}


def register(
    name: str,
    work: Callable[[Path, list[pytest.Item]], Any],
    wanted: Callable[[pytest.Item], bool],
    cost: float,
    own_thread: bool = False,
) -> None:
    _JOBS[name] = Job(name, work, wanted, cost, own_thread)


def _submit(job: Job, items: list[pytest.Item], tmp_path_factory: pytest.TempPathFactory) -> Future:
    pool = _POOL
    if job.own_thread:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=job.name.replace(" ", "-"))
        _OWN_THREADS.append(pool)
    return pool.submit(_timed, job, tmp_path_factory.mktemp(job.name.replace(" ", "-")), items)


def start(items: list[pytest.Item], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Start every registered job a selected test needs, costliest first (once per session)."""
    _FACTORY.append(tmp_path_factory)
    needed = [job for job in start_order() if job.name not in _STARTED and any(job.wanted(i) for i in items)]
    for job in needed:
        _STARTED[job.name] = _submit(job, items, tmp_path_factory)


def result(name: str, items: list[pytest.Item], tmp_path_factory: pytest.TempPathFactory | None = None) -> Any:
    """The job's result, waiting for it (starting it first if nothing has yet).

    A job may wait for another this way (without ``tmp_path_factory``, the session's is used);
    the other must start first (a higher ``cost``), so that it never queues behind its waiter.
    """
    tmp_path_factory = tmp_path_factory or _FACTORY[0]
    if name not in _STARTED:
        start(items, tmp_path_factory)
    if name not in _STARTED:  # selected by a test the job's predicate does not know about
        _STARTED[name] = _submit(_JOBS[name], items, tmp_path_factory)
    return _STARTED[name].result()


def start_order() -> list[Job]:
    """The jobs in the order they start: own-thread jobs at once, then the costliest first."""
    return sorted(_JOBS.values(), key=lambda j: (not j.own_thread, -j.cost))


def waits_last(items: list[pytest.Item]) -> None:
    """Order the main thread's tests so it never idles while it has work of its own.

    Tests that read a job's result come after every test that reads none (browser tests
    first: they are the longest), in the order their jobs start, which is about the order
    they finish. Otherwise a test waiting for a late job holds up every quick test behind
    it, and those then run alone at the end, on one core, after the jobs are done.
    """
    rank = {job.name: position for position, job in enumerate(start_order())}

    def key(item: pytest.Item) -> tuple[int, int]:
        waited = [rank[job.name] for job in _JOBS.values() if job.wanted(item)]
        if waited:
            return (2, min(waited))
        return (0 if item.get_closest_marker("browser") else 1, 0)

    items.sort(key=key)  # stable: within a group, the collection order stays


def shutdown(report: Path | None = None) -> None:
    """Wait for the jobs; write when each ran (and the session's CPU so far) to ``report``."""
    _POOL.shutdown(wait=True, cancel_futures=True)
    for pool in _OWN_THREADS:
        pool.shutdown(wait=True)
    if report is not None and TIMELINE:
        report.parent.mkdir(parents=True, exist_ok=True)
        own = resource.getrusage(resource.RUSAGE_SELF)
        summary = {
            "session seconds": round(time.perf_counter() - _SESSION_START, 1),
            "cpu seconds (pytest)": round(own.ru_utime + own.ru_stime, 1),
            "cpu seconds (finished child processes)": round(_children_cpu(), 1),
            "jobs": dict(sorted(TIMELINE.items(), key=lambda item: item[1]["start"])),
        }
        report.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
