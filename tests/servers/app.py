"""The app itself as a real server: ``manage.py`` steps, then uvicorn, as ``make run`` does.

The browser tests serve it with the production settings (hashed, compressed static files);
the booking race with several worker processes, because within one process Django runs sync
views one at a time and only separate processes, each with its own database connection, race
for real.

Every process started with ``server_env`` (the ``manage.py`` steps, uvicorn and its workers)
runs on the tests' clock, not the machine's: see ``servers.clock``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from servers import free_port, wait_for_port
from servers.clock import child_clock_env

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 20
# Variables of the surrounding run that must not leak into the server's settings.
CLEARED = (
    "HIPCOACH_DEBUG",
    "HIPCOACH_HTTPS",
    "HIPCOACH_SECRET_KEY",
    "HIPCOACH_CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
)


@dataclass
class AppServer:
    """Where the app answers, its log, and the environment it runs in."""

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

    def log_size(self) -> int:
        return self.log.stat().st_size

    def errors_since(self, offset: int) -> str:
        """The server's log since ``offset`` when it shows an exception or a 500, else ''."""
        with self.log.open("rb") as f:
            f.seek(offset)
            text = f.read().decode("utf-8", errors="replace")
        if "Traceback" in text or '" 500' in text:
            return text[-6000:]
        return ""


def server_env(
    var: Path, *, settings_module: str = "hipcoach.settings", **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        HIPCOACH_VAR=str(var),
        HIPCOACH_ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
        **child_clock_env(),
        **extra,
    )
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
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@contextlib.contextmanager
def app_server(
    env: dict[str, str],
    log: Path,
    *,
    prepare: Sequence[Sequence[str]] = (("migrate", "--noinput", "-v0"),),
    workers: int = 1,
    uvicorn_args: Sequence[str] = (),
) -> Iterator[AppServer]:
    """Run each ``prepare`` step, then serve on a free port until the block ends."""
    for step in prepare:
        manage(env, *step)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "hipcoach.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *(["--workers", str(workers)] if workers > 1 else []),
        *uvicorn_args,
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        try:
            wait_for_port(port, START_TIMEOUT_S, alive=lambda: proc.poll() is None)
        except (RuntimeError, TimeoutError) as exc:
            raise RuntimeError(f"{exc}:\n{_tail(log)}") from None
        yield AppServer(f"http://127.0.0.1:{port}", log, env)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
