"""PDF progress report and FHIR export from a year of daily data: server time for each.

The same year as bench/progress_charts.py (365 check-ins and sessions with two sets each,
weekly PSFS ratings, monthly chair stands) in a throwaway SQLite database, then the report is
drawn for a year and for twelve weeks, in English and in Japanese, and the FHIR bundle built.
The font cache (var/fonts under the throwaway folder) is warmed first, as after the first
report on a server. Target: a year's report well under 5 s, so a request never waits long.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(label: str, run: Callable[[], object], repeat: int = 5) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    print(
        f"{label}: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="hipcoach-report-") as tmp:
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
        from django.utils import timezone

        from hipcoach.accounts.models import Role, User
        from hipcoach.checkin.models import CheckIn
        from hipcoach.practice.actions import do_create_program
        from hipcoach.practice.models import Program, SetResult, StretchSession
        from hipcoach.progress.models import ChairStandResult, PSFSActivity, PSFSRating
        from hipcoach.reports.fhir import export_bundle
        from hipcoach.reports.pdf import report_pdf

        patient = User.objects.create_user(
            username="year", password="x", role=Role.PATIENT, first_name="Hana", last_name="髙橋"
        )
        program = do_create_program(patient)
        now = timezone.now()
        Program.objects.filter(pk=program.pk).update(created_at=now - timedelta(days=400))
        days = [now - timedelta(days=n) for n in range(365)]
        for n, day in enumerate(days):
            c = CheckIn.objects.create(patient=patient, pain_now=n % 7, outcome="proceed")
            CheckIn.objects.filter(pk=c.pk).update(created_at=day)
            s = StretchSession.objects.create(
                patient=patient,
                program=program,
                protocol_id="half_kneeling_psoas",
                hold_s=30,
                sets_per_side=2,
                status="completed",
            )
            StretchSession.objects.filter(pk=s.pk).update(started_at=day)
            SetResult.objects.bulk_create(
                SetResult(
                    session=s,
                    side=side,
                    set_number=1,
                    target_s=30,
                    good_form_s=28.0,
                    max_rear_hip_extension=30 + (n % 10),
                )
                for side in ("left", "right")
            )
        activity = PSFSActivity.objects.create(patient=patient, name="階段の上り下り")
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

        today = now.date()
        start = time.perf_counter()
        report_pdf(patient, today - timedelta(days=84), today, "ja")
        first_ms = (time.perf_counter() - start) * 1000
        print(f"first report, fonts decompressed into the cache: {first_ms:.0f} ms")
        for language in ("en", "ja"):
            timed(
                f"PDF report, a year ({language})",
                lambda lang=language: report_pdf(patient, today - timedelta(days=364), today, lang),
            )
            timed(
                f"PDF report, twelve weeks ({language})",
                lambda lang=language: report_pdf(patient, today - timedelta(days=83), today, lang),
            )
        size = len(report_pdf(patient, today - timedelta(days=364), today, "ja"))
        print(f"a year's Japanese report: {size / 1024:.0f} KiB")
        timed("FHIR bundle, the whole record (1,133 resources)", lambda: export_bundle(patient))
    return 0


if __name__ == "__main__":
    sys.exit(main())
