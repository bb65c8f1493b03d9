"""A real Redis server for tests, on a free port in a temporary folder, stopped afterwards.

It keeps nothing on disk (`--save "" --appendonly no`). Skips with the reason when Debian's
redis-server is not installed (.ci/run installs it).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from . import free_port, wait_for_port

START_TIMEOUT_S = 15.0


@contextmanager
def redis_server() -> Iterator[str]:
    """Yields the server's URL, ``redis://127.0.0.1:PORT/0``."""
    program = shutil.which("redis-server")
    if program is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hipcoach-redis-") as folder:
        process = subprocess.Popen(
            [
                program,
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--dir", folder,
                "--save", "",
                "--appendonly", "no",
                "--protected-mode", "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for_port(port, START_TIMEOUT_S, alive=lambda: process.poll() is None)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
