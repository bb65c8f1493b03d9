"""A year of one patient's daily data in a throwaway database: what the benchmarks measure on.

365 check-ins and completed sessions with two sets each, weekly PSFS ratings and monthly chair
stands, under a program prescribed 400 days ago. Django runs on the test settings (static files
without a manifest, so no collectstatic) against a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def throwaway_django(prefix: str) -> Iterator[Path]:
    """A migrated database in a temporary ``HIPCOACH_VAR``, and Django set up on it."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        env = {**os.environ, "HIPCOACH_VAR": tmp, "HIPCOACH_LOG_LEVEL": "WARNING"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update({"HIPCOACH_VAR": tmp, "DJANGO_SETTINGS_MODULE": "hipcoach.test_settings"})
        import django

        django.setup()
        yield Path(tmp)


def make_year(*, activity: str = "Stairs", **names: str) -> Any:
    """The patient (a ``User``) with a year of data; call inside ``throwaway_django``."""
    from django.utils import timezone

    from hipcoach.accounts.models import Role, User
    from hipcoach.checkin.models import CheckIn
    from hipcoach.practice.actions import do_create_program
    from hipcoach.practice.models import Program, SetResult, StretchSession
    from hipcoach.progress.models import ChairStandResult, PSFSActivity, PSFSRating

    patient = User.objects.create_user(username="year", password="x", role=Role.PATIENT, **names)
    program = do_create_program(patient)
    now = timezone.now()
    Program.objects.filter(pk=program.pk).update(created_at=now - timedelta(days=400))
    days = [now - timedelta(days=n) for n in range(365)]
    checkins = CheckIn.objects.bulk_create(
        CheckIn(patient=patient, pain_now=n % 7, outcome="proceed") for n in range(365)
    )
    sessions = StretchSession.objects.bulk_create(
        StretchSession(
            patient=patient,
            program=program,
            protocol_id="half_kneeling_psoas",
            hold_s=30,
            sets_per_side=2,
            status="completed",
        )
        for _ in days
    )
    SetResult.objects.bulk_create(
        SetResult(
            session=s,
            side=side,
            set_number=1,
            target_s=30,
            good_form_s=28.0,
            max_rear_hip_extension=30 + (n % 10),
        )
        for n, s in enumerate(sessions)
        for side in ("left", "right")
    )
    for checkin, session, day in zip(checkins, sessions, days, strict=True):
        CheckIn.objects.filter(pk=checkin.pk).update(created_at=day)
        StretchSession.objects.filter(pk=session.pk).update(started_at=day)
    psfs = PSFSActivity.objects.create(patient=patient, name=activity)
    for week in range(52):
        rating = PSFSRating.objects.create(activity=psfs, score=week % 11)
        PSFSRating.objects.filter(pk=rating.pk).update(rated_at=now - timedelta(weeks=week))
    for month in range(12):
        stand = ChairStandResult.objects.create(patient=patient, count=10 + month, method="manual")
        ChairStandResult.objects.filter(pk=stand.pk).update(
            created_at=now - timedelta(days=30 * month)
        )
    return patient
