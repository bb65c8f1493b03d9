"""Appointments at the clinic, and when each clinician can see patients.

Times of availability are wall-clock times in the clinic's own zone (like opening hours), so
"Mondays 9–12" stays 9–12 across daylight-saving changes. Appointments are instants (aware,
stored in UTC). The database itself refuses a second booking of a clinician, or of a patient,
at the same start: partial unique indexes on booked rows, which SQLite and PostgreSQL both
enforce, so no race between requests can double-book.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hipcoach.clinics.models import Weekday


class Availability(models.Model):
    """One period a clinician works on a weekday, in the clinic's local time."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="availability_ends_after_starts",
            )
        ]

    def clean(self) -> None:
        if (
            isinstance(self.starts, time)
            and isinstance(self.ends, time)
            and self.ends <= self.starts
        ):
            raise ValidationError(_("The end must be after the start."))


# Longer absences are a leaving, not time off: the clinician should take their hours away.
MAX_TIME_OFF = timedelta(days=366)


class TimeOff(models.Model):
    """A holiday or course: no slots for this clinician between the two instants."""

    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="time_off_ends_after_starts",
            )
        ]

    def clean(self) -> None:
        starts, ends = self.starts_at, self.ends_at
        if isinstance(starts, datetime) and isinstance(ends, datetime):
            if ends <= starts:
                raise ValidationError(_("The end must be after the start."))
            if ends - starts > MAX_TIME_OFF:
                raise ValidationError(_("Time off can be at most a year long."))


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


def _new_uid() -> str:
    return f"{uuid.uuid4()}@hipcoach"


class Appointment(models.Model):
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments_given"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    reason = models.CharField(_("reason for the visit"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    rescheduled_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="rescheduled_to"
    )
    # The calendar invite's identity: a rescheduled visit keeps the UID and raises the
    # sequence, so the patient's calendar moves the event instead of adding a second one.
    uid = models.CharField(max_length=80, default=_new_uid, editable=False)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["clinician", "starts_at"],
                condition=models.Q(status="booked"),
                name="booking_one_patient_per_clinician_slot",
            ),
            models.UniqueConstraint(
                fields=["patient", "starts_at"],
                condition=models.Q(status="booked"),
                name="booking_one_visit_per_patient_slot",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_ends_after_starts",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.patient} with {self.clinician} at {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED
