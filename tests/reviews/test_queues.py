"""The queues end to end: the embedded thread, the worker command, and Celery on real Redis.

Each runs a real job (the pose model on a small generated clip with nobody in it) through the
same job function; only how the job reaches it differs.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django.fixtures import Settings

from hipcoach.reviews import queue
from hipcoach.reviews.models import ReviewStatus, VideoReview
from hipcoach.reviews.worker import machine_lock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from servers.redis import redis_server

pytestmark = [pytest.mark.pose_model, pytest.mark.django_db(transaction=True)]
MakeReview = Callable[..., VideoReview]
WAIT_S = 120.0


def test_the_embedded_worker_runs_an_uploaded_video_to_done(
    make_review: MakeReview, settings: Settings, pose_model: Path
) -> None:
    settings.HIPCOACH_TASK_QUEUE = "embedded"
    review = make_review()  # its commit enqueues it: the thread starts
    assert queue.embedded.running
    assert queue.embedded.wait_idle(WAIT_S)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE
    assert review.progress == 100
    # The same thread takes the next upload without being started again.
    again = make_review()
    assert queue.embedded.wait_idle(WAIT_S)
    again.refresh_from_db()
    assert again.status == ReviewStatus.DONE


def test_the_embedded_worker_waits_while_another_process_holds_the_machine(
    make_review: MakeReview, settings: Settings, pose_model: Path
) -> None:
    settings.HIPCOACH_TASK_QUEUE = "embedded"
    with machine_lock(wait=False) as ours:
        assert ours
        review = make_review()
        assert queue.embedded.wait_idle(WAIT_S)
        review.refresh_from_db()
        assert review.status == ReviewStatus.QUEUED
    queue.embedded.wake()
    assert queue.embedded.wait_idle(WAIT_S)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE


def test_looking_at_a_waiting_review_starts_the_worker_after_a_restart(
    make_review: MakeReview, settings: Settings, pose_model: Path, client: Any
) -> None:
    review = make_review()  # queued while the queue was "worker": nothing runs it
    settings.HIPCOACH_TASK_QUEUE = "embedded"
    assert not queue.embedded.running
    client.force_login(review.patient)
    assert client.get(f"/en/reviews/{review.pk}/status/").json()["status"] == "queued"
    assert queue.embedded.running
    assert queue.embedded.wait_idle(WAIT_S)
    state = client.get(f"/en/reviews/{review.pk}/status/").json()
    assert (state["status"], state["finished"], state["progress"]) == ("done", True, 100)


def test_the_worker_command_runs_what_is_queued_once(
    make_review: MakeReview, pose_model: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = [make_review(), make_review()]
    call_command("run_review_worker", "--once")
    assert "2 video review(s) analysed" in capsys.readouterr().out
    assert {r.status for r in VideoReview.objects.filter(pk__in=[r.pk for r in reviews])} == {
        ReviewStatus.DONE
    }


@pytest.fixture
def celery_on_redis(settings: Settings) -> Iterator[threading.Event]:
    """The app's Celery on a real Redis, with a worker in this process; set when a task ends."""
    from celery.contrib.testing.worker import start_worker  # noqa: PLC0415
    from celery.signals import task_postrun  # noqa: PLC0415

    from hipcoach.reviews.celery_app import app  # noqa: PLC0415

    finished = threading.Event()

    def on_postrun(**kwargs: Any) -> None:
        finished.set()

    with redis_server() as url:
        saved = app.conf.broker_url
        app.conf.broker_url = url
        settings.HIPCOACH_TASK_QUEUE = "celery"
        task_postrun.connect(on_postrun, weak=False)
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
                yield finished
        finally:
            task_postrun.disconnect(on_postrun)
            app.conf.broker_url = saved
            app.pool.force_close_all()


def test_celery_on_redis_runs_an_uploaded_video_to_done(
    make_review: MakeReview, celery_on_redis: threading.Event, pose_model: Path
) -> None:
    from hipcoach.reviews.celery_app import app  # noqa: PLC0415

    assert not app.conf.task_always_eager
    review = make_review()  # its commit sends the id to Redis
    assert celery_on_redis.wait(WAIT_S), "the Celery worker never finished the task"
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE
    assert review.result is not None
    assert review.result["frames"] == 20
    assert review.claimed_by.endswith(f":{os.getpid()}")
