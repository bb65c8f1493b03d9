"""The check-in gate: no stretch without it, red flags stop and explain, modifications apply."""

from __future__ import annotations

from typing import Any

from django.test import Client

from hipcoach.accounts.models import Role, User
from hipcoach.checkin.models import CheckIn
from hipcoach.clinics.models import Clinic
from hipcoach.practice.models import SessionMode, StretchSession
from people import signed_in

QUIET = {
    "pain_now": "2",
    "leg_coldness": "none",
    "leg_swelling": "none",
    "numbness_tingling": "none",
    "weakness": "none",
    "walking_discomfort": "left",
}


def check_in(client: Client, lang: str = "en", **changes: Any) -> Any:
    return client.post(f"/{lang}/check-in/", {**QUIET, **changes})


def test_starting_a_session_needs_a_check_in_first(patient: User) -> None:
    client = signed_in(patient)
    response = client.post("/en/sessions/start/")
    assert response.status_code == 302
    assert response["Location"] == "/en/check-in/"
    assert not StretchSession.objects.exists()


def test_a_quiet_check_in_leads_to_the_session(patient: User) -> None:
    client = signed_in(patient)
    form = client.get("/en/check-in/")
    assert form.status_code == 200
    assert b"How strong is your hip pain right now?" in form.content
    response = check_in(client)
    assert response.status_code == 302
    result = client.get(response["Location"])
    assert b"You can stretch today" in result.content
    start = client.post("/en/sessions/start/")
    session = StretchSession.objects.get(patient=patient)
    assert start["Location"] == f"/en/sessions/{session.pk}/live/"
    assert session.mode == SessionMode.CAMERA
    assert session.variant == ""


def test_wrong_form_values_are_refused_clearly_and_nothing_is_stored(patient: User) -> None:
    client = signed_in(patient)
    for bad in ({"pain_now": "11"}, {"pain_now": ""}, {"leg_swelling": "up"}):
        response = check_in(client, **bad)
        assert response.status_code == 400
        assert b'role="alert"' in response.content
    assert not CheckIn.objects.exists()


def test_a_red_flag_stops_the_session_with_advice_and_contact(patient: User) -> None:
    client = signed_in(patient)
    response = check_in(client, leg_swelling="left", leg_warm_or_red="on")
    checkin = CheckIn.objects.get(patient=patient)
    assert checkin.outcome == "stop"
    assert checkin.level == "urgent"
    page = client.get(response["Location"]).content.decode()
    assert "Please see a doctor today" in page
    assert "should be seen by a doctor today" in page
    assert "This is not a diagnosis" in page
    assert "wa.me" in page  # the clinic's contact, one tap away
    assert "sessions/start" not in page
    blocked = client.post("/en/sessions/start/")
    assert blocked["Location"] == "/en/"  # home says why; a new check-in cannot lift it
    assert not StretchSession.objects.exists()


def test_an_emergency_offers_the_emergency_number_in_japanese(patient: User) -> None:
    client = signed_in(patient)
    response = check_in(client, "ja", leg_changed_suddenly="on")
    page = client.get(response["Location"]).content.decode()
    assert 'href="tel:119"' in page
    assert "119番に電話して救急車を呼んでください" in page
    assert "すぐに助けが必要です" in page


def test_cannot_kneel_gets_the_standing_version_on_the_timer(patient: User) -> None:
    client = signed_in(patient)
    response = check_in(client, cannot_kneel="on")
    page = client.get(response["Location"]).content.decode()
    assert "Today: the standing version" in page
    assert "hold its back" in page
    client.post("/en/sessions/start/")
    session = StretchSession.objects.get(patient=patient)
    assert session.variant == "standing"
    assert session.mode == SessionMode.TIMER
    live = client.get(f"/en/sessions/{session.pk}/live/").content.decode()
    assert "Standing hip stretch" in live
    assert 'id="live-start" class="big" hidden' in live


def test_a_clinician_sees_red_flags_of_their_own_clinic_only(
    patient: User, clinician: User
) -> None:
    check_in(signed_in(patient), leg_coldness="left")
    page = signed_in(clinician).get("/en/").content.decode()
    assert "Danger signs to act on" in page
    assert "Leg cold: left" in page
    assert "New" in page
    elsewhere = User.objects.create_user(
        username="doc2",
        password="x",
        role=Role.CLINICIAN,
        clinic=Clinic.objects.create(name="Other"),
    )
    assert "Leg cold: left" not in signed_in(elsewhere).get("/en/").content.decode()


def test_one_patient_cannot_read_anothers_check_in(patient: User, other_patient: User) -> None:
    response = check_in(signed_in(patient), leg_coldness="left")
    assert signed_in(other_patient).get(response["Location"]).status_code == 404
