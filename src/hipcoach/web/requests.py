"""Small request helpers shared by the views."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import get_language

from hipcoach.accounts.models import User


def page_language() -> str:
    """The active language as a key of our bilingual data files: "en" or "ja"."""
    return "ja" if (get_language() or "en").startswith("ja") else "en"


def patient_of(request: HttpRequest) -> User | None:
    """The signed-in patient, or None for anyone else (clinicians, anonymous)."""
    user = request.user
    return user if isinstance(user, User) and user.is_patient else None


def signed_in(request: HttpRequest) -> User:
    """The signed-in person, behind ``login_required``."""
    user = request.user
    assert isinstance(user, User)
    return user


def clinician_of(request: HttpRequest) -> User | None:
    """The signed-in clinician of a clinic, or None for anyone else."""
    user = request.user
    if isinstance(user, User) and user.is_clinician and user.clinic_id is not None:
        return user
    return None
