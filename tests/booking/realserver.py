"""The app served as ``make run`` does (migrate, then uvicorn with workers), for races.

Several worker processes, because within one process Django runs sync views one at a time:
only separate processes, each with its own database connection, race for real.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from servers import free_port, wait_for_port  # noqa: E402

START_TIMEOUT_S = 90


@dataclass
class Running:
    base: str
    log: Path
    env: dict[str, str]

    def manage(self, *args: str, stdin: str | None = None) -> str:
        return manage(self.env, *args, stdin=stdin)

    def shell(self, code: str) -> Any:
        """Run ``code`` in the app's Django shell; it must print one JSON value last."""
        out = self.manage("shell", "--no-imports", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def server_env(var: Path, database_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("HIPCOACH_DEBUG", "HIPCOACH_HTTPS", "DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    env.update(
        # The real settings minus the static manifest: collecting and compressing the 40 MB
        # of pose-model files takes minutes and has nothing to do with booking.
        DJANGO_SETTINGS_MODULE="hipcoach.test_settings",
        HIPCOACH_VAR=str(var),
        HIPCOACH_ALLOWED_HOSTS="127.0.0.1",
        HIPCOACH_SECRET_KEY="race-test-only",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def app_server(var: Path, database_url: str | None, workers: int = 3) -> Iterator[Running]:
    env = server_env(var, database_url)
    manage(env, "migrate", "--noinput", "-v0")
    port = free_port()
    log = var / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "hipcoach.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--no-access-log",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, START_TIMEOUT_S, alive=lambda: proc.poll() is None)
        yield Running(f"http://127.0.0.1:{port}", log, env)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
