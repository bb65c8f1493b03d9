"""The date-sensitive tests under many frozen instants: no test may depend on when it runs.

Every test starts at ``HIPCOACH_TEST_NOW`` (tests/conftest.py freezes the clock there, ticking
on). This runs the suites that count days, weeks and hours (booking, slots and time off,
reminders, check-in validity, adherence, due dates, the patient list's flags, report ranges,
the demo data) once per instant below, each in its own pytest process, and fails if any run
fails. The slow server-subprocess races and the browser are left out: they read the same clock
through tests/servers/clock.py, and the full run covers them at the default instant.

    python scripts/clock_matrix.py               every instant (make test-clock)
    python scripts/clock_matrix.py --quick       three contrasting ones (part of make test)
    python scripts/clock_matrix.py --only tokyo-midnight -- -x tests/booking
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Instant:
    name: str
    iso: str
    why: str


INSTANTS = (
    # Each day of an ordinary week (mid-May 2026: no daylight-saving change, no year end),
    # at different hours of the clinic's day.
    Instant("monday", "2026-05-11T08:15:00+09:00", "a Monday before opening"),
    Instant("tuesday", "2026-05-12T12:30:00+09:00", "a Tuesday in the lunch gap"),
    Instant("wednesday", "2026-05-13T10:00:00+09:00", "a Wednesday, the default instant"),
    Instant("thursday", "2026-05-14T17:45:00+09:00", "a Thursday near closing"),
    Instant("friday", "2026-05-15T21:00:00+09:00", "a Friday evening, 12:00 UTC"),
    Instant("saturday", "2026-05-16T11:00:00+09:00", "a Saturday: the clinic is closed"),
    Instant("sunday", "2026-05-17T06:00:00+09:00", "a Sunday early: Saturday in UTC"),
    # Midnight in Tokyo: the clinic's day has just begun, or is about to end.
    Instant("tokyo-midnight", "2026-07-14T00:00:30+09:00", "Tokyo just after midnight"),
    Instant("tokyo-before-midnight", "2026-07-14T23:59:30+09:00", "Tokyo just before midnight"),
    # The year turns in one zone and not another.
    Instant("new-year-tokyo", "2027-01-01T00:30:00+09:00", "1 Jan in Tokyo, 31 Dec in UTC"),
    Instant("new-year-eve-ny", "2026-12-31T21:00:00-05:00", "31 Dec in New York, 1 Jan in UTC"),
    # Daylight saving in a patient's zone: a week of slots and visits straddles the change.
    Instant("ny-spring-ahead", "2026-03-05T09:00:00-05:00", "3 days before New York's DST"),
    Instant("ny-dst-night", "2026-03-08T01:59:00-05:00", "a minute before New York jumps"),
    Instant("london-spring", "2026-03-26T18:00:00+00:00", "3 days before London's BST"),
    Instant("london-fall-back", "2026-10-25T01:30:00+01:00", "London's repeated hour (BST)"),
)
# For make test, which already runs everything at the default instant (Wednesday): a weekend
# day (a week-ahead weekday is then 11 days away), Tokyo midnight and a daylight-saving change.
QUICK = ("saturday", "tokyo-midnight", "ny-spring-ahead")

SUITES = (
    "tests/booking",
    "tests/progress",
    "tests/checkin",
    "tests/clinics",
    "tests/reports",
    "tests/web/test_checkin.py",
    "tests/web/test_stops.py",
    "tests/web/test_pages.py",
)
MARKS = "not slow and not browser and not real_clock"


@dataclass
class Outcome:
    instant: Instant
    code: int
    seconds: float
    output: str

    @property
    def summary(self) -> str:
        lines = self.output.strip().splitlines()
        return lines[-1] if lines else "(no output)"


def run(instant: Instant, pytest_args: list[str]) -> Outcome:
    env = {**os.environ, "HIPCOACH_TEST_NOW": instant.iso}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", MARKS]
    # Paths among the extra arguments replace the suites; options are added to them.
    paths = [a for a in pytest_args if (REPO / a.split("::")[0]).exists()]
    command += pytest_args if paths else [*pytest_args, *SUITES]
    started = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    return Outcome(instant, done.returncode, time.monotonic() - started, done.stdout + done.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these instants")
    parser.add_argument("--jobs", type=int, default=1, help="instants run at once (default 1)")
    parser.add_argument("--list", action="store_true", help="list the instants and exit")
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest arguments and paths")
    options = parser.parse_args()
    names = {i.name for i in INSTANTS}
    wanted = set(options.only or (QUICK if options.quick else names))
    if unknown := wanted - names:
        parser.error(f"unknown instant(s): {', '.join(sorted(unknown))}")
    chosen = [i for i in INSTANTS if i.name in wanted]
    if options.list:
        for i in INSTANTS:
            print(f"{i.name:24} {i.iso:27} {i.why}")
        return 0

    print(f"clock matrix: {len(chosen)} instant(s), -m '{MARKS}'", flush=True)
    started = time.monotonic()
    failed: list[Outcome] = []
    with ThreadPoolExecutor(max(1, options.jobs)) as pool:
        for outcome in pool.map(lambda i: run(i, options.pytest_args), chosen):
            mark = "ok  " if outcome.code == 0 else "FAIL"
            print(
                f"{mark} {outcome.instant.name:24} {outcome.instant.iso:27} "
                f"{outcome.seconds:5.1f} s  {outcome.summary}",
                flush=True,
            )
            if outcome.code != 0:
                failed.append(outcome)
    for outcome in failed:
        tail = "\n".join(outcome.output.strip().splitlines()[-60:])
        print(f"\n--- {outcome.instant.name} ({outcome.instant.why}) ---\n{tail}")
    print(f"clock matrix took {time.monotonic() - started:.0f} s")
    # The plain closing line: instants that passed and failed.
    print(f"instants: {len(chosen) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
