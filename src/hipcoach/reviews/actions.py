"""Every write to video reviews from the pages: one function per action, one transaction each."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from hipcoach.accounts.models import User
from hipcoach.practice.access import current_program
from hipcoach.reviews import queue
from hipcoach.reviews.models import ReviewStatus, VideoReview, review_storage


@transaction.atomic
def do_upload_review(
    patient: User, uploaded_by: User, video: UploadedFile, *, language: str
) -> VideoReview:
    """Keep the (already checked) video and queue it, judged against the program in force."""
    review = VideoReview(
        patient=patient,
        uploaded_by=uploaded_by,
        original_name=(video.name or "video")[:255],
        size=int(video.size or 0),
        language=language,
    )
    program = current_program(patient)
    if program is not None:
        review.protocol_id = program.protocol_id
        review.hold_s = program.hold_s
        review.sets_per_side = program.sets_per_side
    review.file.save(video.name or "video.mp4", video, save=False)
    review.save()
    transaction.on_commit(lambda: queue.enqueue(review.pk))
    return review


@transaction.atomic
def do_retry_review(review: VideoReview) -> bool:
    """A failed review, queued again from the kept upload; False if it had not failed."""
    retried = VideoReview.objects.filter(pk=review.pk, status=ReviewStatus.FAILED).update(
        status=ReviewStatus.QUEUED,
        attempts=0,
        progress=0,
        error_code="",
        error_params={},
        started_at=None,
        finished_at=None,
        claimed_by="",
        heartbeat_at=None,
    )
    if retried:
        transaction.on_commit(lambda: queue.enqueue(review.pk))
    return bool(retried)


def may_delete(user: User, review: VideoReview) -> bool:
    """The patient, or whoever sent the video; a clinician does not delete others' data."""
    return user.pk in (review.patient_id, review.uploaded_by_id)


@transaction.atomic
def do_delete_review(review: VideoReview) -> None:
    """The review and both videos (a running job notices and stops)."""
    review.delete()


@receiver(post_delete, sender=VideoReview)
def _delete_files(sender: type[VideoReview], instance: VideoReview, **kwargs: object) -> None:
    """The videos go with their review (an account deleted takes its reviews with it)."""
    names = [name for name in (instance.file.name, instance.annotated.name) if name]

    def delete() -> None:
        for name in names:
            review_storage().delete(name)

    transaction.on_commit(delete)
