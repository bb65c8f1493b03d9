"""A throwaway PostgreSQL cluster for tests: Debian's initdb and postgres, on a free port.

Trust authentication on 127.0.0.1 only, fsync off: it lives for one test session and holds
nothing of value. initdb refuses to run as root, so as root the cluster runs as the
``postgres`` OS user (runuser) in a directory handed to it. Skips with the reason when
PostgreSQL is not installed (.ci/run installs it).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import free_port, wait_for_port

START_TIMEOUT_S = 60


def postgres_bin() -> Path | None:
    """The newest installed server's bin directory, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: p.split("/")[4])
    return Path(found[-1]).parent if found else None


def missing() -> str | None:
    """Why a cluster cannot start here, or None."""
    if postgres_bin() is None:
        return "PostgreSQL is not installed (apt install postgresql): no initdb under /usr/lib"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root needs runuser to start PostgreSQL as another user"
    if os.geteuid() == 0:
        try:
            import pwd  # noqa: PLC0415

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root needs the postgres OS user (made by Debian's package)"
    try:
        import psycopg  # noqa: F401, PLC0415
    except ImportError:
        return "psycopg is not installed (pip install 'hipcoach[scale]')"
    return None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _wait_until_accepting(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import psycopg  # noqa: PLC0415

    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited with {proc.returncode}:\n{log.read_text()}")
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A running cluster; yields its DATABASE_URL. Stops it and deletes it afterwards."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    bindir = postgres_bin()
    assert bindir is not None
    # Not under pytest's tmp_path: its parents are private to root, closed to the postgres user.
    root = Path(tempfile.mkdtemp(prefix="hipcoach-pg-"))
    data = root / "data"
    log = root / "postgres.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    proc: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        port = free_port()
        with log.open("wb") as out:
            proc = subprocess.Popen(
                _as_owner(
                    [
                        str(bindir / "postgres"),
                        "-D",
                        str(data),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "-k",
                        str(root),
                        "-c",
                        "fsync=off",
                        "-c",
                        "synchronous_commit=off",
                        "-c",
                        "full_page_writes=off",
                        "-c",
                        "max_connections=200",
                    ]
                ),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(port, START_TIMEOUT_S, alive=lambda: proc is not None and proc.poll() is None)
        url = f"postgres://postgres@127.0.0.1:{port}/postgres"
        _wait_until_accepting(url, proc, log)
        yield url
    finally:
        if proc is not None and proc.poll() is None:
            # SIGINT is PostgreSQL's fast shutdown; the group holds runuser and postgres.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(root, ignore_errors=True)
