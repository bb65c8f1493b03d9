"""Progress page from a year of daily data: server time to build the measures and render.

A throwaway SQLite database gets one patient with a year of data (bench/year_of_data.py: 365
days of check-ins, sessions with two sets each, weekly PSFS ratings and monthly chair stands);
then the progress page is rendered repeatedly through Django's test client. Target: < 200 ms.
"""

from __future__ import annotations

import statistics
import sys
import time

from year_of_data import make_year, throwaway_django


def main() -> int:
    with throwaway_django("hipcoach-progress-"):
        from django.test import Client

        patient = make_year()
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
