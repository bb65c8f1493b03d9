"""The clinician's page for one patient: who may open it, and what it shows."""

from __future__ import annotations

from django.test import Client

from coach.assessment import Side
from coach.events import Phase, SetRecord
from coach.timeline import TimelineBuilder
from hipcoach.accounts.models import User
from hipcoach.checkin.actions import do_check_in
from hipcoach.checkin.screening import Answers
from hipcoach.practice.actions import do_finish_session, do_record_set, do_start_session
from hipcoach.progress.actions import do_rate_psfs, do_record_chair_stand
from hipcoach.progress.models import ChairStandMethod
from people import signed_in


def a_session_with_a_fault(patient: User) -> None:
    program = patient.programs.first()
    assert program is not None
    session = do_start_session(patient, program, language="en")
    timeline = TimelineBuilder()
    for step in range(40):
        faults = ["trunk_leaning_back"] if 10 <= step < 20 else []
        timeline.add(step * 500.0, Phase.HOLD, Side.LEFT, 1, faults)
    record = SetRecord(side=Side.LEFT, set_number=1, target_s=30.0, completed=True)
    record.good_form_ms = 15_000
    record.fault_ms = {"trunk_leaning_back": 5000.0}
    record.max_rear_hip_extension = 14.0
    do_record_set(session, record, clock_ms=20_000, timeline=timeline.to_dict())
    do_finish_session(session, completed=True, clock_ms=20_000, timeline=timeline.to_dict())


def test_the_page_shows_progress_prescription_checkins_and_timelines(
    patient: User, clinician: User
) -> None:
    do_check_in(patient, Answers(pain_now=4))
    do_check_in(patient, Answers(pain_now=3, symptoms={"leg_coldness": "left"}))
    do_rate_psfs(patient, [("Putting on socks", 4)])
    do_record_chair_stand(patient, 11, ChairStandMethod.MANUAL)
    a_session_with_a_fault(patient)
    body = signed_in(clinician).get(f"/en/clinic/patients/{patient.pk}/").content.decode()
    for text in (
        "Hip pain (0–10)",
        "Good-form hold time per day",
        "Rear-hip extension reached, left and right",
        "Sessions done each week",
        "Everyday activities (PSFS",
        "Chair stands in 30 seconds",
        "Prescription history",
        "Stopped: red flag",
        "Holds and the faults seen in them",
        "New red flag, not yet acknowledged",
        "Leg cold: left",
        "Acknowledge",
        "Health profile",
    ):
        assert text in body, text
    assert "English" in body  # the language the patient reads hipcoach in
    assert f'href="/en/reports/patients/{patient.pk}/"' in body
    assert f'href="/en/reviews/patients/{patient.pk}/"' in body
    ja = signed_in(clinician).get(f"/ja/clinic/patients/{patient.pk}/")
    assert ja.status_code == 200


def test_who_may_open_a_patients_page(
    patient: User, other_patient: User, clinician: User, stranger: User, admin: User
) -> None:
    url = f"/en/clinic/patients/{patient.pk}/"
    assert signed_in(clinician).get(url).status_code == 200
    assert signed_in(admin).get(url).status_code == 200
    assert signed_in(stranger).get(url).status_code == 404
    assert signed_in(patient).get(url).status_code == 404  # clinician-only page
    assert signed_in(other_patient).get(url).status_code == 404
    assert signed_in(clinician).get("/en/clinic/patients/999999/").status_code == 404
    assert signed_in(clinician).get(f"/en/clinic/patients/{clinician.pk}/").status_code == 404
    assert Client().get(url)["Location"].startswith("/en/login/")


def test_a_patient_sees_their_clinics_contact_where_help_is_offered(patient: User) -> None:
    client = signed_in(patient)
    stop = do_check_in(patient, Answers(pain_now=3, symptoms={"leg_coldness": "left"}))
    body = client.get(f"/en/check-in/{stop.pk}/").content.decode()
    assert body.count('href="https://wa.me/810000000000"') == 1
    assert 'href="https://lin.ee/example"' in body
    assert 'href="tel:+81750000000"' in body
    assert 'href="https://maps.example.org/clinic"' in body
    assert "contact-prominent" in body
    a_session_with_a_fault(patient)
    session = patient.stretch_sessions.first()
    assert session is not None
    summary = client.get(f"/en/sessions/{session.pk}/").content.decode()
    assert summary.count('href="https://wa.me/810000000000"') == 1
    assert "contact-prominent" in summary
