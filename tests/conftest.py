"""Fixtures shared by all tests: the clock, where the shared pose material is, the pose model.

Every test runs on a frozen clock: it starts at one fixed instant (``HIPCOACH_TEST_NOW`` or
``servers.clock.DEFAULT_NOW``) and time moves on from there, so no test depends on the day or
hour it runs; ``clock`` is the time-machine traveller, for tests that move time themselves.
Tests that need the machine's clock say ``@pytest.mark.real_clock``.

Tests that need the shared data or the model skip with the reason rather than fail, so a fresh
clone without the shared data or before ``make models`` still runs everything else.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, settings

from pose.models import ModelMissing, find_bundle

# Time is never a test here: these machines are shared and noisy (speed lives in `make bench`).
settings.register_profile("hipcoach", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hipcoach")

# people.py beside this file (and each folder's own helpers), importable under importlib mode.
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from servers.clock import start_instant  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_POSES = REPO_ROOT.parent / "shared" / "data" / "poses"
SHARED_POSES2 = REPO_ROOT.parent / "shared" / "data" / "poses2"


def shared_data() -> Path:
    """The shared photos and videos; never copied into the repository (licences differ)."""
    if not SHARED_POSES.is_dir():
        pytest.skip("../shared/data/poses is absent: real-data tests need the shared pose material")
    return SHARED_POSES


def shared_data2() -> Path:
    """The second batch (at home, in a gym, from the front), kept apart from the first."""
    if not SHARED_POSES2.is_dir():
        pytest.skip("../shared/data/poses2 is absent: these tests need the second pose batch")
    return SHARED_POSES2


@pytest.fixture(scope="session")
def pose_data() -> Path:
    return shared_data()


@pytest.fixture(scope="session")
def pose_data2() -> Path:
    return shared_data2()


@pytest.fixture(scope="session")
def pose_model() -> Path:
    try:
        return find_bundle()
    except ModelMissing as exc:
        pytest.skip(f"the pose model bundle is not built: {exc}")


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[time_machine.Traveller | None]:
    """Each test starts at the tests' instant, ticking on from there (timeouts still work).

    Yields the traveller: ``clock.shift(timedelta(hours=7))``, ``clock.move_to(...)``; None
    under ``@pytest.mark.real_clock``. Subprocess servers follow through ``servers.clock``.
    """
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(start_instant(), tick=True) as traveller:
        yield traveller
