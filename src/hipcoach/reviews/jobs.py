"""The one place a video review is analysed, and the claims that keep it to one runner.

Every queue (the embedded thread, the worker command, Celery) ends here: claim a queued
review with one conditional UPDATE (queued → running), so any number of processes and
machines never run one job twice; run the same analysis service as the CLI; write progress,
the timeline, the summary and the annotated video. Each write after the claim is fenced by
the attempt number, so a worker that was given up on (and replaced) cannot overwrite the
result of the one that replaced it.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from coach.coaching import SequenceReport
from coach.timeline import timeline_dict
from hipcoach.reviews.models import (
    MAX_ATTEMPTS,
    ErrorCode,
    ReviewStatus,
    VideoReview,
    review_storage,
)

log = logging.getLogger(__name__)

# Progress is written when it has moved this many percent, or after this many seconds (the
# heartbeat that tells other workers this job is alive).
PROGRESS_STEP = 2
HEARTBEAT_S = 10.0
DEFAULT_STALE_S = 120


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def stale_after() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "HIPCOACH_REVIEW_STALE_S", DEFAULT_STALE_S)))


def claim(review_id: int, worker: str | None = None) -> int | None:
    """Take a queued review; its attempt number (the fence for later writes), or None when it
    is not queued (done, or another worker was first)."""
    now = timezone.now()
    taken = VideoReview.objects.filter(pk=review_id, status=ReviewStatus.QUEUED).update(
        status=ReviewStatus.RUNNING,
        attempts=F("attempts") + 1,
        claimed_by=worker or worker_name(),
        started_at=now,
        heartbeat_at=now,
        progress=0,
        error_code="",
        error_params={},
    )
    if taken != 1:
        return None
    attempt: int = VideoReview.objects.values_list("attempts", flat=True).get(pk=review_id)
    return attempt


def claim_next(worker: str | None = None) -> tuple[int, int] | None:
    """The oldest queued review, claimed: (id, attempt), or None when nothing is queued."""
    while True:
        queued = VideoReview.objects.filter(status=ReviewStatus.QUEUED).order_by("created_at", "pk")
        review_id = queued.values_list("pk", flat=True).first()
        if review_id is None:
            return None
        attempt = claim(review_id, worker)
        if attempt is not None:
            return review_id, attempt
        # Someone else took it between the look and the claim: look again.


def run_review(review_id: int, worker: str | None = None) -> bool:
    """Claim and analyse one review; False when it was not ours to run."""
    attempt = claim(review_id, worker)
    if attempt is None:
        return False
    analyse(review_id, attempt)
    return True


class _Lost(Exception):
    """The job is no longer ours: deleted, or given up on and claimed by another worker."""


class _Progress:
    def __init__(self, rows: QuerySet[VideoReview]) -> None:
        self.rows = rows
        self.written: int | None = 0
        self.beat = time.monotonic()

    def __call__(self, done: int, expected: int) -> None:
        percent = min(99, done * 100 // expected) if expected > 0 else None
        now = time.monotonic()
        if percent is None:
            changed = self.written is not None
        else:
            changed = self.written is None or percent >= self.written + PROGRESS_STEP
        if not changed and now - self.beat < HEARTBEAT_S:
            return
        if not self.rows.update(progress=percent, heartbeat_at=timezone.now()):
            raise _Lost
        self.written, self.beat = percent, now


def annotated_name(review: VideoReview) -> str:
    """Beside the upload, named after it: a rerun overwrites, never leaves an orphan."""
    return f"{Path(review.file.name).with_suffix('')}-annotated.mp4"


def analyse(review_id: int, attempt: int) -> None:
    """Run the claimed review ``review_id`` (attempt ``attempt``) to done or failed."""
    mine = VideoReview.objects.filter(pk=review_id, status=ReviewStatus.RUNNING, attempts=attempt)
    review = mine.first()
    if review is None:
        return
    storage = review_storage()
    source = Path(storage.path(review.file.name))
    name = annotated_name(review)
    target = Path(storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    reports: list[SequenceReport] = []
    # The pose model is loaded only where a video is analysed: importing MediaPipe into a web
    # server process nearly doubled the live sockets' p99 under load (make bench).
    from hipcoach.analysis import AnalysisError, Analyzer  # noqa: PLC0415

    analyzer = Analyzer(review.protocol(), language=review.language)
    try:
        result = analyzer.analyze(
            source, annotate_to=target, on_progress=_Progress(mine), on_report=reports.append
        )
    except _Lost:
        log.info("video review %s: no longer ours, stopped", review_id)
        target.unlink(missing_ok=True)
        return
    except AnalysisError as exc:
        log.info("video review %s could not be analysed: %s", review_id, exc)
        target.unlink(missing_ok=True)
        _fail(mine, ErrorCode.UNREADABLE)
        return
    except Exception:
        log.exception("video review %s: the analysis failed", review_id)
        target.unlink(missing_ok=True)
        _fail(mine, ErrorCode.INTERNAL)
        return
    finally:
        analyzer.close()
    # The stored summary names the person's own file, not where it lies on the server.
    result["path"] = review.original_name
    [report] = reports
    now = timezone.now()
    finished = mine.update(
        status=ReviewStatus.DONE,
        progress=100,
        result=result,
        timeline=timeline_dict(report.timeline),
        annotated=name,
        finished_at=now,
        heartbeat_at=now,
    )
    if not finished:
        target.unlink(missing_ok=True)


def _fail(rows: QuerySet[VideoReview], code: ErrorCode, **params: Any) -> None:
    rows.update(
        status=ReviewStatus.FAILED,
        error_code=code.value,
        error_params=params,
        finished_at=timezone.now(),
    )


def _pid_gone(claimed_by: str) -> bool:
    """True when ``claimed_by`` names a process of this machine that no longer runs."""
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover(now: datetime | None = None) -> list[int]:
    """Take back jobs whose worker died: at once when it was a process of this machine that is
    gone, else when its heartbeat is older than HIPCOACH_REVIEW_STALE_S. Requeued ids (to send
    again on a queue that needs it); a job interrupted MAX_ATTEMPTS times is failed instead."""
    now = now or timezone.now()
    stale = now - stale_after()
    requeued: list[int] = []
    running = VideoReview.objects.filter(status=ReviewStatus.RUNNING)
    for pk, claimed_by, beat, attempts in running.values_list(
        "pk", "claimed_by", "heartbeat_at", "attempts"
    ):
        if not ((beat is None or beat < stale) or _pid_gone(claimed_by)):
            continue
        rows = running.filter(pk=pk, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            log.warning("video review %s interrupted %s times: stopped", pk, attempts)
            _fail(rows, ErrorCode.INTERRUPTED, attempts=attempts)
        elif rows.update(status=ReviewStatus.QUEUED, claimed_by="", heartbeat_at=None):
            log.warning("video review %s: its worker %s stopped; queued again", pk, claimed_by)
            requeued.append(pk)
    return requeued
