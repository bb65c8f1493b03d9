"""People and programs for web tests, made through the same actions the app uses."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from coach.landmarks import PoseFrame
from hipcoach.accounts.models import Role, User
from hipcoach.checkin.actions import do_check_in, do_save_health_profile
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program
from people import make_user
from pose import landmark_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frames"
# worlds.py beside this file, importable under pytest's importlib mode (as in tests/engine).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import worlds  # noqa: E402


@pytest.fixture
def two_clinics(
    db: None, settings: Any, tmp_path: Path
) -> tuple[worlds.ClinicWorld, worlds.ClinicWorld]:
    """Clinics A and B with a bit of everything each (see worlds.py); media in tmp_path."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return worlds.two_clinics()


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Test Clinic", whatsapp_url="https://wa.me/810000000000")


@pytest.fixture
def patient(clinic: Clinic) -> User:
    user = make_user("pat", Role.PATIENT, clinic)
    do_create_program(user, hold_s=20, sets_per_side=1)
    do_save_health_profile(user, user, {})  # answered once: nothing to note
    return user


@pytest.fixture
def checked_in(patient: User) -> User:
    """The patient after a check-in that found nothing: ready to start a session."""
    do_check_in(patient, Answers(pain_now=2))
    return patient


@pytest.fixture
def other_patient(clinic: Clinic) -> User:
    user = make_user("other", Role.PATIENT, clinic)
    do_create_program(user)
    return user


@pytest.fixture
def clinician(clinic: Clinic) -> User:
    return make_user("doc", Role.CLINICIAN, clinic)


@pytest.fixture(scope="session")
def kneeling_frames() -> list[PoseFrame | None]:
    """Landmarks recorded from the real Cornell clip: one left-side hold of about 12 s."""
    return [f for _, f in landmark_file.read(FIXTURES / "cornell_kneeling_hip_flexor.jsonl").frames]
