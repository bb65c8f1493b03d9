"""Several processes claim from one queue at once: every job is taken exactly once.

Real processes on a real SQLite file (the default database), as several server processes or
`run_review_worker`s would be; the conditional UPDATE (queued → running) decides.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servers.clock import child_clock_env

pytestmark = pytest.mark.slow
HELPER = Path(__file__).with_name("claim_race.py")
JOBS = 40
RACERS = 4


def test_racing_workers_claim_each_job_exactly_once(tmp_path: Path) -> None:
    env = {
        **os.environ,
        **child_clock_env(),  # the racers run on the tests' clock, as this process does
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "HIPCOACH_VAR": str(tmp_path),
    }
    setup = subprocess.run(
        [sys.executable, HELPER, "setup", str(JOBS)],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr.decode()
    go = tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, HELPER, "claim", str(go)], env=env, stdout=subprocess.PIPE
        )
        for _ in range(RACERS)
    ]
    # Every racer is connected and polling for the signal before it is given.
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < RACERS:
        assert time.monotonic() < deadline, "the racers did not start"
        assert all(r.poll() is None for r in racers), "a racer exited early"
        time.sleep(0.05)
    go.touch()
    claimed = []
    for racer in racers:
        out, _ = racer.communicate(timeout=120)
        assert racer.returncode == 0
        claimed.append(json.loads(out))
    every = [pk for ids in claimed for pk in ids]
    assert sorted(every) == sorted(set(every)), "a job was claimed twice"
    assert len(every) == JOBS
    print("claimed per racer:", [len(ids) for ids in claimed])
