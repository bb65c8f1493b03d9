"""axe-core on every page a patient sees, in English and Japanese, as the real server serves it.

axe-core is served by the app itself (/static/vendor/axe.min.js). It runs with its default rules
plus "color-contrast-enhanced" (WCAG AAA, 7:1), which our pages aim for. A violation of impact
"serious" or "critical" fails the page.

One browser walks each language through the pages in order (sign-in, home, the live page
before starting and holding on the timer alone, the summary with the set just saved, the
history), auditing each; the tests then read the audits.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_harness import (
    Browser,
    Launcher,
    Server,
    Violations,
    Walks,
    low_contrast,
    report,
    run_axe,
    serious,
)

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: run make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LANGS = ["en", "ja"]
PAGES = [
    "login",
    "home",
    "checkin",
    "live",
    "live_timer",
    "summary",
    "history",
    "progress",
    "chair_camera",
    "chair_manual",
    "checkin_stop",
    "home_stopped",
    "stop_review",
]
Audit = Callable[[str, str], Violations]


def walk(b: Browser, lang: str, results: dict[str, Violations]) -> None:
    """Visit each page in a patient's order and audit it."""
    page = b.page
    b.goto(f"/{lang}/login/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    results["login"] = run_axe(b)

    b.sign_in(lang)
    results["home"] = run_axe(b)

    b.goto(f"/{lang}/check-in/")
    results["checkin"] = run_axe(b)
    b.goto(f"/{lang}/")

    # The page's clock is Playwright's from here on: it runs as usual until the walk moves it
    # forward to finish a set, so that the summary has its table of sets.
    page.clock.install()
    b.start_session()
    results["live"] = run_axe(b)

    # Timer only: the set-up countdown, then a hold with the breathing pacer.
    page.click("#live-start-timer")
    session = page.locator("#live-session")
    expect(session).to_have_attribute("data-mode", "timer")
    expect(page.locator("#live-notice")).to_be_visible()
    expect(page.locator("#live-in-position")).to_be_visible()
    page.click("#live-in-position")
    expect(session).to_have_attribute("data-phase", "hold", timeout=10_000)
    expect(page.locator("#live-pacer")).to_be_visible(timeout=10_000)
    results["live_timer"] = run_axe(b)

    # 30 s of ticks at once: the set is saved and the rest begins.
    page.clock.run_for(31_000)
    expect(session).to_have_attribute("data-phase", "rest", timeout=30_000)
    deadline = time.monotonic() + 30
    while not b.watch.messages("saved"):  # stored, so the summary will list it
        assert time.monotonic() < deadline, f"no set was saved\n{b.watch.describe()}"
        page.wait_for_timeout(200)
    page.click("#live-end")
    expect(page.locator("#live-end-dialog")).to_be_visible()
    page.click("#live-end-confirm")
    expect(page).to_have_url(re.compile(rf"/{lang}/sessions/\d+/$"), timeout=30_000)
    expect(page.locator("table.sets tbody tr")).to_have_count(1)
    results["summary"] = run_axe(b)

    b.goto(f"/{lang}/history/")
    expect(page.locator("main table.sessions")).to_be_visible()
    results["history"] = run_axe(b)

    b.goto(f"/{lang}/progress/")
    expect(page.locator("main h1")).to_be_visible()
    results["progress"] = run_axe(b)
    b.goto(f"/{lang}/progress/chair-stand/camera/")
    expect(page.locator("#stand-start")).to_be_visible()
    results["chair_camera"] = run_axe(b)
    b.goto(f"/{lang}/progress/chair-stand/")
    expect(page.locator("#id_used_hands")).to_be_visible()
    results["chair_manual"] = run_axe(b)

    # A red flag last (a cold leg: see the clinician, no stretch): the advice, then the home
    # page that holds until a clinician clears it, then the clinician's side, who clears it.
    b.goto(f"/{lang}/check-in/")
    page.check("#id_pain_now_3")
    page.check("#id_leg_coldness_1")
    page.click("form.checkin button[type=submit]")
    expect(page.locator(".alert")).to_be_visible()
    results["checkin_stop"] = run_axe(b)
    b.goto(f"/{lang}/")
    expect(page.locator("#stopped-heading")).to_be_visible()
    expect(page.locator("a[href*='check-in']")).to_have_count(0)
    results["home_stopped"] = run_axe(b)
    page.context.clear_cookies()
    b.sign_in(lang, username="demo-clinician")
    page.click("a[href*='/clinic/stops/']")
    expect(page.locator("#id_note")).to_be_visible()
    results["stop_review"] = run_axe(b)
    page.fill("#id_note", "Called: a cold foot for years, GP checked it.")
    page.check("input[name=decision][value=clear]")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/{lang}/clinic/patients/\d+/$"), timeout=30_000)
    page.context.clear_cookies()
    b.sign_in(lang)
    expect(page.locator("#stopped-heading")).to_have_count(0)
    b.watch.assert_local()


@pytest.fixture(scope="module")
def audit(playwright_api: Any, hipcoach_server: Server) -> Iterator[Audit]:
    """``audit(lang, page)``: axe's violations on that page, walking the language once."""
    launcher = Launcher(playwright_api, hipcoach_server.base)
    yield Walks(launcher, hipcoach_server, walk).audit
    launcher.close()


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_no_serious_violations(audit: Audit, lang: str, name: str) -> None:
    violations = serious(audit(lang, name))
    assert not violations, f"axe on {name} ({lang}):\n{report(violations)}"


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", LANGS)
def test_enhanced_contrast(audit: Audit, lang: str, name: str) -> None:
    """Text contrast of at least 7:1 (4.5:1 for large text), WCAG 2 AAA."""
    violations = low_contrast(audit(lang, name))
    assert not violations, f"axe on {name} ({lang}):\n{report(violations)}"
