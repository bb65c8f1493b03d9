"""A real recording through the whole review: the Cornell clip's one left-side hold.

SOURCES.md: the woman kneels, shifts her pelvis forward at about 7 s and holds, left knee
down, to the end (19.5 s). The review must find that hold in its timeline, count good-form
time inside it, and give an annotated MP4 that OpenCV can read back frame for frame.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import pytest
from django.test import Client

from hipcoach.reviews import jobs
from hipcoach.reviews.models import ReviewStatus, VideoReview

pytestmark = [pytest.mark.real_data, pytest.mark.pose_model, pytest.mark.slow]
TOLERANCE_S = 1.5


def test_the_cornell_clip_gives_a_left_hold_and_an_annotated_video(
    make_review: Callable[..., VideoReview], pose_data: Path, pose_model: Path
) -> None:
    source = pose_data / "videos/cornell_kneeling_hip_flexor.mp4"
    review = make_review(source)
    assert jobs.run_review(review.pk)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DONE, review.error_code

    holds = [s for s in review.timeline["spans"] if s["kind"] == "phase" and s["code"] == "hold"]
    assert [h["side"] for h in holds] == ["left"]
    assert abs(holds[0]["start_s"] - 7.0) <= TOLERANCE_S
    assert abs(holds[0]["end_s"] - 19.5) <= TOLERANCE_S
    assert review.result is not None
    [hold] = review.result["holds"]
    assert hold["side"] == "left"
    assert (hold["start_s"], hold["end_s"]) == (holds[0]["start_s"], holds[0]["end_s"])
    assert 0 < review.result["good_form_s"] <= hold["end_s"] - hold["start_s"] + 0.05

    capture = cv2.VideoCapture(review.annotated.path)
    try:
        assert capture.isOpened()
        frames = 0
        while capture.read()[0]:
            frames += 1
    finally:
        capture.release()
    assert frames == review.result["frames"]

    client = Client()
    client.force_login(review.patient)
    page = client.get(f"/en/reviews/{review.pk}/").content.decode()
    assert "timeline-strip" in page
    assert "Left" in page
    assert f"/en/reviews/{review.pk}/annotated.mp4" in page
