"""The upload page: what is taken, what is refused (400, with the reason), who may send."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client
from pytest_django.fixtures import Settings

from hipcoach.accounts.models import User
from hipcoach.reviews.models import ReviewStatus, VideoReview
from hipcoach.reviews.upload import UploadLimit, looks_like_video


def post(client: Client, url: str, name: str, content: bytes) -> tuple[int, str]:
    response = client.post(url, {"video": SimpleUploadedFile(name, content)})
    return response.status_code, response.content.decode()


@pytest.fixture
def patient_client(patient: User) -> Client:
    client = Client()
    client.force_login(patient)
    return client


def test_a_video_is_taken_queued_and_stored_under_a_random_name(
    patient_client: Client, patient: User, small_video: Path, settings: Settings
) -> None:
    response = patient_client.post(
        "/en/reviews/new/",
        {"video": SimpleUploadedFile("My stretch 2024-05-01.mp4", small_video.read_bytes())},
    )
    [review] = VideoReview.objects.all()
    assert response.status_code == 302
    assert response["Location"] == f"/en/reviews/{review.pk}/"
    assert (review.patient, review.uploaded_by) == (patient, patient)
    assert review.status == ReviewStatus.QUEUED
    assert review.original_name == "My stretch 2024-05-01.mp4"
    assert review.size == small_video.stat().st_size
    # Judged against the patient's program in force (conftest: 20 s, one set a side).
    assert (review.hold_s, review.sets_per_side) == (20, 1)
    stored = Path(review.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT) / "reviews")
    assert "stretch" not in stored.name
    assert stored.suffix == ".mp4"
    assert stored.read_bytes() == small_video.read_bytes()


def test_the_page_shows_the_limits(patient_client: Client) -> None:
    page = patient_client.get("/en/reviews/new/").content.decode().replace("\xa0", " ")
    assert "200.0 MB" in page
    assert "10 minutes" in page
    assert 'enctype="multipart/form-data"' in page


def _error_of(page: str) -> str:
    assert 'role="alert"' in page
    return page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "Please choose a video file"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "Please choose a video file"),
        ("clip.mp4", b"", "This file is empty"),
        ("clip.mp4", b"This is a text file, not a film.\n" * 20, "This file is not a video"),
        ("clip.mov", b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "This file is not a video"),
    ],
    ids=["text", "image-name", "empty", "text-as-mp4", "png-as-mov"],
)
def test_files_that_are_not_videos_are_refused_with_the_reason(
    patient_client: Client, name: str, content: bytes, message: str
) -> None:
    status, page = post(patient_client, "/en/reviews/new/", name, content)
    assert status == 400
    assert message in _error_of(page)
    assert 'aria-invalid="true"' in page
    assert not VideoReview.objects.exists()


def test_a_truncated_video_is_refused(patient_client: Client, small_video: Path) -> None:
    data = small_video.read_bytes()
    status, page = post(patient_client, "/en/reviews/new/", "clip.mp4", data[: len(data) // 2])
    assert status == 400
    assert "could not be opened" in page
    assert not VideoReview.objects.exists()


def test_an_image_renamed_to_mp4_is_refused(patient_client: Client) -> None:
    ok, png = cv2.imencode(".png", np.zeros((32, 32, 3), np.uint8))
    assert ok
    status, page = post(patient_client, "/en/reviews/new/", "clip.mp4", png.tobytes())
    assert status == 400
    assert "This file is not a video" in page


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    patient_client: Client, small_video: Path, settings: Settings
) -> None:
    settings.HIPCOACH_REVIEW_MAX_BYTES = 1000
    status, page = post(patient_client, "/en/reviews/new/", "clip.mp4", small_video.read_bytes())
    assert status == 400
    assert "the largest video we can take is 1000" in page.replace("\xa0", " ")
    assert not VideoReview.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "reviews").exists()


def test_a_video_too_long_is_refused(
    patient_client: Client, small_video: Path, settings: Settings
) -> None:
    settings.HIPCOACH_REVIEW_MAX_SECONDS = 1  # the clip lasts 2 s
    status, page = post(patient_client, "/en/reviews/new/", "clip.mp4", small_video.read_bytes())
    assert status == 400
    assert "2.0 minutes" not in page
    assert "we can take up to" in page


def test_no_file_at_all_is_refused(patient_client: Client) -> None:
    response = patient_client.post("/en/reviews/new/", {})
    assert response.status_code == 400
    assert "Please choose a video to send." in response.content.decode()


def test_the_container_sniff() -> None:
    assert looks_like_video(b"\x00\x00\x00\x20ftypisom")
    assert looks_like_video(b"\x1a\x45\xdf\xa3\x01\x00")
    assert looks_like_video(b"RIFF\x00\x00\x00\x00AVI LIST")
    assert not looks_like_video(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    assert not looks_like_video(b"GIF89a")
    assert not looks_like_video(b"")


def test_a_clinician_sends_a_video_for_their_own_patient_only(
    clinician: User, patient: User, other_clinician: User, small_video: Path
) -> None:
    client = Client()
    client.force_login(clinician)
    url = f"/en/reviews/patients/{patient.pk}/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"video": SimpleUploadedFile("clip.mp4", small_video.read_bytes())})
    assert response.status_code == 302
    [review] = VideoReview.objects.all()
    assert (review.patient, review.uploaded_by) == (patient, clinician)
    client.force_login(other_clinician)
    assert client.get(url).status_code == 404
    status, _ = post(client, url, "clip.mp4", small_video.read_bytes())
    assert status == 404
    assert VideoReview.objects.count() == 1


def test_a_patient_cannot_send_for_someone_else_and_a_clinician_has_no_own_page(
    patient: User, other_patient: User, clinician: User
) -> None:
    client = Client()
    client.force_login(patient)
    assert client.get(f"/en/reviews/patients/{other_patient.pk}/new/").status_code == 404
    client.force_login(clinician)
    assert client.get("/en/reviews/new/").status_code == 403


def test_anonymous_is_sent_to_sign_in(small_video: Path, db: None) -> None:
    client = Client()
    response = client.get("/en/reviews/new/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    status, _ = post(client, "/en/reviews/new/", "clip.mp4", small_video.read_bytes())
    assert status == 302
    assert not VideoReview.objects.exists()


def test_the_upload_is_protected_against_cross_site_posts(patient: User, small_video: Path) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(patient)
    status, _ = post(client, "/en/reviews/new/", "clip.mp4", small_video.read_bytes())
    assert status == 403
    assert not VideoReview.objects.exists()


def test_the_upload_limit_stops_reading_past_the_limit() -> None:
    counted = UploadLimit(None, limit=10)
    counted.handle_raw_input(None, {}, 200, b"-")
    counted.new_file("video", "clip.mp4", "video/mp4", None)
    assert counted.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(StopUpload):
        counted.receive_data_chunk(b"123456", 5)
    assert (counted.exceeded, counted.received) == (True, 11)
    # A body announced far over the limit is not read at all.
    announced = UploadLimit(None, limit=10)
    announced.handle_raw_input(None, {}, 10**9, b"-")
    with pytest.raises(StopUpload):
        announced.new_file("video", "clip.mp4", "video/mp4", None)
    assert announced.received == 10**9
