"""Reads of check-ins: a patient their own; clinicians their clinic's patients' red flags."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404
from django.utils import timezone

from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn

# A check-in is good for a session started within this time: symptoms change.
FRESH_FOR = timedelta(hours=6)


def access_checkin_by_id(user: User, checkin_id: int) -> CheckIn:
    checkin = CheckIn.objects.filter(pk=checkin_id, patient=user).first()
    if checkin is None or not user.is_active:
        raise Http404
    return checkin


def fresh_checkin(patient: User) -> CheckIn | None:
    """The latest check-in if it is recent enough to start a session on."""
    return (
        CheckIn.objects.filter(patient=patient, created_at__gte=timezone.now() - FRESH_FOR)
        .order_by("-created_at", "-id")
        .first()
    )


def red_flags_for_clinician(clinician: User, days: int = 30) -> list[CheckIn]:
    """Check-ins that stopped a session, for the clinician's own clinic only."""
    if not clinician.is_clinician or clinician.clinic_id is None:
        return []
    since = timezone.now() - timedelta(days=days)
    return list(
        CheckIn.objects.filter(
            patient__clinic_id=clinician.clinic_id, outcome="stop", created_at__gte=since
        )
        .select_related("patient")
        .order_by("-created_at")[:200]
    )
