"""A clinic group that outgrows one machine: PostgreSQL and Redis, by environment alone.

The same code and the same test suite, with only DATABASE_URL and REDIS_URL set: a throwaway
PostgreSQL cluster and Redis server are started, the settings are shown to pick them up (the
channel layer really round-trips a message through Redis), and every domain test that touches
the database runs against PostgreSQL in a subprocess. Skips with the reason where PostgreSQL
or redis-server is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from servers.postgres import postgres_server
from servers.redis import redis_server

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# Every folder whose tests use the database (tests/cli and tests/engine never do).
SUITES = (
    "tests/web",
    "tests/clinics",
    "tests/booking",
    "tests/checkin",
    "tests/progress",
    "tests/reports",
    "tests/reviews",
    "tests/learn",
)
MARKS = "not slow and not browser and not real_data and not pose_model"
TAIL_LINES = 120

# Run with the suite's settings in the same environment: what they chose, and that Redis
# carries a message from one channel to another.
SETTINGS_CHECK = textwrap.dedent(
    """
    import django
    django.setup()
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer
    from django.db import connection

    connection.ensure_connection()
    layer = get_channel_layer()
    print("database:", connection.vendor)
    print("channel layer:", type(layer).__module__)
    async def round_trip():
        name = await layer.new_channel()
        await layer.send(name, {"type": "scale.check", "text": "hello"})
        return await layer.receive(name)
    print("received:", async_to_sync(round_trip)()["text"])
    """
)


def run(
    command: list[str], env: dict[str, str], timeout_s: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


def tail(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stdout + result.stderr).splitlines()
    return "\n".join(lines[-TAIL_LINES:])


def test_the_domain_tests_pass_on_postgresql_with_redis() -> None:
    with postgres_server() as database_url, redis_server() as redis_url:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
        }
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            DJANGO_SETTINGS_MODULE="hipcoach.test_settings",
        )
        checked = run([sys.executable, "-c", SETTINGS_CHECK], env, 60)
        assert checked.returncode == 0, tail(checked)
        assert checked.stdout.splitlines() == [
            "database: postgresql",
            "channel layer: channels_redis.core",
            "received: hello",
        ], tail(checked)

        suite = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", MARKS]
        result = run([*suite, *SUITES], env, 600)
        assert result.returncode == 0, f"the suite failed on PostgreSQL:\n{tail(result)}"
        assert " passed" in result.stdout, tail(result)
