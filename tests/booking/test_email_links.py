"""Emails link to the appointment's page when the site's address is known, and never relatively."""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings

from hipcoach.accounts.models import User
from hipcoach.booking.actions import do_book, do_cancel, do_reschedule, do_send_reminders

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import at, next_weekday

pytestmark = pytest.mark.django_db
SITE = "https://clinic.example"


def _links(body: str) -> list[str]:
    return re.findall(r"\S*/booking/\d+/\S*", body)


@override_settings(HIPCOACH_SITE_URL=SITE + "/")
def test_booking_moving_and_cancelling_emails_link_to_the_visit(
    patient: User, clinician: User
) -> None:
    day = next_weekday()
    first = do_book(patient, at(day, 10), clinician=clinician)
    moved = do_reschedule(first, at(day, 11), clinician=clinician)
    do_cancel(moved)
    booked, moving, cancelled = mail.outbox
    assert _links(booked.body) == [f"{SITE}/en/booking/{first.pk}/"]
    assert _links(moving.body) == [f"{SITE}/en/booking/{moved.pk}/"]
    assert _links(cancelled.body) == [f"{SITE}/en/booking/{moved.pk}/"]


@override_settings(HIPCOACH_SITE_URL="")
def test_without_a_site_address_there_is_no_link_at_all(patient: User, clinician: User) -> None:
    appointment = do_book(patient, at(next_weekday(), 10), clinician=clinician)
    do_cancel(appointment)
    for email in mail.outbox:
        assert _links(email.body) == []
        assert "/booking/" not in email.body
        assert "Your appointment in hipcoach:" not in email.body


@override_settings(HIPCOACH_SITE_URL=SITE)
def test_the_link_is_in_the_patients_language(patient: User, clinician: User) -> None:
    patient.language = "ja"
    patient.save()
    appointment = do_book(patient, at(next_weekday(), 10), clinician=clinician)
    (email,) = mail.outbox
    assert _links(email.body) == [f"{SITE}/ja/booking/{appointment.pk}/"]


@override_settings(HIPCOACH_SITE_URL=SITE)
def test_the_reminder_links_to_the_visit_too(patient: User, clinician: User) -> None:
    appointment = do_book(patient, at(next_weekday(), 10), clinician=clinician)
    mail.outbox.clear()
    run = do_send_reminders(appointment.starts_at - timedelta(hours=2))
    assert run.sent == 1
    (email,) = mail.outbox
    assert _links(email.body) == [f"{SITE}/en/booking/{appointment.pk}/"]


@override_settings(HIPCOACH_SITE_URL="")
def test_the_reminder_has_no_link_without_a_site_address(patient: User, clinician: User) -> None:
    appointment = do_book(patient, at(next_weekday(), 10), clinician=clinician)
    mail.outbox.clear()
    do_send_reminders(appointment.starts_at - timedelta(hours=2))
    (email,) = mail.outbox
    assert _links(email.body) == []
