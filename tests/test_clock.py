"""The tests' frozen clock (tests/conftest.py, tests/servers/clock.py) does what they rely on."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from time_machine import Traveller

from servers.clock import ENV, OFFSET_ENV, child_clock_env, real_now, start_instant

# The clock ticks from the instant: a loaded machine may take a while between two reads.
SLACK = timedelta(seconds=30)


def test_every_test_starts_at_the_instant(clock: Traveller) -> None:
    now = timezone.now()
    assert start_instant() <= now < start_instant() + SLACK
    assert datetime.now(UTC) - now < SLACK


def test_the_clock_ticks_and_moves(clock: Traveller) -> None:
    first = timezone.now()
    clock.shift(timedelta(hours=7))
    assert timedelta(hours=7) <= timezone.now() - first < timedelta(hours=7) + SLACK
    clock.move_to(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert timezone.now() - datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC) < SLACK


@pytest.mark.real_clock
def test_real_clock_opts_out(clock: None) -> None:
    assert clock is None
    assert abs(timezone.now() - real_now()) < SLACK


def test_the_instant_needs_an_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "2026-03-05T10:00:00")
    with pytest.raises(ValueError, match="needs an offset"):
        start_instant()
    monkeypatch.setenv(ENV, "next Tuesday")
    with pytest.raises(ValueError, match="ISO 8601"):
        start_instant()
    monkeypatch.setenv(ENV, "2026-03-05T10:00:00-05:00")
    assert start_instant() == datetime(2026, 3, 5, 15, 0, tzinfo=UTC)


def test_a_child_process_shares_the_clock() -> None:
    env = {**os.environ, **child_clock_env()}
    assert OFFSET_ENV in env
    code = "from datetime import UTC, datetime; print(datetime.now(UTC).isoformat())"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    child = datetime.fromisoformat(done.stdout.strip())
    assert abs(child - timezone.now()) < SLACK
    assert abs(child - real_now()) > SLACK or abs(start_instant() - real_now()) < SLACK
