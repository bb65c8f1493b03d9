"""PDF progress report and FHIR export from a year of daily data: server time for each.

The same year as bench/progress_charts.py (bench/year_of_data.py: 365 check-ins and sessions
with two sets each, weekly PSFS ratings, monthly chair stands) in a throwaway SQLite database,
then the report is
drawn for a year and for twelve weeks, in English and in Japanese, and the FHIR bundle built.
The font cache (var/fonts under the throwaway folder) is warmed first, as after the first
report on a server. Target: a year's report well under 5 s, so a request never waits long.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from year_of_data import make_year, throwaway_django


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
    with throwaway_django("hipcoach-report-"):
        from django.utils import timezone

        from hipcoach.reports.fhir import export_bundle
        from hipcoach.reports.pdf import report_pdf

        patient = make_year(activity="階段の上り下り", first_name="Hana", last_name="髙橋")
        now = timezone.now()
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
