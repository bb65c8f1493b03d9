"""One interface, ``enqueue(review_id)``, over the task queues; settings alone choose which.

HIPCOACH_TASK_QUEUE (setting, else environment variable):
  embedded (default)  a background thread in each server process; needs no other server
  worker              nothing in the server: `manage.py run_review_worker` does the work
  celery              a Celery task on Redis (CELERY_BROKER_URL, else REDIS_URL)

The database row is the job in every case: queued, running, done or failed. Celery only
carries the id, so a lost message loses nothing a worker cannot find again.
"""

from __future__ import annotations

import os
import threading
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from hipcoach.reviews import jobs
from hipcoach.reviews.worker import Worker

BACKENDS = ("embedded", "worker", "celery")
# Pages kick the queue when they show a review; under Celery that looks for dead workers'
# jobs, at most this often.
KICK_EVERY_S = 30.0


def backend() -> str:
    name = str(
        getattr(settings, "HIPCOACH_TASK_QUEUE", "")
        or os.environ.get("HIPCOACH_TASK_QUEUE", "")
        or "embedded"
    ).lower()
    if name not in BACKENDS:
        raise ImproperlyConfigured(f"HIPCOACH_TASK_QUEUE must be one of {BACKENDS}, not {name!r}")
    return name


def enqueue(review_id: int) -> None:
    """Make sure the queued review ``review_id`` will be run (call after its row commits)."""
    name = backend()
    if name == "embedded":
        embedded.wake()
    elif name == "celery":
        _send([review_id])


def kick() -> None:
    """Called when a review is looked at: starts the embedded thread in this process if it
    is not running yet (after a restart, say), or under Celery takes back dead workers' jobs."""
    name = backend()
    if name == "embedded":
        embedded.start()
    elif name == "celery":
        global _last_kick  # noqa: PLW0603 - one timestamp per process
        now = time.monotonic()
        if now - _last_kick >= KICK_EVERY_S:
            _last_kick = now
            _send(jobs.recover())


_last_kick = -KICK_EVERY_S


def _send(review_ids: list[int]) -> None:
    from hipcoach.reviews.tasks import run_review_task  # noqa: PLC0415 - only under Celery

    for review_id in review_ids:
        run_review_task.delay(review_id)


class EmbeddedWorker:
    """The worker as a daemon thread of this process, started on first need."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._idle = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        with self._guard:
            if self.running:
                return
            self._stop.clear()
            self._idle.clear()
            self._thread = threading.Thread(
                target=Worker().serve,
                args=(self._stop, self._wake, self._idle),
                name="video-review-worker",
                daemon=True,
            )
            self._thread.start()

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()
        self.start()

    def wait_idle(self, timeout_s: float) -> bool:
        """True once a round found nothing left to do (for tests and the benchmark)."""
        return self._idle.wait(timeout_s)

    def stop(self, timeout_s: float = 30.0) -> None:
        with self._guard:
            thread = self._thread
            self._stop.set()
            self._wake.set()
        if thread is not None:
            thread.join(timeout_s)
        with self._guard:
            self._thread = None


embedded = EmbeddedWorker()
