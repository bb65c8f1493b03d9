"""The real thing: the production server in a subprocess, driven by headless Chromium.

The server is started the way ``make run`` starts it (migrate, collectstatic, seed_demo, uvicorn)
with DEBUG off, so the pages use the hashed, compressed static files users get, against a
throwaway ``HIPCOACH_VAR``. The browser is Debian's ``chromium`` with a fake camera fed from the
real Cornell half-kneeling clip (converted to y4m with ffmpeg; Chromium loops it).

Everything here skips with the reason when Chromium, ffmpeg, the vendored pose library
(``make static``) or the shared videos are missing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The harness beside this file, importable under pytest's importlib mode (as in tests/engine).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from browser_harness import (  # noqa: E402
    Launcher,
    OpenBrowser,
    Server,
    make_y4m,
    missing_prerequisite,
)

from servers import app as served  # noqa: E402

CLIP = Path("videos") / "cornell_kneeling_hip_flexor.mp4"
# The hold in the clip: the person is in position from about 6 s to the end (19.4 s).
CLIP_START_S = 6.0
CLIP_SECONDS = 13.4

# The socket implementation `make run` serves with.
WS = ("--ws", "websockets-sansio")


MISSING = missing_prerequisite()


@pytest.fixture(autouse=True)
def _browser_prerequisites() -> None:
    """Skip every test in this folder, with the reason, when what it drives is not there."""
    if MISSING:
        pytest.skip(MISSING)


# -- the server ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def hipcoach_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app as ``make run`` serves it, with DEBUG off, on a free port."""
    if MISSING:
        pytest.skip(MISSING)
    root = tmp_path_factory.mktemp("hipcoach-server")
    var = root / "var"
    var.mkdir()
    prepare = (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"], ["seed_demo"])
    try:
        with served.app_server(
            served.server_env(var), root / "server.log", prepare=prepare, uvicorn_args=WS
        ) as server:
            yield server
    except RuntimeError as exc:
        pytest.fail(str(exc))


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
