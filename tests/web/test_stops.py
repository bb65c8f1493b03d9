"""Stops that stick: a danger sign stops the stretch and the chair-stand test until a clinician
clears it, by every door; the clinic is emailed within the request and acknowledges with a note.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core import mail
from test_checkin import check_in

from hipcoach.accounts.models import Role, User
from hipcoach.checkin.actions import (
    do_check_in,
    do_review_stop,
    do_save_health_profile,
)
from hipcoach.checkin.models import CheckIn, HealthProfile, KnownSign, Stop
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic
from hipcoach.live.routing import websocket_urlpatterns
from hipcoach.practice.actions import do_start_session
from hipcoach.practice.models import StretchSession
from people import make_user, signed_in

OnCommit = Callable[..., Any]


def connect(user: User, path: str) -> tuple[bool, list[dict[str, Any]], int | None]:
    """Open a socket: whether it was accepted, what it said, and its close code if it closed."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
        comm.scope["user"] = user
        connected, _ = loop.run_until_complete(comm.connect(timeout=5))
        said: list[dict[str, Any]] = []
        code = None
        while connected:
            out = loop.run_until_complete(comm.receive_output(timeout=5))
            if out["type"] == "websocket.close":
                code = out.get("code")
                break
            said.append(json.loads(out["text"]))
            if said[-1]["type"] == "hello":
                break
        loop.run_until_complete(comm.disconnect())
        return bool(connected), said, code
    finally:
        loop.close()


@pytest.fixture
def clinician_ja(clinic: Clinic) -> User:
    return make_user("doc-ja", Role.CLINICIAN, clinic, email="doc@clinic.test", language="ja")


@pytest.fixture
def clinician_en(clinic: Clinic) -> User:
    return make_user("doc-en", Role.CLINICIAN, clinic, email="doc2@clinic.test", language="en")


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({"breathless_or_chest_pain": "on"}, "emergency"),
        ({"leg_pale": "on"}, "urgent"),
        ({"fever": "on"}, "see_care"),
        ({"recent_fall": "on"}, "see_care"),
        ({"weakness_new": "on"}, "urgent"),
        ({"leg_warm_or_red": "on"}, "urgent"),
    ],
)
def test_each_sign_that_once_passed_now_stops_and_holds(
    patient: User, answers: dict[str, str], level: str
) -> None:
    """The signs a new user once got "You can stretch today" for, one at a time."""
    client = signed_in(patient)
    page = client.get(check_in(client, **answers)["Location"]).content.decode()
    assert "You can stretch today" not in page
    assert "sessions/start" not in page
    stop = Stop.objects.get(patient=patient)
    assert stop.level == level
    # A minute later, answering "no" to everything changes nothing.
    assert client.get("/en/check-in/")["Location"] == "/en/"
    assert check_in(client)["Location"] == "/en/"
    assert CheckIn.objects.filter(patient=patient).count() == 1
    assert client.post("/en/sessions/start/")["Location"] == "/en/"
    assert not StretchSession.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_no_door_lifts_a_stop_without_a_clinician(patient: User, clinician: User) -> None:
    client = signed_in(patient)
    quiet = do_check_in(patient, Answers(pain_now=2))
    session = do_start_session(patient, patient.programs.get(), language="en")
    assert client.get(f"/en/sessions/{session.pk}/live/").status_code == 200
    assert connect(patient, "/ws/chair-stand/")[0]
    check_in(client, leg_changed_suddenly="on")
    assert quiet.pk != CheckIn.objects.latest("created_at").pk

    # the session already open, a new session, the chair-stand pages, both sockets
    assert client.get(f"/en/sessions/{session.pk}/live/")["Location"] == "/en/"
    assert client.post("/en/sessions/start/")["Location"] == "/en/"
    assert client.get("/en/progress/chair-stand/")["Location"] == "/en/"
    assert client.post("/en/progress/chair-stand/", {"count": "12"})["Location"] == "/en/"
    assert client.get("/en/progress/chair-stand/camera/")["Location"] == "/en/"
    for path in (f"/ws/sessions/{session.pk}/", "/ws/chair-stand/"):
        accepted, said, code = connect(patient, path)
        assert accepted
        assert said == [{"type": "stopped", "url": "/en/"}]
        assert code == 4409
    # and the home page says why, with the emergency number and the clinic's contact
    home = client.get("/en/").content.decode()
    assert "No stretching for now" in home
    assert 'href="tel:119"' in home
    assert "wa.me" in home
    assert "Start today's session" not in home

    stop = Stop.objects.get(patient=patient)
    do_review_stop(clinician, stop, "Called her: seen in A&E, all clear.", clear=True)
    assert "Start today's session" in client.get("/en/").content.decode()
    assert client.get("/en/check-in/").status_code == 200  # lifted only now
    assert client.get(f"/en/sessions/{session.pk}/live/")["Location"] == "/en/"  # stale check-in
    check_in(client)
    assert client.get(f"/en/sessions/{session.pk}/live/").status_code == 200


def test_the_clinic_is_emailed_within_the_request_in_each_clinicians_language(
    patient: User,
    clinician_ja: User,
    clinician_en: User,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    User.objects.filter(pk=patient.pk).update(phone="090-1234-5678", email="pat@home.test")
    make_user("doc-quit", Role.CLINICIAN, patient.clinic, email="gone@clinic.test", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        check_in(signed_in(patient), leg_swelling="right")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"doc@clinic.test", "doc2@clinic.test"}
    english, japanese = by_address["doc2@clinic.test"], by_address["doc@clinic.test"]
    assert "Danger sign reported by pat" in english.subject
    assert "Told to see a doctor today" in english.subject
    assert "090-1234-5678" in english.body
    assert "pat@home.test" in english.body
    assert "Leg swollen" not in english.body  # health details stay behind sign-in
    assert "危険サイン" in japanese.subject
    assert "090-1234-5678" in japanese.body
    assert Stop.objects.get().notified == 2
    assert "/clinic/patients/" not in english.body  # no site address set: no link


def test_the_email_links_to_the_patients_page_when_the_site_is_known(
    patient: User,
    clinician_ja: User,
    settings: Any,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    settings.HIPCOACH_SITE_URL = "https://clinic.example/"
    with django_capture_on_commit_callbacks(execute=True):
        check_in(signed_in(patient), fever="on")
    (email,) = mail.outbox
    assert f"https://clinic.example/ja/clinic/patients/{patient.pk}/" in email.body


def test_a_stop_stays_new_until_acknowledged_with_a_note(
    patient: User, clinician: User, other_patient: User
) -> None:
    User.objects.filter(pk=patient.pk).update(phone="090-1234-5678")
    check_in(signed_in(patient), numbness_tingling="left", fever="on")
    stop = Stop.objects.get()
    doc = signed_in(clinician)
    home = doc.get("/en/").content.decode()
    assert "New red flag, not yet acknowledged" in home
    assert "Numbness or tingling: left" in home
    assert "Fever" in home
    assert 'href="tel:090-1234-5678"' in home
    assert home.index("pat</a>") < home.index("other</a>")  # most urgent first
    page = doc.get(f"/en/clinic/stops/{stop.pk}/")
    assert page.status_code == 200
    empty = doc.post(f"/en/clinic/stops/{stop.pk}/", {"note": "  ", "decision": "keep"})
    assert empty.status_code == 400
    assert "Write a short note" in empty.content.decode()
    long_note = "x" * 2001
    too_long = doc.post(f"/en/clinic/stops/{stop.pk}/", {"note": long_note, "decision": "keep"})
    assert too_long.status_code == 400
    assert long_note in too_long.content.decode()  # what was typed is kept
    done = doc.post(
        f"/en/clinic/stops/{stop.pk}/", {"note": "Phoned, GP tomorrow.", "decision": "keep"}
    )
    assert done.status_code == 302
    stop.refresh_from_db()
    assert stop.acknowledged_by == clinician
    assert stop.cleared_at is None  # acknowledged, still stopped
    home = doc.get("/en/").content.decode()
    assert "not yet acknowledged" not in home
    assert "Seen by the clinic" in home
    assert signed_in(patient).get("/en/check-in/")["Location"] == "/en/"
    doc.post(f"/en/clinic/stops/{stop.pk}/", {"note": "GP: fine to go on.", "decision": "clear"})
    stop.refresh_from_db()
    assert stop.cleared_by == clinician
    assert [n.text for n in stop.notes.all()] == ["Phoned, GP tomorrow.", "GP: fine to go on."]
    again = doc.post(f"/en/clinic/stops/{stop.pk}/", {"note": "again", "decision": "clear"})
    assert again.status_code == 400  # already cleared: said plainly, nothing changed
    assert stop.notes.count() == 2


def test_nobody_outside_the_clinic_reviews_a_stop(patient: User) -> None:
    check_in(signed_in(patient), fever="on")
    stop = Stop.objects.get()
    stranger = make_user("doc-x", Role.CLINICIAN, Clinic.objects.create(name="Elsewhere"))
    for person in (stranger, patient):
        client = signed_in(person)
        assert client.get(f"/en/clinic/stops/{stop.pk}/").status_code == 404
        assert (
            client.post(
                f"/en/clinic/stops/{stop.pk}/", {"note": "x", "decision": "clear"}
            ).status_code
            == 404
        )
    stop.refresh_from_db()
    assert stop.cleared_at is None
    assert not stop.notes.exists()


def test_a_see_care_stop_lapses_after_the_clinics_days_and_the_others_never(
    patient: User, clock: time_machine.Traveller
) -> None:
    Clinic.objects.filter(pk=patient.clinic_id).update(see_care_lapse_days=3)
    patient.refresh_from_db()
    check_in(signed_in(patient), fever="on")
    clock.shift(timedelta(days=2, hours=23))
    assert signed_in(patient).get("/en/check-in/")["Location"] == "/en/"
    clock.shift(timedelta(hours=1, minutes=1))
    client = signed_in(patient)
    assert client.get("/en/check-in/").status_code == 200  # the see-care stop lapsed
    check_in(client, leg_warm_or_red="on")  # doctor today: never lapses
    clock.shift(timedelta(days=30))
    assert signed_in(patient).get("/en/check-in/")["Location"] == "/en/"


def test_signs_the_clinician_accepts_as_usual_are_recorded_but_stop_no_more(
    patient: User, clinician: User
) -> None:
    client = signed_in(patient)
    check_in(client, leg_coldness="left")
    stop = Stop.objects.get()
    with pytest.raises(Exception, match="Write a short note"):
        do_review_stop(clinician, stop, "", clear=True, known=True)
    do_review_stop(
        clinician, stop, "Cold feet for years; GP checked pulses.", clear=True, known=True
    )
    result = client.get(check_in(client, leg_coldness="left")["Location"]).content.decode()
    assert "You can stretch today" in result
    assert "Your clinician knows about these" in result
    latest = CheckIn.objects.first()
    assert latest is not None
    assert latest.known == ["cold_leg_long_standing"]
    # Anything more still stops: a cold leg that is also painful is a doctor-today sign.
    check_in(client, leg_coldness="left", leg_pain="on")
    assert Stop.objects.filter(cleared_at__isnull=True).get().level == "urgent"
    # ...and only see-care signs can be accepted as usual.
    urgent = Stop.objects.filter(cleared_at__isnull=True).get()
    with pytest.raises(Exception, match="Only signs that ask to see the clinician"):
        do_review_stop(clinician, urgent, "ok", clear=True, known=True)
    doc = signed_in(clinician)
    sign = KnownSign.objects.get()
    assert doc.post(f"/en/clinic/known-signs/{sign.pk}/forget/").status_code == 302
    assert not KnownSign.objects.exists()


def test_the_health_profile_is_asked_once_first_and_versioned(clinic: Clinic) -> None:
    newcomer = make_user("new", Role.PATIENT, clinic)
    client = signed_in(newcomer)
    assert client.get("/en/check-in/")["Location"] == "/en/health/"
    page = client.get("/en/health/").content.decode()
    assert "Before your first check-in" in page
    bad = client.post(
        "/en/health/",
        {
            "hip_replacement": "left",
            "hip_approach": "anterior",
            "hip_replacement_date": "2999-01-01",
            "phone": "call me",
        },
    )
    assert bad.status_code == 400
    assert not HealthProfile.objects.exists()
    saved = client.post(
        "/en/health/",
        {"hip_replacement": "none", "hip_approach": "unknown", "phone": "+81 75 000 0000"},
    )
    assert saved["Location"] == "/en/check-in/"
    assert client.get("/en/check-in/").status_code == 200
    newcomer.refresh_from_db()
    assert newcomer.phone == "+81 75 000 0000"
    # The same answers again make no new version; a change does, and says who.
    client.post("/en/health/", {"hip_replacement": "none", "hip_approach": "unknown"})
    assert HealthProfile.objects.count() == 1
    client.post(
        "/en/health/", {"hip_replacement": "none", "hip_approach": "unknown", "osteoporosis": "on"}
    )
    assert HealthProfile.objects.count() == 2
    assert HealthProfile.objects.first().changed_by == newcomer  # type: ignore[union-attr]
    result = client.get(check_in(client)["Location"]).content.decode()
    assert "Because of osteoporosis" in result
    assert "Today: kneel on a thick cushion" in result


def test_a_hip_replacement_without_clearance_means_no_hip_stretch_at_all(
    patient: User, clinician: User
) -> None:
    client = signed_in(patient)
    client.post("/en/health/", {"hip_replacement": "right", "hip_approach": "anterior"})
    home = client.get("/en/").content.decode()
    assert "Ask your surgeon first" in home
    assert "Start today's session" not in home
    result = client.get(check_in(client, cannot_kneel="on")["Location"]).content.decode()
    assert "Ask your surgeon first" in result
    assert "standing version" not in result  # standing extends the hip too
    assert client.post("/en/sessions/start/")["Location"] == "/en/"
    assert not StretchSession.objects.exists()
    assert (
        client.get("/en/progress/chair-stand/").status_code == 200
    )  # standing up from a chair is fine
    doc = signed_in(clinician)
    assert "Hip replacement without the surgeon" in doc.get("/en/").content.decode()
    assert "Anterior" in doc.get(f"/en/clinic/patients/{patient.pk}/").content.decode()
    # The surgeon's letter comes; the clinician records it.
    doc.post(
        f"/en/clinic/patients/{patient.pk}/health/",
        {"hip_replacement": "right", "hip_approach": "anterior", "surgeon_cleared": "on"},
    )
    assert HealthProfile.objects.first().changed_by == clinician  # type: ignore[union-attr]
    check_in(client)
    assert client.post("/en/sessions/start/")["Location"].endswith("/live/")


def test_a_history_of_cancer_raises_one_stop_when_it_is_first_told(
    patient: User, clinician: User
) -> None:
    do_save_health_profile(patient, patient, {"cancer_history": True})
    stop = Stop.objects.get()
    assert stop.flags == ["cancer_history"]
    assert stop.profile is not None
    do_review_stop(clinician, stop, "Discussed with oncologist; fine.", clear=True)
    do_save_health_profile(patient, patient, {"cancer_history": True, "osteoporosis": True})
    do_check_in(patient, Answers(pain_now=2))
    assert Stop.objects.count() == 1  # not raised again at every change or check-in


def test_clinicians_do_not_see_the_clinics_messaging_buttons_meant_for_patients(
    patient: User, clinician: User
) -> None:
    assert "wa.me" in signed_in(patient).get("/en/").content.decode()
    assert "wa.me" not in signed_in(clinician).get("/en/").content.decode()
