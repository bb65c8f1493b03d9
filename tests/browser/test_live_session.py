"""A live session in headless Chromium against the real server.

The fake camera plays the hold of a real half-kneeling video (see conftest.py); the browser
runs the pose model, the server judges the landmarks, and the page shows what it says.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import Browser, OpenBrowser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Japanese: hiragana, katakana or kanji.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
GOOD_FORM = re.compile(r"(\d+)\D+(\d+)")


def wait_until(b: Browser, condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Poll a condition on the Python side (e.g. socket messages) while the page runs."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}\n{b.watch.describe()}")
        b.page.wait_for_timeout(250)


def good_form_seconds(b: Browser) -> int:
    """The whole seconds of good form the page shows under the ring ("Good-form time: 12 of 30")."""
    match = GOOD_FORM.search(b.text("#live-ring-detail"))
    return int(match.group(1)) if match else -1


def end_session(b: Browser) -> None:
    """End through the End button and its confirmation dialog; lands on the summary."""
    page = b.page
    page.click("#live-end")
    expect(page.locator("#live-end-dialog")).to_be_visible()
    page.click("#live-end-confirm")
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"), timeout=30_000)


def test_live_session_with_camera(open_browser: OpenBrowser, fake_camera: Path) -> None:
    b = open_browser(fake_camera)
    page = b.page
    b.sign_in("en")
    b.start_session()
    started = time.monotonic()
    page.click("#live-start")
    session = page.locator("#live-session")
    expect(session).to_be_visible()
    expect(session).to_have_attribute("data-mode", "camera")

    # The server recognises the position and the hold starts...
    expect(session).to_have_attribute("data-phase", "hold", timeout=60_000)
    assert any(s.get("in_position") for s in b.watch.states()), b.watch.describe()
    expect(page.locator("#live-phase")).to_have_text("Hold the stretch")
    # ...and good-form time counts up, with the ring saying so.
    first = good_form_seconds(b)
    wait_until(b, lambda: good_form_seconds(b) >= max(first, 0) + 2, 30, "good-form time to rise")
    expect(page.locator("#live-ring")).to_have_attribute("data-counting", "true")
    expect(page.locator("#live-ring-note")).to_have_text("Counting: good form.")
    assert b.watch.messages("error") == []

    # The clip loops, so a whole 30 s hold is possible: wait for it while time allows.
    budget_s = 75
    left = budget_s - (time.monotonic() - started)
    if left > 0:
        deadline = time.monotonic() + left
        while not b.watch.messages("saved") and time.monotonic() < deadline:
            page.wait_for_timeout(250)
    saved = b.watch.messages("saved")
    print(f"to hold and saved: {time.monotonic() - started:.1f} s, saved={bool(saved)}")

    end_session(b)
    expect(page.locator("h1")).to_have_text("Session summary")
    if saved:
        stored = saved[0]["set"]
        rows = page.locator("table.sets tbody tr")
        expect(rows).to_have_count(len(saved))
        expect(rows.first).to_contain_text(stored["side"].capitalize())
        seconds = round(stored["good_form_s"])
        expect(rows.first).to_contain_text(f"{seconds} of {stored['target_s']} s")
    else:
        expect(page.locator("main")).to_contain_text("No set was finished in this session.")
    b.watch.assert_local()
