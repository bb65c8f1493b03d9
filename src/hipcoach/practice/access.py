"""Every read of a patient's practice data goes through here: one home for the checks.

A patient sees only their own sessions. Clinicians see their own clinic's patients' sessions
(read-only). Anyone else gets a 404, never a hint that the object exists.
"""

from __future__ import annotations

from django.http import Http404

from hipcoach.accounts.models import User
from hipcoach.practice.models import Program, StretchSession


def access_session_by_id(user: User, session_id: int) -> StretchSession:
    try:
        session = StretchSession.objects.select_related("patient").get(pk=session_id)
    except StretchSession.DoesNotExist:
        raise Http404 from None
    if not can_read_session(user, session):
        raise Http404
    return session


def access_own_session_by_id(user: User, session_id: int) -> StretchSession:
    """For acting in a session (the live socket, ending it): its patient alone."""
    session = access_session_by_id(user, session_id)
    if session.patient_id != user.pk:
        raise Http404
    return session


def can_read_session(user: User, session: StretchSession) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if session.patient_id == user.pk:
        return True
    return (
        user.is_clinician
        and user.clinic_id is not None
        and session.patient.clinic_id == user.clinic_id
    )


def sessions_visible_to(user: User) -> list[StretchSession]:
    if user.is_patient:
        return list(StretchSession.objects.filter(patient=user).prefetch_related("sets")[:100])
    return []


def current_program(user: User) -> Program | None:
    return Program.objects.filter(patient=user).first()
