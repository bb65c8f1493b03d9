"""The database-backed worker: needs no server, only the database the app already has.

It runs inside the web server (one background thread per process, see queue.py) or alone
(`manage.py run_review_worker`). On one machine an exclusive file lock lets only one of them
analyse at a time, whatever the number of server processes: pose estimation fills a core, and
the machine has two. The lock is the operating system's, so it goes with a dead process.
"""

from __future__ import annotations

import fcntl
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

from hipcoach.reviews import jobs

log = logging.getLogger(__name__)

DEFAULT_POLL_S = 5.0


def lock_path() -> Path:
    default = Path(settings.VAR_DIR) / "review-worker.lock"
    return Path(getattr(settings, "HIPCOACH_REVIEW_LOCK_FILE", default))


@contextmanager
def machine_lock(*, wait: bool) -> Iterator[bool]:
    """Holds the machine's one analysis slot; yields False if another process has it."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Worker:
    """Runs queued reviews one at a time, oldest first."""

    def __init__(self, *, poll_s: float | None = None, name: str | None = None) -> None:
        self.poll_s = float(
            poll_s if poll_s is not None else getattr(settings, "HIPCOACH_REVIEW_POLL_S", 5.0)
        )
        self.name = name or jobs.worker_name()

    def run_once(self, *, wait: bool = False) -> int:
        """Take back dead workers' jobs, then run every queued one; how many were run."""
        with machine_lock(wait=wait) as ours:
            if not ours:
                return 0
            jobs.recover()
            count = 0
            while (claimed := jobs.claim_next(self.name)) is not None:
                jobs.analyse(*claimed)
                count += 1
            return count

    def serve(
        self,
        stop: threading.Event,
        wake: threading.Event | None = None,
        idle: threading.Event | None = None,
    ) -> None:
        """Until ``stop``: a round every ``poll_s`` seconds, or at once when ``wake`` is set.
        ``idle`` is set after a round that found nothing more to do (tests wait on it)."""
        wake = wake or threading.Event()
        while not stop.is_set():
            wake.clear()
            try:
                self.run_once()
            except Exception:
                log.exception("video review worker: a round failed; trying again later")
            finally:
                # This thread's own connections: a server keeps none open between rounds.
                connections.close_all()
            if idle is not None and not wake.is_set():
                idle.set()
            wake.wait(self.poll_s)
