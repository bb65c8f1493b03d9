"""Who may see which video review: the rule of accounts/access.py, applied to reviews.

A patient sees their own; a clinician sees those of their own clinic's patients; anyone else
gets a 404, never a hint that the review exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from hipcoach.accounts.access import can_read_patient
from hipcoach.accounts.models import User
from hipcoach.reviews.models import VideoReview


def access_review_by_id(user: User, review_id: int) -> VideoReview:
    review = VideoReview.objects.select_related("patient").filter(pk=review_id).first()
    if review is None or not can_read_patient(user, review.patient):
        raise Http404
    return review


def reviews_of(user: User, patient: User) -> QuerySet[VideoReview]:
    """The patient's reviews, newest first, for someone who may read them; none otherwise."""
    if not can_read_patient(user, patient):
        return VideoReview.objects.none()
    return VideoReview.objects.filter(patient=patient).select_related("uploaded_by")
