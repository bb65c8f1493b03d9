"""The clinic side end to end in Chromium: booking by keyboard, prescribing, a video review.

A patient books a free time with the keyboard alone (Tab to move, Enter on links, Space on the
button), each stop showing its focus ring; a clinician then changes that patient's program and
finds the new version in force at the top of the history. Then the patient sends a few seconds
of the real Cornell clip and the review page's script follows the server's embedded queue
until the result is drawn. No request may leave the local server.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path

import pytest
from browser_harness import (
    Browser,
    OpenBrowser,
    low_contrast,
    make_mp4,
    report,
    run_axe,
    serious,
)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: run make install"
)
expect = sync_api.expect
PlaywrightError = sync_api.Error

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PATIENT = "demo-patient-mary"
CLINICIAN = "demo-clinician-2"
CLINICIAN_NAME = "Aiko Demo"
CLIP = Path("videos") / "cornell_kneeling_hip_flexor.mp4"
# From 4 s the woman kneels, moves her pelvis forward at about 7 s and holds to the end: nine
# seconds at 10 frames/s hold one left-side hold, and take the server several seconds.
CLIP_START_S, CLIP_SECONDS = 4, 9
MAX_TABS = 80

FOCUSED_MATCHES = "(selector) => document.activeElement?.matches(selector) ?? false"
FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
}"""


def tab_to(b: Browser, selector: str) -> None:
    """Press Tab until the focus is on ``selector``; it must show the focus ring there."""
    for _ in range(MAX_TABS):
        b.page.keyboard.press("Tab")
        if b.page.evaluate(FOCUSED_MATCHES, selector):
            assert b.page.evaluate(FOCUS_RING), f"no visible focus on {selector}"
            return
    pytest.fail(f"{MAX_TABS} presses of Tab never reached {selector} on {b.page.url}")


def book_by_keyboard(b: Browser) -> str:
    """From the appointments page to a booked time; returns the time as the page says it."""
    page = b.page
    b.goto("/en/booking/")
    tab_to(b, "main a[href$='/booking/new/']")
    page.keyboard.press("Enter")
    expect(page.locator("#slots-heading")).to_be_visible()
    if page.locator("ul.slots a").count() == 0:  # none left today: go to the next free time
        tab_to(b, "#slots-heading ~ p a.primary")
        page.keyboard.press("Enter")
        expect(page.locator("ul.slots a").first).to_be_visible()
    tab_to(b, "ul.slots a")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/en/booking/new/confirm/\?"))
    when = str(page.locator("#when-heading").inner_text()).strip()
    tab_to(b, "main form textarea")
    page.keyboard.type("Booked with the keyboard.")
    tab_to(b, "main form button[type=submit]")
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/en/booking/\d+/$"))
    expect(page.locator("h1")).to_have_text("Your appointment is booked")
    expect(page.locator("#when-heading")).to_have_text(when)
    return when


def test_booking_by_keyboard_then_a_new_program(open_browser: OpenBrowser) -> None:
    b = open_browser()
    page = b.page
    b.sign_in("en", PATIENT)
    when = book_by_keyboard(b)
    b.goto("/en/booking/")
    expect(page.locator("ul.appointments")).to_contain_text(when)

    page.context.clear_cookies()
    b.sign_in("en", CLINICIAN)
    page.locator("table.patients a", has_text="Mary").click()
    expect(page).to_have_url(re.compile(r"/en/clinic/patients/\d+/$"))
    versions = page.locator("table.program-history tbody tr")
    before = versions.count()
    page.locator("main a[href$='/program/']").click()
    old_hold = int(page.input_value("#id_hold_s"))
    new_hold = 45 if old_hold != 45 else 40
    page.fill("#id_hold_s", str(new_hold))
    page.fill("#id_notes", "Longer holds from today.")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/en/clinic/patients/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("The new program is in force from now.")
    expect(versions).to_have_count(before + 1)
    newest = versions.first
    expect(newest.locator(".badge")).to_have_text("in force")
    expect(newest).to_contain_text(f"Hold (seconds): {old_hold} → {new_hold}")
    expect(newest).to_contain_text(CLINICIAN_NAME)
    b.watch.assert_local()


@pytest.fixture(scope="module")
def short_clip(pose_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nine seconds of the Cornell hold as a small MP4: the review takes seconds, not a minute."""
    source = pose_data / CLIP
    if not source.is_file():
        pytest.skip(f"{source} is absent: the review test sends a piece of it")
    target = tmp_path_factory.mktemp("review") / "kneeling.mp4"
    try:
        extra = ("-ss", str(CLIP_START_S), "-t", str(CLIP_SECONDS))
        return make_mp4(source, target, "scale=480:270,fps=10", *extra)
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_video_review_follows_the_queue_to_the_result(
    open_browser: OpenBrowser, short_clip: Path
) -> None:
    b = open_browser()
    page = b.page
    b.sign_in("en", PATIENT)
    b.goto("/en/reviews/new/")
    page.set_input_files("#id_video", str(short_clip))
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/en/reviews/\d+/$"))
    review_url = page.url
    bar = page.locator("#review-progress")
    # Still analysing when the page first shows: its script polls the status and moves the
    # bar, then reloads the page once the result is in.
    expect(bar).to_be_visible()
    audits = {"running": run_axe(b)}
    seen: list[str | None] = []
    deadline = time.monotonic() + 120
    while not page.locator("dl.totals").count():
        assert time.monotonic() < deadline, f"no result after 120 s; the bar showed {seen}"
        with contextlib.suppress(PlaywrightError):  # the page is reloading with the result
            seen.append(bar.get_attribute("value", timeout=1_000))
        page.wait_for_timeout(300)
    polls = [url for url in b.watch.requests if re.search(r"/reviews/\d+/status/$", url)]
    assert polls, "the page never asked for the status"
    expect(page).to_have_url(review_url)
    totals = page.locator("dl.totals")
    expect(totals).to_contain_text("Holds found")
    expect(totals.locator("div", has_text="Holds found").locator("dd")).to_have_text("1")
    expect(page.locator("main .timeline-strip")).to_be_visible()
    expect(page.locator("main a[href$='/annotated.mp4']")).to_be_visible()
    audits["done"] = run_axe(b)
    print(f"progress values the page showed: {seen}")
    for state, violations in audits.items():
        failing = serious(violations) + low_contrast(violations)
        assert not failing, f"axe on the review page, {state}:\n{report(failing)}"
    b.watch.assert_local()
