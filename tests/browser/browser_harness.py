"""The browser side of the browser tests: Chromium with a fresh profile, and what a page did.

Playwright is imported lazily, so that conftest.py can import this module and skip the tests
with the reason when Playwright, Chromium, ffmpeg or the vendored pose library is missing.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from servers.app import REPO
from servers.app import AppServer as Server  # the app in its subprocess: where, and its log

__all__ = ["REPO", "Server"]
CHROMIUM = Path("/usr/bin/chromium")
VISION_BUNDLE = REPO / "src" / "hipcoach" / "static" / "vendor" / "vision_bundle.mjs"

DEMO_PASSWORD = "hipcoach-demo"
DEMO_PATIENT = ("demo-patient", DEMO_PASSWORD)
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


def missing_prerequisite() -> str | None:
    """Why the browser tests cannot run here, or None."""
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


def watch_page(page: Any, base: str) -> Watch:
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

    def sign_in(self, lang: str = "en", username: str = DEMO_PATIENT[0]) -> None:
        """Through the real login form, as a demo user (the demo patient unless told)."""
        from playwright.sync_api import expect  # noqa: PLC0415

        self.goto(f"/{lang}/login/")
        password = DEMO_PASSWORD
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("main form button[type=submit]")
        expect(self.page).to_have_url(re.compile(rf"/{lang}/$"), timeout=30_000)

    def start_session(self) -> None:
        """Press "Start today's session", pass the check-in (pain 2, nothing else), start."""
        from playwright.sync_api import expect  # noqa: PLC0415

        self.page.click("a[href*='check-in']")
        expect(self.page).to_have_url(re.compile(r"/check-in/$"), timeout=30_000)
        self.page.check("#id_pain_now_2")
        self.page.click("form.checkin button[type=submit]")
        expect(self.page).to_have_url(re.compile(r"/check-in/\d+/$"), timeout=30_000)
        self.page.click("form[action*='sessions/start'] button[type=submit]")
        expect(self.page).to_have_url(re.compile(r"/sessions/\d+/live/$"), timeout=30_000)
        # The socket is open and the server's hello has been drawn.
        expect(self.page.locator("#live-set-line")).to_have_text(re.compile(r"\S"))

    def text(self, selector: str) -> str:
        return str(self.page.locator(selector).text_content() or "").strip()


OpenBrowser = Callable[..., Browser]


# -- axe-core --------------------------------------------------------------------------------

# A violation of these impacts fails a page; "color-contrast-enhanced" (WCAG AAA, 7:1) is on.
SERIOUS = {"serious", "critical"}
ENHANCED_CONTRAST = "color-contrast-enhanced"

AXE_RUN = """async () => {
  const result = await axe.run(document, {
    rules: {'color-contrast-enhanced': {enabled: true}},
    resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(' '),
      impact: n.impact,
      html: n.html.slice(0, 200),
      summary: n.failureSummary,
    })),
  }));
}"""

Violations = list[dict[str, Any]]


def run_axe(b: Browser) -> Violations:
    """axe-core, as the app serves it (/static/vendor/axe.min.js), on the page as it is now."""
    b.page.add_script_tag(url="/static/vendor/axe.min.js")
    violations: Violations = b.page.evaluate(AXE_RUN)
    return violations


def serious(violations: Violations) -> Violations:
    """The serious and critical violations other than enhanced contrast."""
    return [v for v in violations if v["id"] != ENHANCED_CONTRAST and v["impact"] in SERIOUS]


def low_contrast(violations: Violations) -> Violations:
    return [v for v in violations if v["id"] == ENHANCED_CONTRAST]


def report(violations: Violations) -> str:
    return json.dumps(
        [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [f"{n['target']}: {n['summary']}" for n in v["nodes"][:8]],
            }
            for v in violations
        ],
        ensure_ascii=False,
        indent=1,
    )


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
        return Browser(page, watch_page(page, self.base), self.base)

    def close(self) -> None:
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.close()
        for profile in self.profiles:
            shutil.rmtree(profile, ignore_errors=True)
        self.contexts.clear()
        self.profiles.clear()


def make_y4m(source: Path, target: Path, video_filter: str, *extra: str) -> Path:
    """A clip as y4m for Chromium's fake camera (which loops it); ``extra`` ffmpeg input args."""
    return _ffmpeg(source, target, video_filter, extra, ("-f", "yuv4mpegpipe"))


def make_mp4(source: Path, target: Path, video_filter: str, *extra: str) -> Path:
    """A clip as a small H.264 MP4, as a phone would send it; ``extra`` ffmpeg input args."""
    return _ffmpeg(source, target, video_filter, extra, ("-c:v", "libx264", "-preset", "ultrafast"))


def _ffmpeg(
    source: Path, target: Path, video_filter: str, before: tuple[str, ...], after: tuple[str, ...]
) -> Path:
    import subprocess  # noqa: PLC0415

    done = subprocess.run(
        [
            *("ffmpeg", "-nostdin", "-v", "error", *before, "-i", str(source), "-an"),
            *("-vf", video_filter, "-pix_fmt", "yuv420p", *after, str(target)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not target.is_file():
        raise RuntimeError(f"ffmpeg could not convert {source.name}:\n{done.stderr}")
    return target


Walk = Callable[[Browser, str, dict[str, Violations]], None]


class Walks:
    """Each language walked once, by ``walk(browser, lang, results)``, auditing page by page.

    The tests then read the audits one page at a time: a walk that broke off, or a server that
    logged an error meanwhile, fails each page not reached with the reason.
    """

    def __init__(self, launcher: Launcher, server: Server, walk: Walk) -> None:
        self.launcher = launcher
        self.server = server
        self.walk = walk
        self.walked: dict[str, tuple[dict[str, Violations], str]] = {}

    def audit(self, lang: str, name: str) -> Violations:
        import pytest  # noqa: PLC0415

        if lang not in self.walked:
            results: dict[str, Violations] = {}
            error = ""
            offset = self.server.log_size()
            b = self.launcher.open()
            try:
                self.walk(b, lang, results)
            except Exception:
                error = traceback.format_exc(limit=6) + "\n" + b.watch.describe()
            server_errors = self.server.errors_since(offset)
            if server_errors:
                results, error = {}, f"the server logged an error:\n{server_errors}"
            self.walked[lang] = (results, error)
        results, error = self.walked[lang]
        if name not in results:
            pytest.fail(f"could not reach the {name} page in {lang}:\n{error}")
        return results[name]
