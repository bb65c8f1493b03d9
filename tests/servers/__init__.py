"""Real servers for tests: PostgreSQL, Redis and the app itself, started and stopped by tests.

Each starter lives in its own module here and skips with the reason when its program is not
installed (.ci/run installs them from Debian). The two helpers below are what they share.
"""

from __future__ import annotations

import socket
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, timeout_s: float, *, alive: object = None) -> None:
    """Until something listens on 127.0.0.1:``port``; ``alive()`` False stops waiting early."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            raise RuntimeError(f"the server on port {port} exited while starting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on port {port} within {timeout_s:.0f} s")
