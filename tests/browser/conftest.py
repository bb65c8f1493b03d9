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
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
VISION_BUNDLE = REPO / "src" / "hipcoach" / "static" / "vendor" / "vision_bundle.mjs"
CLIP = Path("videos") / "cornell_kneeling_hip_flexor.mp4"
# The hold in the clip: the person is in position from about 6 s to the end (19.4 s).
CLIP_START_S = 6.0
CLIP_SECONDS = 13.4

DEMO_PATIENT = ("demo-patient", "hipcoach-demo")
TELEMETRY_HOST = "odml.pa.googleapis.com"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Timers and video frames keep their pace in a headless tab that never has focus.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
    "--autoplay-policy=no-user-gesture-required",
]

SERVER_START_TIMEOUT_S = 120
SERVER_STOP_TIMEOUT_S = 15


def _missing_prerequisite() -> str | None:
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} is missing: browser tests need Debian's chromium (apt install chromium)"
    if shutil.which("ffmpeg") is None:
        return "ffmpeg is missing: browser tests make the fake camera with it (apt install ffmpeg)"
    if not VISION_BUNDLE.is_file():
        return f"{VISION_BUNDLE.relative_to(REPO)} is absent: run make static"
    try:
        import playwright.sync_api  # noqa: F401, PLC0415
    except ImportError:
        return "playwright is not installed: run make install"
    return None


MISSING = _missing_prerequisite()


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
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as ``make run`` serves it, with DEBUG off; yields its base URL."""
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
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
        errors = [
            line
            for line in _tail(log, 400).splitlines()
            if "Traceback" in line or " 500 " in line or "ERROR" in line
        ]
        if errors:
            print("server log had errors:\n" + _tail(log, 80), file=sys.stderr)


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
    done = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-ss",
            str(CLIP_START_S),
            "-t",
            str(CLIP_SECONDS),
            "-i",
            str(source),
            "-an",
            "-vf",
            "scale=640:360,fps=15",
            "-pix_fmt",
            "yuv420p",
            "-f",
            "yuv4mpegpipe",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not target.is_file():
        pytest.fail(f"ffmpeg could not make the fake camera:\n{done.stderr}")
    return target


# -- the browser -----------------------------------------------------------------------------


@dataclass
class Watch:
    """Everything a page did on the network and said on its console."""

    base: str
    requests: list[str] = field(default_factory=list)
    responses: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    sent_types: dict[str, int] = field(default_factory=dict)

    def local(self, url: str) -> bool:
        host = self.base.split("://", 1)[1]
        return url.startswith(("data:", "blob:", f"http://{host}/", f"ws://{host}/"))

    def outside(self) -> list[str]:
        return [url for url in self.requests if not self.local(url)]

    def assert_local(self) -> None:
        """No request left 127.0.0.1; anything tried elsewhere was refused by the CSP.

        The pose library posts telemetry to odml.pa.googleapis.com: if it tried, the console
        must show the Content-Security-Policy refusing it, and no response may have come back.
        """
        outside = self.outside()
        assert not outside, f"requests left 127.0.0.1: {outside}"
        answered = [url for url in self.responses if not self.local(url)]
        assert not answered, f"responses came from outside: {answered}"
        telemetry = [line for line in self.console if TELEMETRY_HOST in line]
        unblocked = [line for line in telemetry if "Content Security Policy" not in line]
        assert not unblocked, f"telemetry not refused by the CSP: {unblocked}"

    def telemetry_blocked(self) -> bool:
        """Whether the console shows the CSP refusing the pose library's telemetry."""
        return any(
            TELEMETRY_HOST in line and "Content Security Policy" in line for line in self.console
        )

    def messages(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("type") == kind]

    def states(self) -> list[dict[str, Any]]:
        return [m["state"] for m in self.received if isinstance(m.get("state"), dict)]

    def describe(self) -> str:
        kinds: dict[str, int] = {}
        for message in self.received:
            kinds[str(message.get("type"))] = kinds.get(str(message.get("type")), 0) + 1
        return json.dumps(
            {
                "received": kinds,
                "sent": self.sent_types,
                "last_state": (self.states() or [None])[-1],
                "errors": self.errors[-10:],
                "console": self.console[-25:],
                "failed": self.failed[-10:],
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        )


def _watch(page: Any, base: str) -> Watch:
    watch = Watch(base)
    context = page.context
    # The context sees requests from workers too, not only the page's.
    context.on("request", lambda r: watch.requests.append(r.url))
    context.on("response", lambda r: watch.responses.append(r.url))
    context.on("requestfailed", lambda r: watch.failed.append((r.url, str(r.failure))))
    page.on("console", lambda m: watch.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: watch.errors.append(str(e)))

    def on_frame_received(payload: str | bytes) -> None:
        if isinstance(payload, str):
            with contextlib.suppress(ValueError):
                message = json.loads(payload)
                if isinstance(message, dict):
                    watch.received.append(message)

    def on_frame_sent(payload: str | bytes) -> None:
        if isinstance(payload, str):
            match = re.match(r'\{"type":\s*"(\w+)"', payload)
            kind = match.group(1) if match else "?"
            watch.sent_types[kind] = watch.sent_types.get(kind, 0) + 1

    def on_websocket(ws: Any) -> None:
        watch.requests.append(ws.url)
        ws.on("framereceived", on_frame_received)
        ws.on("framesent", on_frame_sent)

    page.on("websocket", on_websocket)
    return watch


@dataclass
class Browser:
    page: Any
    watch: Watch
    base: str

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def sign_in(self, lang: str = "en") -> None:
        """Through the real login form, as the demo patient."""
        from playwright.sync_api import expect  # noqa: PLC0415

        self.goto(f"/{lang}/login/")
        username, password = DEMO_PATIENT
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main form button[type=submit]")
        expect(self.page).to_have_url(re.compile(rf"/{lang}/$"), timeout=30_000)

    def start_session(self) -> None:
        """Press "Start today's session" on the home page; lands on the live page."""
        from playwright.sync_api import expect  # noqa: PLC0415

        self.page.click("form[action*='sessions/start'] button[type=submit]")
        expect(self.page).to_have_url(re.compile(r"/sessions/\d+/live/$"), timeout=30_000)
        # The socket is open and the server's hello has been drawn.
        expect(self.page.locator("#live-set-line")).to_have_text(re.compile(r"\S"))

    def text(self, selector: str) -> str:
        return str(self.page.locator(selector).text_content() or "").strip()


OpenBrowser = Callable[..., Browser]


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    if MISSING:
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        yield p


class Launcher:
    """Opens Chromium with a fresh profile each time, and closes them all at the end."""

    def __init__(self, playwright: Any, base: str) -> None:
        self.playwright = playwright
        self.base = base
        self.contexts: list[Any] = []
        self.profiles: list[str] = []

    def open(self, camera: Path | None = None, *, deny_camera: bool = False) -> Browser:
        """``camera``: a y4m file the fake camera plays (looping), or None for no camera.

        ``deny_camera``: a camera exists, but its permission is refused, as a person pressing
        "Block" would.
        """
        args = list(CHROMIUM_ARGS)
        if camera is not None:
            args += [
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={camera}",
            ]
        elif deny_camera:
            args.append("--use-fake-device-for-media-stream")  # no fake UI to accept it
        profile = tempfile.mkdtemp(prefix="hipcoach-chromium-")
        self.profiles.append(profile)
        context = self.playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=args,
            viewport={"width": 1280, "height": 900},
            locale="en-US",
        )
        self.contexts.append(context)
        context.set_default_timeout(30_000)
        if deny_camera:
            assert context.browser is not None
            cdp = context.browser.new_browser_cdp_session()
            cdp.send(
                "Browser.setPermission",
                {"permission": {"name": "camera"}, "setting": "denied", "origin": self.base},
            )
        page = context.pages[0] if context.pages else context.new_page()
        return Browser(page, _watch(page, self.base), self.base)

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.close()
        for profile in self.profiles:
            shutil.rmtree(profile, ignore_errors=True)
        self.contexts.clear()
        self.profiles.clear()


@pytest.fixture
def open_browser(playwright_api: Any, app_server: str) -> Iterator[OpenBrowser]:
    """``open_browser(camera=None, deny_camera=False)``: see ``Launcher.open``."""
    launcher = Launcher(playwright_api, app_server)
    yield launcher.open
    launcher.close()
