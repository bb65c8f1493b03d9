"""Emails about an appointment, in the patient's language, with the calendar invite attached.

Sent after the booking has been committed: a mail server that is down must never undo or
block a booking (the invite stays downloadable from the appointments page), so a failure is
logged, not raised, except where a caller must know (reminders retry on the next run).
"""

from __future__ import annotations

import logging
from enum import Enum

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from hipcoach.booking.display import shown
from hipcoach.booking.invite import invite
from hipcoach.booking.models import Appointment
from hipcoach.links import site_link

log = logging.getLogger(__name__)


class Notice(Enum):
    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REMINDER = "reminder"


def _subject(kind: Notice, clinic: str) -> str:
    subjects = {
        Notice.BOOKED: _("Your appointment at %(clinic)s is booked"),
        Notice.MOVED: _("Your appointment at %(clinic)s has moved"),
        Notice.CANCELLED: _("Your appointment at %(clinic)s is cancelled"),
        Notice.REMINDER: _("Reminder: your appointment at %(clinic)s"),
    }
    return subjects[kind] % {"clinic": clinic}


def manage_url(appointment: Appointment, language: str) -> str:
    """The absolute address of the appointment's page in ``language``; "" with no site set."""
    return site_link("booking:done", [appointment.pk], language)


def message(appointment: Appointment, kind: Notice) -> EmailMessage:
    """The email for ``kind``, in the patient's language."""
    patient = appointment.patient
    clinic = appointment.clinic
    with translation.override(patient.language or "en"):
        language = "ja" if (patient.language or "").startswith("ja") else "en"
        name = clinic.display_name(language)
        context = {
            "appointment": appointment,
            "patient": patient,
            "clinic": clinic,
            "clinic_name": name,
            "address": clinic.display_address(language),
            "when": shown(appointment.starts_at, patient.time_zone_name(), clinic.timezone),
            "kind": kind.value,
            "manage_url": manage_url(appointment, language),
        }
        body = render_to_string(f"booking/email/{kind.value}.txt", context)
        email = EmailMessage(
            subject=_subject(kind, name),
            body=body,
            to=[patient.email],
            reply_to=[clinic.email] if clinic.email else None,
        )
        method = "CANCEL" if kind is Notice.CANCELLED else "REQUEST"
        email.attach(
            "appointment.ics",
            invite(appointment, language),
            f"text/calendar; method={method}; charset=utf-8",
        )
    return email


def send(appointment: Appointment, kind: Notice, *, strict: bool = False) -> bool:
    """Send it if the patient has an address; False when there is none (or it failed)."""
    if not appointment.patient.email:
        return False
    try:
        message(appointment, kind).send()
    except Exception:
        if strict:
            raise
        log.exception("could not email %s notice for appointment %s", kind.value, appointment.pk)
        return False
    return True
