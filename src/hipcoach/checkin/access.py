"""Reads of check-ins, stops and health profiles: a patient their own, clinicians their clinic's
patients' (through accounts.access, the one rule for who reads whose data)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import Http404
from django.utils import timezone

from hipcoach.accounts.access import access_clinic_patient_by_id, patients_of
from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn, HealthProfile, KnownSign, Stop

# A check-in is good for a session started within this time: symptoms change.
FRESH_FOR = timedelta(hours=6)


def access_checkin_by_id(user: User, checkin_id: int) -> CheckIn:
    checkin = CheckIn.objects.filter(pk=checkin_id, patient=user).first()
    if checkin is None or not user.is_active:
        raise Http404
    return checkin


def fresh_checkin(patient: User, now: datetime | None = None) -> CheckIn | None:
    """The latest check-in if it is recent enough to start a session on."""
    now = now or timezone.now()
    return (
        CheckIn.objects.filter(
            patient=patient, created_at__gte=now - FRESH_FOR, created_at__lte=now
        )
        .order_by("-created_at", "-id")
        .first()
    )


def current_profile(patient: User) -> HealthProfile | None:
    return HealthProfile.objects.filter(patient=patient).order_by("-created_at", "-id").first()


def profile_history(patient: User) -> list[HealthProfile]:
    return list(
        HealthProfile.objects.filter(patient=patient)
        .select_related("changed_by")
        .order_by("-created_at", "-id")[:50]
    )


def known_rule_ids(patient: User) -> frozenset[str]:
    return frozenset(KnownSign.objects.filter(patient=patient).values_list("rule_id", flat=True))


def known_signs(patient: User) -> list[KnownSign]:
    return list(KnownSign.objects.filter(patient=patient).select_related("accepted_by"))


def stops_in_force(patient: User, now: datetime | None = None) -> list[Stop]:
    """What holds the patient back from stretching, most urgent and newest first."""
    stops = list(
        Stop.objects.in_force(now or timezone.now())
        .filter(patient=patient)
        .select_related("checkin")
    )
    stops.sort(key=lambda s: (-s.level_enum, -s.created_at.timestamp()))
    return stops


def stops_of_patient(clinician: User, patient: User, limit: int = 30) -> list[Stop]:
    """A patient's stops with their notes, for the clinician's review (already access-checked)."""
    access_clinic_patient_by_id(clinician, patient.pk)
    return list(
        Stop.objects.filter(patient=patient)
        .select_related("checkin", "profile", "acknowledged_by", "cleared_by")
        .prefetch_related("notes__author")[:limit]
    )


def access_stop_by_id(clinician: User, stop_id: int) -> Stop:
    """A stop of one of the clinician's own patients; 404 for anyone else."""
    stop = Stop.objects.filter(pk=stop_id, patient__in=patients_of(clinician)).first()
    if stop is None:
        raise Http404
    return stop


def access_known_sign_by_id(clinician: User, sign_id: int) -> KnownSign:
    sign = KnownSign.objects.filter(pk=sign_id, patient__in=patients_of(clinician)).first()
    if sign is None:
        raise Http404
    return sign


def open_stops_for_clinician(clinician: User, days: int = 30) -> list[Stop]:
    """The clinic's stops a clinician still has to act on: every unacknowledged one (however
    old), and those still in force or raised in the last ``days``."""
    now = timezone.now()
    since = now - timedelta(days=days)
    stops = (
        Stop.objects.filter(patient__in=patients_of(clinician))
        .select_related("patient", "checkin", "profile")
        .order_by("-created_at", "-id")
    )
    return [
        s
        for s in stops[:500]
        if s.acknowledged_at is None or s.in_force(now) or s.created_at >= since
    ][:200]
