"""People and a little history for the report tests, made through the app's own actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coach.assessment import Side
from coach.events import SetRecord
from hipcoach.accounts.models import Role, User
from hipcoach.checkin.actions import do_check_in
from hipcoach.checkin.models import CheckIn
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import (
    do_create_program,
    do_finish_session,
    do_record_set,
    do_start_session,
)
from hipcoach.practice.models import Program, SetResult, StretchSession
from hipcoach.progress.actions import do_rate_psfs, do_record_chair_stand
from hipcoach.progress.models import ChairStandMethod, ChairStandResult, PSFSRating
from people import make_user

TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: str, hour: int = 10) -> datetime:
    """A Kyoto moment: the clinic's and patient's own day."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TOKYO)


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Test Clinic",
        name_ja="テストクリニック",
        phone="+81-75-000-0000",
        timezone="Asia/Tokyo",
    )


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Elsewhere", timezone="Asia/Tokyo")


@pytest.fixture
def clinician(clinic: Clinic) -> User:
    return make_user("doc", Role.CLINICIAN, clinic, first_name="Sota", last_name="Omura")


@pytest.fixture
def stranger(other_clinic: Clinic) -> User:
    return make_user("stranger", Role.CLINICIAN, other_clinic)


@pytest.fixture
def other_patient(clinic: Clinic) -> User:
    return make_user("other", Role.PATIENT, clinic)


@pytest.fixture
def patient(clinic: Clinic, clinician: User) -> User:
    user = make_user("hana", Role.PATIENT, clinic, first_name="Hana", last_name="Takahashi")
    program = do_create_program(user, prescribed_by=clinician, hold_s=30, sets_per_side=2)
    Program.objects.filter(pk=program.pk).update(created_at=at("2025-01-01"))
    return user


def checkin(patient: User, moment: datetime, pain: int, **answers: object) -> CheckIn:
    c = do_check_in(patient, Answers(pain_now=pain, **answers))  # type: ignore[arg-type]
    CheckIn.objects.filter(pk=c.pk).update(created_at=moment)
    return c


def session(patient: User, moment: datetime, extension: dict[str, float], good_s: float) -> None:
    program = patient.programs.first()
    assert program is not None
    s = do_start_session(patient, program, language="en")
    for side, degrees in extension.items():
        record = SetRecord(side=Side(side), set_number=1, target_s=30.0, completed=True)
        record.good_form_ms = good_s * 1000
        record.max_rear_hip_extension = degrees
        do_record_set(s, record, clock_ms=1.0)
    do_finish_session(s, completed=True, clock_ms=2.0)
    StretchSession.objects.filter(pk=s.pk).update(started_at=moment)
    SetResult.objects.filter(session=s).update(finished_at=moment + timedelta(minutes=3))


def psfs(patient: User, moment: datetime, pairs: list[tuple[str, int]]) -> None:
    ratings = do_rate_psfs(patient, pairs)
    PSFSRating.objects.filter(pk__in=[r.pk for r in ratings]).update(rated_at=moment)


def chair_stand(patient: User, moment: datetime, count: int) -> None:
    r = do_record_chair_stand(patient, count, ChairStandMethod.MANUAL)
    ChairStandResult.objects.filter(pk=r.pk).update(created_at=moment)


@pytest.fixture
def history(patient: User) -> User:
    """February 2025 in range, one of everything; a check-in in March outside it."""
    checkin(patient, at("2025-02-03"), 6)
    checkin(patient, at("2025-02-20"), 3)
    checkin(patient, at("2025-03-15"), 7)  # outside a February report
    checkin(patient, at("2025-02-10"), 2, symptoms={"leg_coldness": "left"})  # a red flag
    session(patient, at("2025-02-04"), {"left": 31.5, "right": 28.0}, 25.0)
    session(patient, at("2025-02-18"), {"left": 36.0, "right": 30.0}, 28.0)
    psfs(patient, at("2025-02-05"), [("Climbing stairs", 4), ("Putting on socks", 3)])
    psfs(patient, at("2025-02-25"), [("Climbing stairs", 6), ("Putting on socks", 5)])
    chair_stand(patient, at("2025-02-06"), 11)
    return patient
