"""Who sees which review: own patient and own clinic only; 404 for anyone else; sign-in first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files import File
from django.test import Client

from hipcoach.accounts.models import User
from hipcoach.reviews.models import ReviewStatus, VideoReview

MakeReview = Callable[..., VideoReview]


@pytest.fixture
def done_review(make_review: MakeReview, small_video: Path) -> VideoReview:
    """A finished review with an annotated video, as the job leaves it."""
    review = make_review()
    with small_video.open("rb") as handle:
        review.annotated.save("x.mp4", File(handle), save=False)
    review.status = ReviewStatus.DONE
    review.progress = 100
    review.result = {"frames": 20, "frames_with_person": 0, "holds": [], "good_form_s": 0.0}
    review.save()
    return review


def urls(review: VideoReview) -> list[str]:
    return [
        f"/en/reviews/{review.pk}/",
        f"/en/reviews/{review.pk}/status/",
        f"/en/reviews/{review.pk}/annotated.mp4",
    ]


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_patient_and_their_clinician_read_the_review_and_download_the_video(
    done_review: VideoReview, patient: User, clinician: User
) -> None:
    expected = Path(done_review.annotated.path).read_bytes()
    for user in (patient, clinician):
        client = client_of(user)
        for url in urls(done_review):
            response = client.get(url)
            assert response.status_code == 200, (user, url)
            # Read to the end, not close(): the client then releases the file itself, without
            # the request_finished signal that on PostgreSQL closes the database connection
            # inside this test's transaction.
            b"".join(response)
        response = client.get(f"/en/reviews/{done_review.pk}/annotated.mp4")
        assert response["Content-Type"] == "video/mp4"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["other_patient", "other_clinician"])
def test_anyone_else_gets_404_for_every_review_url(
    done_review: VideoReview, who: str, request: pytest.FixtureRequest
) -> None:
    client = client_of(request.getfixturevalue(who))
    for url in [*urls(done_review), f"/en/reviews/{done_review.pk}/retry/"]:
        method = client.post if url.endswith("retry/") else client.get
        assert method(url).status_code == 404, url
    lists = client.get("/en/reviews/")
    assert done_review.original_name not in lists.content.decode()


def test_anonymous_is_sent_to_sign_in_for_every_review_url(done_review: VideoReview) -> None:
    client = client_of(None)
    for url in [
        *urls(done_review),
        "/en/reviews/",
        f"/en/reviews/patients/{done_review.patient_id}/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"], url


def test_the_annotated_video_is_not_offered_before_the_review_is_done(
    make_review: MakeReview, patient: User
) -> None:
    review = make_review()
    assert client_of(patient).get(f"/en/reviews/{review.pk}/annotated.mp4").status_code == 404


def test_a_clinician_lists_their_patients_reviews_and_not_another_clinics(
    done_review: VideoReview, patient: User, clinician: User, other_clinician: User
) -> None:
    page = client_of(clinician).get(f"/en/reviews/patients/{patient.pk}/")
    assert page.status_code == 200
    assert f"/en/reviews/{done_review.pk}/" in page.content.decode()
    overview = client_of(clinician).get("/en/reviews/").content.decode()
    assert f"/en/reviews/{done_review.pk}/" in overview
    assert client_of(other_clinician).get(f"/en/reviews/patients/{patient.pk}/").status_code == 404
    assert (
        f"/en/reviews/{done_review.pk}/"
        not in client_of(other_clinician).get("/en/reviews/").content.decode()
    )
    # A patient has no per-patient page, not even their own.
    assert client_of(patient).get(f"/en/reviews/patients/{patient.pk}/").status_code == 404


def test_a_patient_lists_only_their_own_reviews(
    done_review: VideoReview, patient: User, other_patient: User
) -> None:
    own = client_of(patient).get("/en/reviews/").content.decode()
    assert f"/en/reviews/{done_review.pk}/" in own
    assert "/en/reviews/new/" in own
    other = client_of(other_patient).get("/en/reviews/").content.decode()
    assert f"/en/reviews/{done_review.pk}/" not in other


def test_deleting_the_account_deletes_the_videos(
    done_review: VideoReview, patient: User, django_capture_on_commit_callbacks: object
) -> None:
    files = [Path(done_review.file.path), Path(done_review.annotated.path)]
    assert all(f.exists() for f in files)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        patient.delete()
    assert not VideoReview.objects.exists()
    assert not any(f.exists() for f in files)


def test_the_patient_deletes_a_review_after_confirming_and_the_files_go_with_it(
    done_review: VideoReview,
    patient: User,
    clinician: User,
    other_patient: User,
    django_capture_on_commit_callbacks: object,
) -> None:
    url = f"/en/reviews/{done_review.pk}/delete/"
    files = [Path(done_review.file.path), Path(done_review.annotated.path)]
    assert client_of(other_patient).post(url).status_code == 404
    # Their clinician reads it, but did not send it: not theirs to delete.
    assert client_of(clinician).post(url).status_code == 403
    client = client_of(patient)
    assert "cannot be undone" in client.get(url).content.decode()
    assert VideoReview.objects.filter(pk=done_review.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(url)
    assert response.status_code == 302
    assert not VideoReview.objects.filter(pk=done_review.pk).exists()
    assert not any(f.exists() for f in files)
