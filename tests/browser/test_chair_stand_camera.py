"""The chair-stand test in real Chromium, the fake camera fed from the real 5-stand clip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_harness import OpenBrowser, make_y4m
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_data]


@pytest.fixture(scope="module")
def chair_camera(pose_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = pose_data / "videos/frailtyvision_chair_stand_5x.mp4"
    if not source.is_file():
        pytest.skip(f"{source} is absent: the chair-stand camera test feeds it to the camera")
    target = tmp_path_factory.mktemp("chair") / "chair.y4m"
    try:
        return make_y4m(source, target, "scale=360:640,fps=15")
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_the_camera_counts_stands_in_the_browser(
    open_browser: OpenBrowser, chair_camera: Path
) -> None:
    b = open_browser(chair_camera)
    page = b.page
    b.sign_in("en")
    b.goto("/en/progress/chair-stand/camera/")
    page.click("#stand-start")
    # The looping clip shows five stands every ~10 s: the count must climb past two.
    expect(page.locator("#stand-count")).not_to_have_text("0", timeout=60_000)
    expect(page.locator("#stand-count")).to_have_text(
        re.compile(r"^([2-9]|\d{2,})$"), timeout=60_000
    )
    page.click("#stand-finish")
    expect(page.locator("#stand-result")).to_be_visible(timeout=30_000)
    assert int(b.text("#stand-result-count")) >= 2
    b.watch.assert_local()
