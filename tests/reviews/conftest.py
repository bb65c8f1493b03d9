"""People, settings and small videos for the video-review tests.

Every test gets its own media folder and worker lock, and the queue set to `worker` (nothing
runs inside the test server) unless a test starts a worker itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program
from hipcoach.reviews.actions import do_upload_review
from hipcoach.reviews.models import VideoReview
from hipcoach.reviews.queue import embedded
from people import make_user


@pytest.fixture(autouse=True)
def review_settings(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HIPCOACH_REVIEW_LOCK_FILE = str(tmp_path / "review-worker.lock")
    settings.HIPCOACH_TASK_QUEUE = "worker"
    yield settings
    embedded.stop()


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Test Clinic")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Other Clinic")


@pytest.fixture
def patient(clinic: Clinic) -> User:
    user = make_user("pat", Role.PATIENT, clinic)
    do_create_program(user, hold_s=20, sets_per_side=1)
    return user


@pytest.fixture
def other_patient(clinic: Clinic) -> User:
    return make_user("other", Role.PATIENT, clinic)


@pytest.fixture
def clinician(clinic: Clinic) -> User:
    return make_user("doc", Role.CLINICIAN, clinic)


@pytest.fixture
def other_clinician(other_clinic: Clinic) -> User:
    return make_user("elsewhere", Role.CLINICIAN, other_clinic)


def write_video(
    path: Path, frames: int = 20, fps: float = 10.0, size: tuple[int, int] = (160, 120)
) -> Path:
    """A small real MP4 with nobody in it: moving noise, so every frame decodes differently."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
    assert writer.isOpened()
    rng = np.random.default_rng(7)
    for _ in range(frames):
        writer.write(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    writer.release()
    return path


@pytest.fixture
def small_video(tmp_path: Path) -> Path:
    return write_video(tmp_path / "clip.mp4")


@pytest.fixture
def make_review(patient: User, small_video: Path) -> Callable[..., VideoReview]:
    """A queued review as the upload page makes it, from ``source`` (default: small_video)."""

    def make(source: Path | None = None, name: str | None = None) -> VideoReview:
        path = source or small_video
        upload = SimpleUploadedFile(name or path.name, path.read_bytes())
        return do_upload_review(patient, patient, upload, language="en")

    return make
