"""The pages people use, through Django's test client: access, flow, both languages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from hipcoach import settings as real
from hipcoach.accounts.models import User
from hipcoach.practice.models import SessionStatus, StretchSession
from people import signed_in


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/en/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/login/")


def test_the_root_picks_the_browser_language(db: None) -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"].startswith("/ja/")


def test_sign_in_with_the_real_form(patient: User) -> None:
    client = Client()
    response = client.post("/en/login/", {"username": "pat", "password": "pw-for-tests"})
    assert response.status_code == 302
    assert client.get("/en/").status_code == 200
    bad = Client().post("/en/login/", {"username": "pat", "password": "wrong"})
    assert bad.status_code == 200
    assert "didn't match" in bad.content.decode().replace("&#x27;", "'").replace("&#39;", "'")


def test_a_patient_starts_a_session_and_earlier_active_ones_end(checked_in: User) -> None:
    patient = checked_in
    client = signed_in(patient)
    home = client.get("/en/")
    assert b"Hold 20 seconds, 1 set on each side." in home.content
    first = client.post("/en/sessions/start/")
    second = client.post("/en/sessions/start/")
    assert first.status_code == second.status_code == 302
    sessions = StretchSession.objects.filter(patient=patient).order_by("id")
    assert [s.status for s in sessions] == [SessionStatus.ENDED_EARLY, SessionStatus.ACTIVE]
    assert second["Location"] == f"/en/sessions/{sessions[1].pk}/live/"
    assert sessions[1].hold_s == 20
    assert sessions[1].sets_per_side == 1


def test_a_start_needs_post_and_a_patient(checked_in: User, clinician: User) -> None:
    patient = checked_in
    assert signed_in(patient).get("/en/sessions/start/").status_code == 405
    assert signed_in(clinician).post("/en/sessions/start/").status_code == 403


def test_nobody_reads_another_patients_session(
    checked_in: User, other_patient: User, clinician: User
) -> None:
    patient = checked_in
    client = signed_in(patient)
    client.post("/en/sessions/start/")
    session = StretchSession.objects.get(patient=patient)
    for url in (f"/en/sessions/{session.pk}/", f"/en/sessions/{session.pk}/live/"):
        assert signed_in(other_patient).get(url).status_code == 404
    # The clinician of the patient's clinic may read the summary, never act in the session.
    assert signed_in(clinician).get(f"/en/sessions/{session.pk}/").status_code == 200
    assert signed_in(clinician).get(f"/en/sessions/{session.pk}/live/").status_code == 404
    assert signed_in(patient).get("/en/sessions/999999/").status_code == 404


def test_pages_come_in_japanese(patient: User) -> None:
    client = signed_in(patient)
    body = client.get("/ja/").content.decode()
    assert 'lang="ja"' in body
    assert "今日のセッションを始める" in body


def test_security_headers_and_strict_defaults() -> None:
    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "connect-src 'self'" in real.CONTENT_SECURITY_POLICY
    assert real.SESSION_COOKIE_HTTPONLY
    assert not real.DEBUG or settings.DEBUG


@pytest.mark.usefixtures("patient")
def test_every_page_sends_the_content_security_policy(patient: User) -> None:
    response = signed_in(patient).get("/en/")
    assert "connect-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
