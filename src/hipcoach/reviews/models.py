"""A recorded video sent for review, and what the background analysis found in it.

The upload is kept until the review is deleted, so a failed analysis can be tried again
without asking an older person to find and send the file once more. Errors are stored as a
code with parameters, not as text: the page shows them in the reader's language.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from coach import protocol as protocols
from coach.protocol import Protocol

# A job claimed more often than this was interrupted each time (a crash, a restart, a video
# that kills the process): it is stopped rather than tried for ever.
MAX_ATTEMPTS = 3


class ReviewStorage(FileSystemStorage):
    """Files under MEDIA_ROOT (else var/media); never given a public URL, only served by a
    view that checks who may read them."""

    @property
    def base_location(self) -> str:
        root = getattr(settings, "MEDIA_ROOT", "") or Path(settings.VAR_DIR) / "media"
        return str(root)

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())


_storage = ReviewStorage()


def review_storage() -> ReviewStorage:
    return _storage


def upload_to(_instance: VideoReview, filename: str) -> str:
    """A random name: the person's own file name (often a date and their name) stays in the
    database, not on disk or in any URL."""
    return f"reviews/{secrets.token_hex(16)}{Path(filename).suffix.lower()}"


class ReviewStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be analysed")
    RUNNING = "running", _("Being analysed")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Could not be analysed")


class ErrorCode(models.TextChoices):
    UNREADABLE = "unreadable", "unreadable"
    INTERRUPTED = "interrupted", "interrupted"
    INTERNAL = "internal", "internal"


ERROR_MESSAGES = {
    ErrorCode.UNREADABLE: _(
        "This video could not be read all the way through: it may be damaged, or saved in a "
        "format we cannot open. Please try sending it again, or record it again."
    ),
    ErrorCode.INTERRUPTED: _(
        "The analysis was interrupted %(attempts)s times, so it was stopped. Your video is "
        "kept: you can try again later."
    ),
    ErrorCode.INTERNAL: _(
        "Something went wrong on our side while analysing this video. Your video is kept: "
        "please try again later."
    ),
}


class VideoReview(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="video_reviews"
    )
    # The patient themself, or a clinician of their clinic.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(storage=review_storage, upload_to=upload_to, max_length=200)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    status = models.CharField(
        max_length=8, choices=ReviewStatus.choices, default=ReviewStatus.QUEUED, db_index=True
    )
    # 0–100, or None while the video does not say how many frames it holds.
    progress = models.PositiveSmallIntegerField(null=True, default=0)
    error_code = models.CharField(max_length=16, choices=ErrorCode.choices, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    # The analysis summary (docs/analysis-schema.md, video record) and coach.timeline's form.
    result = models.JSONField(null=True, blank=True)
    timeline = models.JSONField(default=dict, blank=True)
    annotated = models.FileField(
        storage=review_storage, upload_to=upload_to, max_length=200, blank=True
    )
    # The prescription judged against, copied from the program in force at upload.
    protocol_id = models.CharField(max_length=64, default=protocols.DEFAULT_PROTOCOL)
    hold_s = models.PositiveSmallIntegerField(default=30)
    sets_per_side = models.PositiveSmallIntegerField(default=2)
    language = models.CharField(max_length=8, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who runs it now ("host:pid") and when they last said so: a dead worker's job is
    # taken back (queue.recover), a live one's never.
    claimed_by = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.original_name}"

    def protocol(self) -> Protocol:
        return protocols.load(self.protocol_id).prescribed(
            hold_s=self.hold_s, sets_per_side=self.sets_per_side
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (ReviewStatus.DONE, ReviewStatus.FAILED)

    def error_message(self) -> str:
        """The stored error in the active language."""
        if not self.error_code:
            return ""
        text = ERROR_MESSAGES.get(ErrorCode(self.error_code), ERROR_MESSAGES[ErrorCode.INTERNAL])
        params: dict[str, Any] = dict(self.error_params or {})
        try:
            return str(text) % params if params else str(text)
        except (KeyError, TypeError, ValueError):
            return str(ERROR_MESSAGES[ErrorCode.INTERNAL])
