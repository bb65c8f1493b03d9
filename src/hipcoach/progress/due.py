"""When the prescribed 30-second chair-stand test is next due, in the patient's own days.

The rule lives in one pure function so its boundaries can be tested without a database;
``chair_stand_due_for`` only gathers its inputs for one patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.utils import timezone

from hipcoach.accounts.models import User
from hipcoach.practice.models import Program
from hipcoach.progress.models import ChairStandResult


@dataclass(frozen=True)
class ChairStandDue:
    """``prescribed`` false: nothing to show. ``due`` true: ask today; else ``next_date``."""

    prescribed: bool
    due: bool
    next_date: date | None


NOT_PRESCRIBED = ChairStandDue(prescribed=False, due=False, next_date=None)


def chair_stand_due(
    every_weeks: int,
    asked_since: datetime | None,
    last_result_at: datetime | None,
    today: date,
    zone: tzinfo,
) -> ChairStandDue:
    """Due when no result counts yet, or the last one is at least ``every_weeks`` weeks old.

    A result from before the clinician started asking for the test (``asked_since``) does
    not count: the new prescription wants a fresh baseline. Ages are counted in calendar days
    of ``zone``, the patient's own, so "two weeks" means the same weekday two weeks on
    whatever the hour.
    """
    if every_weeks <= 0:
        return NOT_PRESCRIBED
    if last_result_at is None or (asked_since is not None and last_result_at < asked_since):
        return ChairStandDue(prescribed=True, due=True, next_date=None)
    next_date = last_result_at.astimezone(zone).date() + timedelta(weeks=every_weeks)
    if today >= next_date:
        return ChairStandDue(prescribed=True, due=True, next_date=None)
    return ChairStandDue(prescribed=True, due=False, next_date=next_date)


def asked_since(programs_newest_first: list[Program]) -> datetime | None:
    """When the unbroken run of program versions asking for the test began.

    Programs are versioned: a change of hold time keeps asking for the test and must not
    reset it, while a version that stopped asking (0) ends the run.
    """
    since: datetime | None = None
    for program in programs_newest_first:
        if program.chair_stand_every_weeks <= 0:
            break
        since = program.created_at
    return since


def chair_stand_due_for(patient: User, *, now: datetime | None = None) -> ChairStandDue:
    """The due state of the test for ``patient`` under the program in force."""
    programs = list(Program.objects.filter(patient=patient))
    if not programs or programs[0].chair_stand_every_weeks <= 0:
        return NOT_PRESCRIBED
    zone = ZoneInfo(patient.time_zone_name())
    moment = now or timezone.now()
    last = ChairStandResult.objects.filter(patient=patient).order_by("-created_at", "-id").first()
    return chair_stand_due(
        programs[0].chair_stand_every_weeks,
        asked_since(programs),
        last.created_at if last else None,
        moment.astimezone(zone).date(),
        zone,
    )
