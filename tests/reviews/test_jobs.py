"""The job function and its claims: one runner per job, progress, failure, recovery."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.translation import override

from hipcoach import analysis
from hipcoach.reviews import jobs
from hipcoach.reviews.actions import do_retry_review
from hipcoach.reviews.models import MAX_ATTEMPTS, ReviewStatus, VideoReview

MakeReview = Callable[..., VideoReview]


@pytest.mark.pose_model
def test_a_video_with_nobody_in_it_is_analysed_to_the_end(
    make_review: MakeReview, pose_model: Path
) -> None:
    review = make_review()
    assert jobs.run_review(review.pk) is True
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE
    assert review.progress == 100
    assert review.attempts == 1
    assert review.result is not None
    assert review.result["frames"] == 20
    assert review.result["frames_with_person"] == 0
    assert review.result["holds"] == []
    # The stored summary names the person's file, never the server's path.
    assert review.result["path"] == "clip.mp4"
    assert review.timeline["version"] == 1
    assert review.annotated.name.endswith("-annotated.mp4")
    assert Path(review.annotated.path).stat().st_size > 0
    assert review.finished_at is not None


def test_a_review_is_claimed_once(make_review: MakeReview) -> None:
    review = make_review()
    assert jobs.claim(review.pk, "a:1") == 1
    assert jobs.claim(review.pk, "b:2") is None
    assert jobs.run_review(review.pk) is False
    review.refresh_from_db()
    assert (review.status, review.claimed_by, review.attempts) == (ReviewStatus.RUNNING, "a:1", 1)


def test_claim_next_takes_the_oldest_first_and_nothing_when_empty(make_review: MakeReview) -> None:
    first, second = make_review(), make_review()
    assert jobs.claim_next("w:1") == (first.pk, 1)
    assert jobs.claim_next("w:1") == (second.pk, 1)
    assert jobs.claim_next("w:1") is None


@pytest.mark.pose_model
def test_a_corrupt_video_fails_with_a_message_and_keeps_the_upload_for_a_retry(
    make_review: MakeReview, tmp_path: Path, pose_model: Path
) -> None:
    # It passes the upload's sniff (an MP4 box header) but holds no video.
    corrupt = tmp_path / "broken.mp4"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000))
    review = make_review(corrupt)
    assert jobs.run_review(review.pk)
    review.refresh_from_db()
    assert review.status == ReviewStatus.FAILED
    assert review.error_code == "unreadable"
    with override("en"):
        assert "could not be read" in review.error_message()
    assert not review.annotated.name
    assert Path(review.file.path).read_bytes() == corrupt.read_bytes()
    assert do_retry_review(review) is True
    review.refresh_from_db()
    assert (review.status, review.attempts, review.error_code) == (ReviewStatus.QUEUED, 0, "")
    assert do_retry_review(review) is False  # only a failed review is retried


def test_an_unexpected_error_fails_the_job_as_ours_not_theirs(
    make_review: MakeReview, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("model exploded")

    monkeypatch.setattr(analysis.Analyzer, "analyze", boom)
    review = make_review()
    assert jobs.run_review(review.pk)
    review.refresh_from_db()
    assert review.status == ReviewStatus.FAILED
    assert review.error_code == "internal"
    with override("en"):
        assert "on our side" in review.error_message()


def test_progress_is_written_in_steps_not_every_frame(make_review: MakeReview) -> None:
    review = make_review()
    attempt = jobs.claim(review.pk)
    rows = VideoReview.objects.filter(pk=review.pk, attempts=attempt)
    writes: list[int | None] = []
    real_update = rows.update

    def counting_update(**values: object) -> int:
        writes.append(values.get("progress"))  # type: ignore[arg-type]
        return real_update(**values)

    rows.update = counting_update  # type: ignore[method-assign]
    progress = jobs._Progress(rows)
    for done in range(1, 1001):
        progress(done, 1000)
    assert writes == list(range(2, 100, 2))
    review.refresh_from_db()
    assert review.progress == 98
    # A container that does not say its length: the bar is indeterminate, written once.
    writes.clear()
    unknown = jobs._Progress(rows)
    for done in range(1, 50):
        unknown(done, 0)
    assert writes == [None]


def test_a_deleted_review_stops_its_job(make_review: MakeReview) -> None:
    review = make_review()
    attempt = jobs.claim(review.pk)
    progress = jobs._Progress(VideoReview.objects.filter(pk=review.pk, attempts=attempt))
    VideoReview.objects.filter(pk=review.pk).delete()
    with pytest.raises(jobs._Lost):
        progress(10, 100)


def test_a_stale_running_job_is_queued_again_and_a_live_one_is_not(
    make_review: MakeReview,
) -> None:
    stale, live = make_review(), make_review()
    jobs.claim(stale.pk, "elsewhere:1")
    jobs.claim(live.pk, "elsewhere:2")
    old = timezone.now() - jobs.stale_after() - timedelta(seconds=1)
    VideoReview.objects.filter(pk=stale.pk).update(heartbeat_at=old)
    assert jobs.recover() == [stale.pk]
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.status, stale.claimed_by) == (ReviewStatus.QUEUED, "")
    assert live.status == ReviewStatus.RUNNING
    # Queued again, it is claimed again, and the attempt is counted.
    assert jobs.claim(stale.pk) == 2


def test_a_job_of_a_dead_process_on_this_machine_is_taken_back_at_once(
    make_review: MakeReview,
) -> None:
    review, mine = make_review(), make_review()
    # A pid that cannot be running: above the kernel's pid_max.
    jobs.claim(review.pk, f"{socket.gethostname()}:{2**22 + 1}")
    jobs.claim(mine.pk, jobs.worker_name())  # this very process: alive
    assert jobs.recover() == [review.pk]
    mine.refresh_from_db()
    assert mine.status == ReviewStatus.RUNNING


def test_a_job_interrupted_too_often_fails_instead_of_looping(make_review: MakeReview) -> None:
    review = make_review()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert jobs.claim(review.pk, "gone:1") == attempt
        VideoReview.objects.filter(pk=review.pk).update(heartbeat_at=None)
        requeued = jobs.recover()
        assert requeued == ([review.pk] if attempt < MAX_ATTEMPTS else [])
    review.refresh_from_db()
    assert review.status == ReviewStatus.FAILED
    assert review.error_code == "interrupted"
    with override("en"):
        assert f"interrupted {MAX_ATTEMPTS} times" in review.error_message()


def test_an_old_worker_cannot_overwrite_the_job_after_it_was_taken_back(
    make_review: MakeReview,
) -> None:
    review = make_review()
    first = jobs.claim(review.pk, "old:1")
    VideoReview.objects.filter(pk=review.pk).update(heartbeat_at=None)
    jobs.recover()
    jobs.claim(review.pk, "new:2")
    assert first is not None
    jobs.analyse(review.pk, first)  # the old worker wakes up: nothing of it is written
    review.refresh_from_db()
    assert (review.status, review.claimed_by, review.result) == (
        ReviewStatus.RUNNING,
        "new:2",
        None,
    )
