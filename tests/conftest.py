"""Fixtures shared by all tests: where the shared pose material is, and the built pose model.

Tests that need either skip with the reason rather than fail, so a fresh clone without the
shared data or before ``make models`` still runs everything else.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pose.models import ModelMissing, find_bundle

# Time is never a test here: these machines are shared and noisy (speed lives in `make bench`).
settings.register_profile("hipcoach", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hipcoach")

# people.py beside this file (and each folder's own helpers), importable under importlib mode.
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_POSES = REPO_ROOT.parent / "shared" / "data" / "poses"


def shared_data() -> Path:
    """The shared photos and videos; never copied into the repository (licences differ)."""
    if not SHARED_POSES.is_dir():
        pytest.skip("../shared/data/poses is absent: real-data tests need the shared pose material")
    return SHARED_POSES


@pytest.fixture(scope="session")
def pose_data() -> Path:
    return shared_data()


@pytest.fixture(scope="session")
def pose_model() -> Path:
    try:
        return find_bundle()
    except ModelMissing as exc:
        pytest.skip(f"the pose model bundle is not built: {exc}")
