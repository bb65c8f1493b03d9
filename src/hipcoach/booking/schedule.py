"""Free times from the database: loads hours, availability and busy intervals for slots.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from hipcoach.accounts.models import Role, User
from hipcoach.booking.models import Appointment, AppointmentStatus, Availability, TimeOff
from hipcoach.booking.slots import Busy, Period, free_slots
from hipcoach.clinics.models import Clinic, OpeningHours


@dataclass(frozen=True)
class Offer:
    """A free start and the clinicians free then (first = the one "anyone" gets)."""

    starts_at: datetime
    clinicians: tuple[User, ...]


def bookable_clinicians(clinic: Clinic) -> QuerySet[User]:
    """The clinic's active clinicians who have set any availability."""
    return (
        User.objects.filter(clinic=clinic, role=Role.CLINICIAN, is_active=True)
        .filter(availability__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _busy(
    clinician: User, patient: User | None, first: datetime, last: datetime, ignore: int | None
) -> list[Busy]:
    margin = timedelta(days=1)
    visits = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        starts_at__lt=last + margin,
        ends_at__gt=first - margin,
    )
    mine = visits.filter(clinician=clinician)
    if patient is not None:
        mine = mine | visits.filter(patient=patient)
    if ignore is not None:
        mine = mine.exclude(pk=ignore)
    busy = [Busy(a.starts_at, a.ends_at) for a in mine]
    off = TimeOff.objects.filter(
        clinician=clinician, starts_at__lt=last + margin, ends_at__gt=first - margin
    )
    busy += [Busy(t.starts_at, t.ends_at) for t in off]
    return busy


def clinician_slots(
    clinic: Clinic,
    clinician: User,
    first: datetime,
    last: datetime,
    now: datetime,
    *,
    patient: User | None = None,
    ignore: int | None = None,
) -> list[datetime]:
    """Free starts of one clinician in [first, last); ``ignore`` a visit being moved."""
    opening = [
        Period(h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(clinic=clinic)
    ]
    availability = [
        Period(a.weekday, a.starts, a.ends)
        for a in Availability.objects.filter(clinician=clinician)
    ]
    return free_slots(
        zone=ZoneInfo(clinic.timezone),
        opening=opening,
        availability=availability,
        length=timedelta(minutes=clinic.appointment_minutes),
        first=first,
        last=last,
        now=now,
        busy=_busy(clinician, patient, first, last, ignore),
    )


def offers(
    clinic: Clinic,
    clinician: User | None,
    first: datetime,
    last: datetime,
    now: datetime,
    *,
    patient: User | None = None,
    ignore: int | None = None,
) -> list[Offer]:
    """Free times in [first, last) with one clinician, or with anyone of the clinic."""
    people = [clinician] if clinician is not None else list(bookable_clinicians(clinic))
    free: dict[datetime, list[User]] = {}
    for person in people:
        for start in clinician_slots(
            clinic, person, first, last, now, patient=patient, ignore=ignore
        ):
            free.setdefault(start, []).append(person)
    return [Offer(start, tuple(free[start])) for start in sorted(free)]


def offer_at(
    clinic: Clinic,
    clinician: User | None,
    starts_at: datetime,
    now: datetime,
    *,
    patient: User | None = None,
    ignore: int | None = None,
) -> Offer | None:
    """The offer starting exactly at ``starts_at``, or None if that time is not offered."""
    window = timedelta(minutes=clinic.appointment_minutes)
    for offer in offers(
        clinic, clinician, starts_at, starts_at + window, now, patient=patient, ignore=ignore
    ):
        if offer.starts_at == starts_at:
            return offer
    return None


def booked_during(
    visits: QuerySet[Appointment], clinician: User, starts_at: datetime, ends_at: datetime
) -> list[Appointment]:
    """The clinician's booked visits overlapping ``[starts_at, ends_at)``, out of ``visits``
    (the reader's own view of appointments, so access stays with access.py)."""
    return list(
        visits.filter(
            clinician=clinician,
            status=AppointmentStatus.BOOKED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        ).order_by("starts_at", "id")
    )
