"""The tests' clock: one fixed instant, in this process and in the servers tests start.

Every test starts at the same instant (``HIPCOACH_TEST_NOW``, ISO 8601 with an offset, or
``DEFAULT_NOW``), with time moving on from there, so no test depends on the day or hour it runs.
``tests/conftest.py`` travels there with time-machine for each test (the ``clock`` fixture).

A subprocess does not inherit that travel. Servers and ``manage.py`` steps started through
``servers.app.server_env`` get ``child_clock_env()``: ``clock_site/`` first on ``PYTHONPATH``,
whose ``sitecustomize`` every Python process of the server runs at start-up (uvicorn's spawned
workers too), and the offset between the tests' clock and the real one. Each child travels to
real time plus that offset, ticking: the server and the test agree to the second however many
processes there are and whenever each started. The offset is taken when the environment is
built, from the test's current (frozen) time, or from the configured instant when no test is
running yet (a session-scoped server), so a long-lived server runs a little ahead of each
later test's clock reset: by the minutes the session has run, never by days.

PostgreSQL and Redis keep the real clock: the app asks neither for the time (timestamps come
from Python, Redis expiries are relative). Chromium keeps the real clock too: the app's
JavaScript reads no dates, every date a page shows or posts comes from the (frozen) server,
and cookies expire by Max-Age, relative to the browser's own clock.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import time_machine

ENV = "HIPCOACH_TEST_NOW"
# An ordinary Wednesday morning in Tokyo, far from any daylight-saving change or year end.
DEFAULT_NOW = "2026-05-13T10:00:00+09:00"
# What a child process reads: seconds to add to the real clock (see clock_site/sitecustomize.py).
OFFSET_ENV = "HIPCOACH_TEST_CLOCK_OFFSET_S"
SITE = Path(__file__).resolve().parent / "clock_site"


def start_instant() -> datetime:
    """The instant every test starts at: ``HIPCOACH_TEST_NOW`` if set, else ``DEFAULT_NOW``."""
    text = os.environ.get(ENV, "").strip() or DEFAULT_NOW
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{ENV}={text!r} is not an ISO 8601 date and time") from None
    if instant.tzinfo is None:
        raise ValueError(f"{ENV}={text!r} needs an offset, e.g. 2026-03-05T10:00:00+09:00")
    return instant


def real_now() -> datetime:
    """The machine's clock, whatever the tests' clock says."""
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.datetime.datetime.now(UTC)
    return datetime.now(UTC)


def child_clock_env() -> dict[str, str]:
    """What a subprocess's environment needs to run on the tests' clock."""
    now = datetime.now(UTC) if time_machine.escape_hatch.is_travelling() else start_instant()
    offset = (now - real_now()).total_seconds()
    path = os.pathsep.join(p for p in (str(SITE), os.environ.get("PYTHONPATH", "")) if p)
    return {OFFSET_ENV: f"{offset:.6f}", "PYTHONPATH": path}
