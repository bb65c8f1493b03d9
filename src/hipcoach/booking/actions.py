"""Every write to booking data: one function per action, one transaction each (do_*).

The database's partial unique indexes decide who gets a time when two people ask at once;
the loser's IntegrityError becomes ``SlotTaken``, a message for the patient, never a 500.
Emails go out after the commit (see notify.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hipcoach.accounts.models import User
from hipcoach.booking import notify
from hipcoach.booking.models import Appointment, AppointmentStatus, Availability, TimeOff
from hipcoach.booking.notify import Notice
from hipcoach.booking.schedule import Offer, offer_at
from hipcoach.clinics.models import Clinic

log = logging.getLogger(__name__)
REMINDER_WINDOW = timedelta(hours=24)


class BookingError(Exception):
    """A booking that cannot be made; ``message`` says why, in words for the patient."""

    message = _("That appointment cannot be booked.")

    def __str__(self) -> str:
        return str(self.message)


class SlotTaken(BookingError):
    message = _("Sorry, that time was just taken by someone else. Please choose another time.")


class SlotNotOffered(BookingError):
    message = _("That time is not offered. Please choose one of the times shown.")


class AlreadyBooked(BookingError):
    message = _("You already have an appointment at that time.")


class NotBooked(BookingError):
    message = _("This appointment has already been cancelled or moved.")


def _clinic_of(patient: User) -> Clinic:
    if not patient.is_patient or patient.clinic is None:
        raise SlotNotOffered
    return patient.clinic


def _create(
    offer: Offer, patient: User, clinic: Clinic, *, reason: str, moved: Appointment | None
) -> Appointment:
    """The first free clinician of the offer gets the visit; the database arbitrates."""
    minutes = timedelta(minutes=clinic.appointment_minutes)
    for clinician in offer.clinicians:
        values = {
            "clinic": clinic,
            "clinician": clinician,
            "patient": patient,
            "starts_at": offer.starts_at,
            "ends_at": offer.starts_at + minutes,
            "reason": reason,
        }
        if moved is not None:
            values.update(uid=moved.uid, sequence=moved.sequence + 1, rescheduled_from=moved)
        try:
            with transaction.atomic():
                return Appointment.objects.create(**values)
        except IntegrityError:
            log.info("lost the race for %s with clinician %s", offer.starts_at, clinician.pk)
            continue
    if Appointment.objects.filter(
        patient=patient, starts_at=offer.starts_at, status=AppointmentStatus.BOOKED
    ).exists():
        raise AlreadyBooked
    raise SlotTaken


def _refusal(
    clinic: Clinic, clinician: User | None, patient: User, starts_at: datetime
) -> BookingError:
    """Why a time is not offered, in the words that help: taken, yours already, or never."""
    booked = Appointment.objects.filter(starts_at=starts_at, status=AppointmentStatus.BOOKED)
    if booked.filter(patient=patient).exists():
        return AlreadyBooked()
    people = booked.filter(clinic=clinic)
    if clinician is not None:
        people = people.filter(clinician=clinician)
    return SlotTaken() if people.exists() else SlotNotOffered()


def do_book(
    patient: User,
    starts_at: datetime,
    *,
    clinician: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Appointment:
    """Book ``starts_at`` with ``clinician`` (None: anyone free then) and email the patient."""
    clinic = _clinic_of(patient)
    offer = offer_at(clinic, clinician, starts_at, now or timezone.now(), patient=patient)
    if offer is None:
        raise _refusal(clinic, clinician, patient, starts_at)
    appointment = _create(offer, patient, clinic, reason=reason, moved=None)
    notify.send(appointment, Notice.BOOKED)
    return appointment


def do_reschedule(
    appointment: Appointment,
    starts_at: datetime,
    *,
    clinician: User | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Move a visit: the old one is cancelled and the new one booked, both or neither."""
    now = now or timezone.now()
    patient = appointment.patient
    clinic = _clinic_of(patient)
    offer = offer_at(clinic, clinician, starts_at, now, patient=patient, ignore=appointment.pk)
    if offer is None:
        raise _refusal(clinic, clinician, patient, starts_at)
    with transaction.atomic():
        # A write first: it claims the old row (PostgreSQL row lock, SQLite write lock).
        claimed = Appointment.objects.filter(
            pk=appointment.pk, status=AppointmentStatus.BOOKED
        ).update(status=AppointmentStatus.CANCELLED, cancelled_at=now)
        if not claimed:
            raise NotBooked
        moved = _create(offer, patient, clinic, reason=appointment.reason, moved=appointment)
    appointment.refresh_from_db()
    notify.send(moved, Notice.MOVED)
    return moved


def do_cancel(appointment: Appointment, *, now: datetime | None = None) -> Appointment:
    """Cancel a booked visit; cancelling twice changes nothing and sends nothing."""
    with transaction.atomic():
        claimed = Appointment.objects.filter(
            pk=appointment.pk, status=AppointmentStatus.BOOKED
        ).update(
            status=AppointmentStatus.CANCELLED,
            cancelled_at=now or timezone.now(),
            sequence=F("sequence") + 1,
        )
    appointment.refresh_from_db()
    if claimed:
        notify.send(appointment, Notice.CANCELLED)
    return appointment


@dataclass(frozen=True)
class ReminderRun:
    due: int
    sent: int
    no_email: int
    failed: int


def do_send_reminders(now: datetime, *, dry_run: bool = False) -> ReminderRun:
    """Remind every booked visit starting within 24 h of ``now`` that has had no reminder.

    Each visit is claimed by a conditional UPDATE in the same transaction as its email, so two
    schedulers running at once never send twice, and a failed email is retried next run.
    """
    due = list(
        Appointment.objects.filter(
            status=AppointmentStatus.BOOKED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_WINDOW,
        ).values_list("pk", flat=True)
    )
    if dry_run:
        return ReminderRun(len(due), 0, 0, 0)
    sent = no_email = failed = 0
    for pk in due:
        try:
            with transaction.atomic():
                claimed = Appointment.objects.filter(
                    pk=pk, status=AppointmentStatus.BOOKED, reminder_sent_at__isnull=True
                ).update(reminder_sent_at=now)
                if not claimed:
                    continue
                appointment = Appointment.objects.select_related(
                    "clinic", "clinician", "patient"
                ).get(pk=pk)
                if notify.send(appointment, Notice.REMINDER, strict=True):
                    sent += 1
                else:
                    no_email += 1
        except Exception:
            log.exception("reminder for appointment %s failed; it will be retried", pk)
            failed += 1
    return ReminderRun(len(due), sent, no_email, failed)


def do_add_availability(clinician: User, weekday: int, starts: time, ends: time) -> Availability:
    row = Availability(clinician=clinician, weekday=weekday, starts=starts, ends=ends)
    row.full_clean()
    row.save()
    return row


def do_remove_availability(clinician: User, pk: int) -> bool:
    return Availability.objects.filter(clinician=clinician, pk=pk).delete()[0] > 0


def do_add_time_off(
    clinician: User, starts_at: datetime, ends_at: datetime, note: str = ""
) -> TimeOff:
    """Block a period. Visits already booked inside it stay booked: the clinic decides whom to
    call and what to offer them (see ``schedule.booked_during``), so nothing is cancelled here."""
    row = TimeOff(clinician=clinician, starts_at=starts_at, ends_at=ends_at, note=note)
    row.full_clean()
    row.save()
    return row


def do_remove_time_off(clinician: User, pk: int) -> bool:
    return TimeOff.objects.filter(clinician=clinician, pk=pk).delete()[0] > 0
