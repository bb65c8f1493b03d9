"""The Celery application for video reviews, when HIPCOACH_TASK_QUEUE=celery.

Run a worker beside the web servers (one analysis at a time per machine; beat re-queues the
jobs of workers that died):

    DJANGO_SETTINGS_MODULE=hipcoach.settings HIPCOACH_TASK_QUEUE=celery REDIS_URL=redis://… \\
        celery -A hipcoach.reviews.celery_app worker --beat --concurrency 1

The broker is CELERY_BROKER_URL, else REDIS_URL. Celery carries only review ids: the job and
its state live in the database (see jobs.py), so a redelivered message is claimed by nobody.
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipcoach.settings")

RECOVER_EVERY_S = 60.0


def broker_url() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "") or getattr(settings, "REDIS_URL", "")
    return str(url or os.environ.get("CELERY_BROKER_URL", "") or os.environ.get("REDIS_URL", ""))


app = Celery("hipcoach")
app.conf.update(
    broker_url=broker_url() or None,
    # A job is long and heavy: one at a time, acknowledged when finished, so a worker that
    # dies hands its message back to the broker.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    worker_concurrency=1,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    beat_schedule_filename=str(Path(settings.VAR_DIR) / "celerybeat-schedule"),
    beat_schedule={
        "recover-video-reviews": {"task": "hipcoach.reviews.recover", "schedule": RECOVER_EVERY_S}
    },
)
app.autodiscover_tasks(["hipcoach.reviews"])
