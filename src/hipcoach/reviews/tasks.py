"""Celery tasks: thin wrappers over the one job function (jobs.py)."""

from __future__ import annotations

from hipcoach.reviews import jobs
from hipcoach.reviews.celery_app import app


@app.task(name="hipcoach.reviews.run")  # type: ignore[untyped-decorator]
def run_review_task(review_id: int) -> bool:
    return jobs.run_review(review_id)


@app.task(name="hipcoach.reviews.recover")  # type: ignore[untyped-decorator]
def recover_task() -> list[int]:
    requeued = jobs.recover()
    for review_id in requeued:
        run_review_task.delay(review_id)
    return requeued
