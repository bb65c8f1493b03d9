"""Progress page from a year of daily data: server time to build the measures and render.

A throwaway SQLite database gets one patient with 365 days of check-ins, sessions with two sets
each, weekly PSFS ratings and monthly chair stands; then the progress page is rendered
repeatedly through Django's test client. Target: under 200 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hipcoach-progress-") as tmp:
        env = {**os.environ, "HIPCOACH_VAR": tmp, "HIPCOACH_LOG_LEVEL": "WARNING"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        # The test settings serve static files without a manifest (no collectstatic needed).
        os.environ.update({"HIPCOACH_VAR": tmp, "DJANGO_SETTINGS_MODULE": "hipcoach.test_settings"})
        import django

        django.setup()
        from django.test import Client
        from django.utils import timezone

        from hipcoach.accounts.models import Role, User
        from hipcoach.checkin.models import CheckIn
        from hipcoach.practice.actions import do_create_program
        from hipcoach.practice.models import SetResult, StretchSession
        from hipcoach.progress.models import ChairStandResult, PSFSActivity, PSFSRating

        patient = User.objects.create_user(username="year", password="x", role=Role.PATIENT)
        program = do_create_program(patient)
        now = timezone.now()
        days = [now - timedelta(days=n) for n in range(365)]
        CheckIn.objects.bulk_create(
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
        for n, (checkin, session, day) in enumerate(
            zip(CheckIn.objects.order_by("id"), sessions, days, strict=True)
        ):
            CheckIn.objects.filter(pk=checkin.pk).update(created_at=day)
            StretchSession.objects.filter(pk=session.pk).update(started_at=day)
            del n
        activity = PSFSActivity.objects.create(patient=patient, name="Stairs")
        for week in range(52):
            rating = PSFSRating.objects.create(activity=activity, score=week % 11)
            PSFSRating.objects.filter(pk=rating.pk).update(rated_at=now - timedelta(weeks=week))
        for month in range(12):
            stand = ChairStandResult.objects.create(
                patient=patient, count=10 + month, method="manual"
            )
            ChairStandResult.objects.filter(pk=stand.pk).update(
                created_at=now - timedelta(days=30 * month)
            )

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(patient)
        client.get("/en/progress/")  # warm-up: templates, translations
        times = []
        for _ in range(15):
            start = time.perf_counter()
            response = client.get("/en/progress/")
            times.append((time.perf_counter() - start) * 1000.0)
            assert response.status_code == 200
        median = statistics.median(times)
        print(
            f"progress page, a year of daily data (365 check-ins, 365 sessions, 730 sets): "
            f"median {median:.1f} ms, max {max(times):.1f} ms server time "
            f"(target < 200 ms: {'met' if median < 200 else 'NOT met'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
