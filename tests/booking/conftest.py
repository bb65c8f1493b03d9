"""A clinic with opening hours and a clinician's availability, made through the actions."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from hipcoach.accounts.models import Role, User
from hipcoach.booking.actions import do_add_availability
from hipcoach.clinics.models import Clinic, OpeningHours

sys.path.insert(0, str(Path(__file__).resolve().parent))
from people import make_user

# A Monday, 00:00 UTC = 09:00 in Kyoto: the tests' "now" unless they say otherwise.
MONDAY = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)


def open_weekdays(clinic: Clinic) -> None:
    """Mon–Fri 9:00–12:00 and 13:00–18:00: a lunch gap."""
    for day in range(5):
        OpeningHours.objects.create(clinic=clinic, weekday=day, opens=time(9), closes=time(12))
        OpeningHours.objects.create(clinic=clinic, weekday=day, opens=time(13), closes=time(18))


@pytest.fixture
def clinic(db: None) -> Clinic:
    found = Clinic.objects.create(
        name="Test Clinic",
        name_ja="テストクリニック",
        address="1 Test Street, Kyoto",
        address_ja="京都市テスト町1",
        phone="+81-75-000-0000",
        email="clinic@example.org",
        whatsapp_url="https://wa.me/810000000000",
        line_url="https://line.me/R/ti/p/@test",
        timezone="Asia/Tokyo",
        appointment_minutes=60,
    )
    open_weekdays(found)
    return found


@pytest.fixture
def clinician(clinic: Clinic) -> User:
    user = make_user("doc", Role.CLINICIAN, clinic, first_name="Sota", last_name="Omura")
    for day in range(5):
        do_add_availability(user, day, time(10), time(17))
    return user


@pytest.fixture
def patient(clinic: Clinic) -> User:
    return make_user("pat", Role.PATIENT, clinic, email="pat@example.org", first_name="Hana")


@pytest.fixture
def other_patient(clinic: Clinic) -> User:
    return make_user("other", Role.PATIENT, clinic, email="other@example.org")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    found = Clinic.objects.create(name="Elsewhere", timezone="Europe/London")
    open_weekdays(found)
    return found
