"""The patient list's flags, each case beside its near miss, and the urgency order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hipcoach.accounts.models import Role, User
from hipcoach.checkin.actions import do_check_in, do_review_stop
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic
from hipcoach.clinics.review import PatientRow, patient_rows
from hipcoach.practice.actions import do_create_program, do_finish_session, do_start_session
from hipcoach.practice.models import Program, StretchSession
from people import make_user, signed_in
from servers.clock import start_instant

NOW = start_instant()  # the frozen clock's instant (tests/conftest.py)


def person(clinic: Clinic, name: str, *, per_week: int = 7, since_days: int = 30) -> User:
    user = make_user(name, Role.PATIENT, clinic)
    program = do_create_program(user, sessions_per_week=per_week)
    Program.objects.filter(pk=program.pk).update(created_at=NOW - timedelta(days=since_days))
    return user


def checkin(patient: User, days_ago: float, pain: int, **answers: object) -> None:
    do_check_in(
        patient,
        Answers(pain_now=pain, **answers),  # type: ignore[arg-type]
        now=NOW - timedelta(days=days_ago),
    )


def sessions(patient: User, days_ago: list[float], *, completed: bool = True) -> None:
    program = patient.programs.first()
    assert program is not None
    for days in days_ago:
        session = do_start_session(patient, program, language="en")
        do_finish_session(session, completed=completed, clock_ms=1000.0)
        StretchSession.objects.filter(pk=session.pk).update(started_at=NOW - timedelta(days=days))


def row(clinician: User, patient: User) -> PatientRow:
    return next(r for r in patient_rows(clinician, now=NOW) if r.patient == patient)


def test_a_red_flag_counts_for_30_days_once_handled_and_until_acknowledged(
    clinic: Clinic, clinician: User
) -> None:
    recent, old, ignored = person(clinic, "recent"), person(clinic, "old"), person(clinic, "x")
    for patient, days in ((recent, 29), (old, 31), (ignored, 45)):
        checkin(patient, days, 3, symptoms={"leg_coldness": "left"})
    checkin(old, 1, 3)  # a check-in that found nothing is no flag
    for patient in (recent, old):
        do_review_stop(clinician, patient.stops.get(), "Seen by the GP.", clear=True, now=NOW)
    assert row(clinician, recent).red_flag
    assert row(clinician, recent).red_flag_level == "see_care"
    assert not row(clinician, recent).new_red_flags
    assert not row(clinician, old).red_flag
    unseen = row(clinician, ignored)  # nobody acknowledged it: still new, still stopped
    assert unseen.new_red_flags == 1
    assert unseen.stopped


def test_missed_sessions_are_fewer_days_than_prescribed_in_the_last_7(
    clinic: Clinic, clinician: User
) -> None:
    behind, on_track = person(clinic, "behind"), person(clinic, "ontrack")
    sessions(behind, [1, 2, 3, 4, 5, 6, 0])  # today's does not make up for a missed day
    sessions(behind, [7], completed=False)  # ended early: not a session done
    sessions(on_track, [1, 2, 3, 4, 5, 6, 7])
    assert (row(clinician, behind).done_days, row(clinician, behind).expected_days) == (6, 7)
    assert row(clinician, behind).missed_sessions
    assert not row(clinician, on_track).missed_sessions


def test_two_sessions_on_one_day_count_as_one_day(clinic: Clinic, clinician: User) -> None:
    patient = person(clinic, "twice", per_week=3)
    sessions(patient, [1, 1.02, 2])
    assert row(clinician, patient).done_days == 2
    assert row(clinician, patient).missed_sessions


def test_a_new_program_asks_only_for_its_share_of_the_week(clinic: Clinic, clinician: User) -> None:
    new, behind = person(clinic, "new", since_days=3), person(clinic, "newbehind", since_days=3)
    sessions(new, [1, 2, 3])
    sessions(behind, [1, 2])
    assert row(clinician, new).expected_days == 3
    assert not row(clinician, new).missed_sessions
    assert row(clinician, behind).missed_sessions
    today = person(clinic, "today", since_days=0)
    assert row(clinician, today).expected_days == 0
    assert not row(clinician, today).missed_sessions


def test_no_program_no_missed_sessions(clinic: Clinic, clinician: User) -> None:
    patient = make_user("noprog", Role.PATIENT, clinic)
    assert not row(clinician, patient).has_program
    assert not row(clinician, patient).missed_sessions


def test_pain_rising_over_the_weeks_and_its_near_miss(clinic: Clinic, clinician: User) -> None:
    rising, steady = person(clinic, "rising"), person(clinic, "steady")
    for patient, recent in ((rising, (4, 4)), (steady, (4, 3))):
        checkin(patient, 20, 2)
        checkin(patient, 15, 2)
        checkin(patient, 3, recent[0])
        checkin(patient, 1, recent[1])
    assert row(clinician, rising).pain_rising
    assert row(clinician, rising).pain_recent == 4.0
    assert row(clinician, rising).pain_before == 2.0
    assert not row(clinician, steady).pain_rising  # 3.5 against 2: a rise of 1.5


def test_pain_over_the_weeks_needs_two_readings_before(clinic: Clinic, clinician: User) -> None:
    patient = person(clinic, "sparse")
    checkin(patient, 15, 1)
    checkin(patient, 3, 5)
    checkin(patient, 1, 5)
    assert not row(clinician, patient).pain_rising


def test_pain_rising_three_times_running_and_its_near_miss(clinic: Clinic, clinician: User) -> None:
    sharp, flat = person(clinic, "sharp"), person(clinic, "flat")
    for patient, last in ((sharp, (3, 4, 5)), (flat, (3, 4, 4))):
        for days, pain in zip((3, 2, 1), last, strict=True):
            checkin(patient, days, pain)
    assert row(clinician, sharp).pain_rising
    assert not row(clinician, flat).pain_rising
    small = person(clinic, "small")
    for days, pain in zip((3, 2, 1), (3, 3, 4), strict=True):
        checkin(small, days, pain)
    assert not row(clinician, small).pain_rising


def test_the_most_urgent_come_first(clinic: Clinic, clinician: User) -> None:
    calm = person(clinic, "a-calm")
    sessions(calm, [1, 2, 3, 4, 5, 6, 7])
    missed = person(clinic, "b-missed")
    sessions(missed, [1])
    pain = person(clinic, "c-pain")
    sessions(pain, [1, 2, 3, 4, 5, 6, 7])
    for days, value in zip((3, 2, 1), (2, 4, 6), strict=True):
        checkin(pain, days, value)
    urgent = person(clinic, "d-urgent")
    sessions(urgent, [1, 2, 3, 4, 5, 6, 7])
    checkin(urgent, 2, 3, symptoms={"weakness": "left"}, yes=frozenset({"weakness_new"}))
    emergency = person(clinic, "e-emergency")
    sessions(emergency, [1, 2, 3, 4, 5, 6, 7])
    checkin(emergency, 5, 3, yes=frozenset({"leg_changed_suddenly"}))
    order = [r.patient.username for r in patient_rows(clinician, now=NOW)]
    assert order == ["e-emergency", "d-urgent", "c-pain", "b-missed", "a-calm"]


def test_flags_take_a_fixed_number_of_queries(clinic: Clinic, clinician: User) -> None:
    for n in range(12):
        patient = person(clinic, f"p{n}")
        sessions(patient, [1, 2])
        checkin(patient, 1, 3)
    with CaptureQueriesContext(connection) as queries:
        rows = patient_rows(clinician, now=NOW)
    assert len(rows) == 12
    assert len(queries) <= 6


def test_a_clinician_lists_only_their_own_clinic(
    clinic: Clinic, clinician: User, patient: User, stranger_patient: User, stranger: User
) -> None:
    assert [r.patient for r in patient_rows(clinician)] == [patient]
    assert [r.patient for r in patient_rows(stranger)] == [stranger_patient]
    assert patient_rows(patient) == []
    page = signed_in(clinician).get("/en/").content.decode()
    assert f"/en/clinic/patients/{patient.pk}/" in page
    assert "far" not in page


@pytest.mark.parametrize("sort", ["", "name"])
def test_the_list_page_renders_the_flags(clinic: Clinic, clinician: User, sort: str) -> None:
    patient = person(clinic, "flagged")
    checkin(patient, 1, 3, symptoms={"leg_coldness": "left"})
    body = signed_in(clinician).get(f"/en/?sort={sort}").content.decode()
    assert "New red flag, not yet acknowledged" in body
    assert "Missed sessions" in body
