"""Two clinics with their people, made through the same actions the app uses."""

from __future__ import annotations

import pytest

from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program
from people import make_user


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(
        name="Test Clinic",
        name_ja="テストクリニック",
        phone="+81 75 000 0000",
        whatsapp_url="https://wa.me/810000000000",
        line_url="https://lin.ee/example",
        map_url="https://maps.example.org/clinic",
        services="Hip pain\nBack pain",
        services_ja="股関節の痛み\n腰痛",
    )


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Other Clinic")


@pytest.fixture
def admin(clinic: Clinic) -> User:
    return make_user("boss", Role.CLINICIAN, clinic, is_clinic_admin=True)


@pytest.fixture
def clinician(clinic: Clinic) -> User:
    return make_user("doc", Role.CLINICIAN, clinic)


@pytest.fixture
def patient(clinic: Clinic) -> User:
    user = make_user("pat", Role.PATIENT, clinic)
    do_create_program(user, hold_s=30, sets_per_side=2)
    return user


@pytest.fixture
def other_patient(clinic: Clinic) -> User:
    return make_user("pat2", Role.PATIENT, clinic)


@pytest.fixture
def stranger(other_clinic: Clinic) -> User:
    """A clinician of another clinic: must never see our patients."""
    return make_user("elsewhere", Role.CLINICIAN, other_clinic, is_clinic_admin=True)


@pytest.fixture
def stranger_patient(other_clinic: Clinic) -> User:
    return make_user("far", Role.PATIENT, other_clinic)
