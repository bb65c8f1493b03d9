"""The chair-stand test in real Chromium, the fake camera fed from the real 5-stand clip.

The clip starts seated; its first frame is held for six seconds (as a person sits waiting), so
every loop of the fake camera gives the counter a still, seated person to say "Go" to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_harness import OpenBrowser, low_contrast, make_y4m, report, run_axe, serious
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_data]


@pytest.fixture(scope="module")
def chair_camera(pose_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = pose_data / "videos/frailtyvision_chair_stand_5x.mp4"
    if not source.is_file():
        pytest.skip(f"{source} is absent: the chair-stand camera test feeds it to the camera")
    target = tmp_path_factory.mktemp("chair") / "chair.y4m"
    try:
        return make_y4m(
            source, target, "tpad=start_duration=6:start_mode=clone,scale=360:640,fps=15"
        )
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_the_camera_counts_stands_in_the_browser(
    open_browser: OpenBrowser, chair_camera: Path
) -> None:
    b = open_browser(chair_camera)
    page = b.page
    b.sign_in("en")
    # Today's check-in first (pain 2, nothing else), then the test.
    b.goto("/en/check-in/?for=chair_stand")
    page.check("#id_pain_now_2")
    page.click("form.checkin button[type=submit]")
    expect(page).to_have_url(re.compile(r"/check-in/\d+/"), timeout=30_000)
    b.goto("/en/progress/chair-stand/camera/")
    page.click("#stand-start")
    expect(page.locator("#stand-waiting")).to_be_visible()
    # The engine says "Ready", 3, 2, 1, "Go" once it sees him sitting still...
    expect(page.locator("#stand-countdown")).to_have_text("Go!", timeout=90_000)
    expect(page.locator("#stand-waiting")).to_be_hidden()
    # ...then the looping clip shows five stands every ~16 s: the count must climb past two.
    expect(page.locator("#stand-count")).to_have_text(
        re.compile(r"^([2-9]|\d{2,})$"), timeout=60_000
    )
    page.click("#stand-finish")
    expect(page.locator("#stand-result")).to_be_visible(timeout=30_000)
    assert int(b.text("#stand-result-count")) >= 2  # the score: arms crossed, so all count
    expect(page.locator("#stand-hands")).to_be_hidden()
    b.watch.assert_local()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_both_chair_stand_pages_pass_axe(open_browser: OpenBrowser, lang: str) -> None:
    b = open_browser()
    page = b.page
    b.sign_in(lang)
    b.goto(f"/{lang}/check-in/?for=chair_stand")
    page.check("#id_pain_now_2")
    page.click("form.checkin button[type=submit]")
    expect(page).to_have_url(re.compile(r"/check-in/\d+/"), timeout=30_000)
    for path, ready in (
        ("chair-stand/", "#id_used_hands"),
        ("chair-stand/camera/", "#stand-start"),
    ):
        b.goto(f"/{lang}/progress/{path}")
        expect(page.locator(ready)).to_be_visible()
        violations = run_axe(b)
        found = serious(violations) + low_contrast(violations)
        assert not found, f"axe on {path} ({lang}):\n{report(found)}"
