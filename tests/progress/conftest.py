from __future__ import annotations

import pytest

from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program


@pytest.fixture
def patient(db: None) -> User:
    clinic = Clinic.objects.create(name="Test Clinic")
    user = User.objects.create_user(
        username="pat", password="pw-for-tests", role=Role.PATIENT, clinic=clinic
    )
    do_create_program(user, hold_s=20, sets_per_side=1)
    return user


@pytest.fixture
def clinician(patient: User) -> User:
    """A clinician of the patient's clinic."""
    return User.objects.create_user(
        username="doc", password="pw-for-tests", role=Role.CLINICIAN, clinic=patient.clinic
    )
