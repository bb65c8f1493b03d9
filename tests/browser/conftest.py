"""The real thing: the production server in a subprocess, driven by headless Chromium.

The server is started the way ``make run`` starts it (migrate, collectstatic, seed_demo, uvicorn)
with DEBUG off, so the pages use the hashed, compressed static files users get, against a
throwaway ``HIPCOACH_VAR``. The browser is Debian's ``chromium`` with a fake camera fed from the
real Cornell half-kneeling clip (converted to y4m with ffmpeg; Chromium loops it).

Everything here skips with the reason when Chromium, ffmpeg, the vendored pose library
(``make static``) or the shared videos are missing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The harness beside this file, importable under pytest's importlib mode (as in tests/engine).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from browser_harness import (  # noqa: E402
    REPO,
    Launcher,
    OpenBrowser,
    Server,
    make_y4m,
    missing_prerequisite,
)

CLIP = Path("videos") / "cornell_kneeling_hip_flexor.mp4"
# The hold in the clip: the person is in position from about 6 s to the end (19.4 s).
CLIP_START_S = 6.0
CLIP_SECONDS = 13.4

SERVER_START_TIMEOUT_S = 120
SERVER_STOP_TIMEOUT_S = 15


MISSING = missing_prerequisite()


@pytest.fixture(autouse=True)
def _browser_prerequisites() -> None:
    """Skip every test in this folder, with the reason, when what it drives is not there."""
    if MISSING:
        pytest.skip(MISSING)


# -- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_env(var: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Production settings, whatever the test run (pytest-django sets the test settings).
    for name in (
        "HIPCOACH_DEBUG",
        "HIPCOACH_HTTPS",
        "HIPCOACH_SECRET_KEY",
        "HIPCOACH_CSRF_TRUSTED_ORIGINS",
        "DATABASE_URL",
        "REDIS_URL",
    ):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="hipcoach.settings",
        HIPCOACH_VAR=str(var),
        HIPCOACH_ALLOWED_HOSTS="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.2)
    pytest.fail(f"the server did not listen on {port} in {SERVER_START_TIMEOUT_S} s:\n{_tail(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(SERVER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def hipcoach_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app as ``make run`` serves it, with DEBUG off, on a free port."""
    if MISSING:
        pytest.skip(MISSING)
    root = tmp_path_factory.mktemp("hipcoach-server")
    var = root / "var"
    var.mkdir()
    env = _server_env(var)
    log = root / "server.log"
    manage = [sys.executable, str(REPO / "manage.py")]
    for step in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput", "-v0"],
        ["seed_demo"],
    ):
        done = subprocess.run(
            [*manage, *step], cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            pytest.fail(f"manage.py {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}")
    port = _free_port()
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
                "--ws",
                "websockets-sansio",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_port(port, proc, log)
        yield Server(f"http://127.0.0.1:{port}", log)
    finally:
        _stop(proc)


@pytest.fixture
def app_server(hipcoach_server: Server) -> Iterator[str]:
    """The server's base URL; the test fails if the server logged an exception meanwhile."""
    offset = hipcoach_server.log_size()
    yield hipcoach_server.base
    errors = hipcoach_server.errors_since(offset)
    if errors:
        pytest.fail(f"the server logged an error during the test:\n{errors}")


# -- the fake camera -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_camera(pose_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hold of the Cornell clip as y4m (640x360, 15 frames/s, about 70 MB)."""
    if MISSING:
        pytest.skip(MISSING)
    source = pose_data / CLIP
    if not source.is_file():
        pytest.skip(f"{source} is absent: the live-camera tests feed it to the fake camera")
    target = tmp_path_factory.mktemp("camera") / "kneeling.y4m"
    try:
        extra = ("-ss", str(CLIP_START_S), "-t", str(CLIP_SECONDS))
        return make_y4m(source, target, "scale=640:360,fps=15", *extra)
    except RuntimeError as exc:
        pytest.fail(str(exc))


# -- the browser -----------------------------------------------------------------------------


# Per module, not per session: Playwright's event loop must be gone before the rest of the test
# run, whose Django tests refuse to touch the database while an event loop runs.
@pytest.fixture(scope="module")
def playwright_api() -> Iterator[Any]:
    if MISSING:
        pytest.skip(MISSING)
    from playwright.sync_api import expect, sync_playwright  # noqa: PLC0415

    # A loaded 2-core machine is slow: wait longer than Playwright's 5 s before failing.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        yield p


@pytest.fixture
def open_browser(playwright_api: Any, app_server: str) -> Iterator[OpenBrowser]:
    """``open_browser(camera=None, deny_camera=False)``: see ``Launcher.open``."""
    launcher = Launcher(playwright_api, app_server)
    yield launcher.open
    launcher.close()
