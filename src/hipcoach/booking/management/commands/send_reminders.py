"""Email a reminder for every booked visit in the next 24 hours that has not had one.

Meant for a scheduler (cron, a systemd timer, Celery beat) every 15 minutes or so; running it
twice, or two copies at once, sends each reminder once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hipcoach.booking.actions import do_send_reminders


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--now must be an ISO 8601 time with an offset: {text!r}") from exc
    if value.tzinfo is None:
        raise CommandError(f"--now needs a UTC offset, such as {text}+09:00")
    return value


class Command(BaseCommand):
    help = "Send 24-hour appointment reminders (idempotent; safe to run concurrently)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, send nothing")
        parser.add_argument("--now", help="pretend it is this ISO 8601 time (for testing)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = _instant(options["now"]) if options["now"] else timezone.now()
        run = do_send_reminders(now, dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(f"{run.due} reminder(s) due; none sent (dry run)")
            return
        self.stdout.write(
            f"sent {run.sent} reminder(s); {run.no_email} patient(s) without an email address; "
            f"{run.failed} failed (retried next run)"
        )
        if run.failed:
            raise CommandError(f"{run.failed} reminder(s) could not be sent")
