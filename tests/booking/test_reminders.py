"""The reminders command: the 24-hour window, once only, nothing for cancelled visits."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from time_machine import Traveller

from hipcoach.accounts.models import User
from hipcoach.booking.actions import do_send_reminders
from hipcoach.booking.models import Appointment, AppointmentStatus

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import event_of

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)


def visit(patient: User, clinician: User, starts: datetime, **extra: object) -> Appointment:
    assert clinician.clinic is not None
    return Appointment.objects.create(
        clinic=clinician.clinic,
        clinician=clinician,
        patient=patient,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        **extra,
    )


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_reminds_only_visits_in_the_next_24_hours_once(
    patient: User, other_patient: User, clinician: User
) -> None:
    soon = visit(patient, clinician, NOW + timedelta(hours=23))
    edge = visit(other_patient, clinician, NOW + timedelta(hours=24))
    later = visit(patient, clinician, NOW + timedelta(hours=25))
    past = visit(other_patient, clinician, NOW - timedelta(hours=1))
    cancelled = visit(
        other_patient, clinician, NOW + timedelta(hours=5), status=AppointmentStatus.CANCELLED
    )
    assert "sent 2 reminder(s)" in run("--now", NOW.isoformat())
    assert sorted(m.to[0] for m in mail.outbox) == ["other@example.org", "pat@example.org"]
    for a in (soon, edge, later, past, cancelled):
        a.refresh_from_db()
    assert soon.reminder_sent_at == NOW
    assert edge.reminder_sent_at == NOW
    assert later.reminder_sent_at is None
    assert past.reminder_sent_at is None
    assert cancelled.reminder_sent_at is None
    assert "Reminder" in mail.outbox[0].subject
    assert event_of(mail.outbox[0]).decoded("DTSTART") in {soon.starts_at, edge.starts_at}

    assert "sent 0 reminder(s)" in run("--now", NOW.isoformat())
    assert len(mail.outbox) == 2
    # An hour on, the 25-hour visit has come into the window.
    assert "sent 1 reminder(s)" in run("--now", (NOW + timedelta(hours=1)).isoformat())


def test_dry_run_counts_and_sends_nothing(patient: User, clinician: User) -> None:
    a = visit(patient, clinician, NOW + timedelta(hours=3))
    assert "1 reminder(s) due; none sent" in run("--dry-run", "--now", NOW.isoformat())
    assert mail.outbox == []
    a.refresh_from_db()
    assert a.reminder_sent_at is None


def test_patients_without_an_address_are_counted_not_retried(
    patient: User, clinician: User
) -> None:
    patient.email = ""
    patient.save()
    visit(patient, clinician, NOW + timedelta(hours=3))
    assert "1 patient(s) without an email address" in run("--now", NOW.isoformat())
    assert "0 patient(s) without" in run("--now", NOW.isoformat())


def test_a_failed_email_is_retried_next_run(
    patient: User, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipcoach.booking import notify  # noqa: PLC0415

    a = visit(patient, clinician, NOW + timedelta(hours=3))

    def broken(*args: object, **kwargs: object) -> int:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notify.EmailMessage, "send", broken)
    with pytest.raises(CommandError, match="1 reminder"):
        run("--now", NOW.isoformat())
    a.refresh_from_db()
    assert a.reminder_sent_at is None
    monkeypatch.undo()
    assert "sent 1 reminder(s)" in run("--now", NOW.isoformat())


def test_a_visit_claimed_by_another_run_is_not_sent_twice(
    patient: User, other_patient: User, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second scheduler starting while the first is mid-way sends only what is unclaimed."""
    from hipcoach.booking import notify  # noqa: PLC0415

    visit(patient, clinician, NOW + timedelta(hours=3))
    visit(other_patient, clinician, NOW + timedelta(hours=4))
    real = notify.send
    inner: list[object] = []
    started: list[bool] = []

    def send_and_start_another_run(
        appointment: Appointment, kind: notify.Notice, **kw: bool
    ) -> bool:
        if not started:
            started.append(True)
            inner.append(do_send_reminders(NOW))
        return real(appointment, kind, **kw)

    monkeypatch.setattr(notify, "send", send_and_start_another_run)
    outer = do_send_reminders(NOW)
    (second,) = inner
    assert (outer.due, outer.sent) == (2, 1)
    assert second.sent == 1
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {"pat@example.org", "other@example.org"}


def test_now_must_be_an_iso_time_with_an_offset(db: None) -> None:
    with pytest.raises(CommandError, match="ISO 8601"):
        run("--now", "tomorrow")
    with pytest.raises(CommandError, match="UTC offset"):
        run("--now", "2025-03-03T09:00")


def test_without_now_the_command_counts_from_the_clock(
    patient: User, clinician: User, clock: Traveller
) -> None:
    """As cron runs it: the 24 hours are counted from the clock (the tests' instant here)."""
    starts = timezone.now() + timedelta(hours=25)
    a = visit(patient, clinician, starts)
    assert "sent 0 reminder(s)" in run()
    clock.shift(timedelta(hours=2))
    assert "sent 1 reminder(s)" in run()
    a.refresh_from_db()
    assert a.reminder_sent_at is not None
    assert timedelta(hours=22) < starts - a.reminder_sent_at <= timedelta(hours=23)
