"""The camera set-up panel on a phone-sized screen (390×844), with the fake camera.

With the real Cornell clip the server's framing check turns the indicator to OK before the first
hold; with an empty picture (the clip's wall above the person) the panel stays up, says what to
change, and axe-core finds nothing serious on the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_harness import OpenBrowser, make_y4m, report, run_axe, serious

from conftest import CLIP, CLIP_SECONDS, CLIP_START_S

expect = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: run make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}

# Records every state the indicator shows, so a state shown only briefly (the hold may begin a
# second after the framing is judged good) is not missed.
RECORD_INDICATOR = """
() => {
  window.__framing = [];
  const el = document.getElementById('live-framing');
  const note = () => window.__framing.push({
    ok: el.dataset.ok,
    label: document.getElementById('live-framing-label').textContent,
    text: document.getElementById('live-framing-text').textContent,
    visible: !document.getElementById('live-setup').hidden,
  });
  new MutationObserver(note).observe(el, {attributes: true, childList: true, subtree: true});
}
"""

WIDEST_IN_PANEL = """
() => {
  const all = [document.getElementById('live-setup'),
               ...document.querySelectorAll('#live-setup *')];
  let worst = {right: 0, what: ''};
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.right > worst.right) worst = {right: r.right, what: el.tagName + '.' + el.className};
  }
  return worst;
}
"""
WIDEST_ON_PAGE = """
() => {
  let worst = {right: 0, what: ''};
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > worst.right) {
      worst = {right: r.right, what: el.tagName + '#' + el.id + '.' + el.className};
    }
  }
  return {scroll: document.documentElement.scrollWidth, widest: worst};
}
"""


@pytest.fixture(scope="module")
def empty_camera(pose_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wall above the person in the Cornell clip: a picture with nobody in it."""
    source = pose_data / CLIP
    if not source.is_file():
        pytest.skip(f"{source} is absent")
    target = tmp_path_factory.mktemp("camera") / "empty.y4m"
    extra = ("-ss", str(CLIP_START_S), "-t", "4")
    try:
        return make_y4m(source, target, "crop=iw:ih/4:0:0,scale=640:360,fps=15", *extra)
    except RuntimeError as exc:
        pytest.fail(str(exc))


def test_the_framing_indicator_turns_ok_with_the_real_video(
    open_browser: OpenBrowser, fake_camera: Path
) -> None:
    assert CLIP_SECONDS > 5
    b = open_browser(fake_camera)
    page = b.page
    page.set_viewport_size(PHONE)
    b.sign_in("en")
    b.start_session()
    page.evaluate(RECORD_INDICATOR)
    page.click("#live-start")
    expect(page.locator("#live-setup")).to_be_visible()
    expect(page.locator("#live-setup-title")).to_have_text("Set up the camera")
    # The picture has a text alternative, and the same advice is a list.
    svg = page.locator("#live-setup svg[role=img]")
    expect(svg).to_have_attribute("aria-labelledby", "live-setup-svg-title live-setup-svg-desc")
    expect(page.locator("#live-setup-svg-desc")).to_contain_text("2 to 3 metres")
    expect(page.locator(".live-setup-advice li")).to_have_count(4)
    expect(page.locator("#live-framing")).to_have_attribute("aria-live", "polite")

    page.wait_for_function(
        "() => (window.__framing || []).some((s) => s.ok === 'true')", timeout=60_000
    )
    seen = page.evaluate("window.__framing")
    good = next(s for s in seen if s["ok"] == "true")
    assert good["visible"], seen
    assert good["label"] == "Camera set-up: good."
    assert good["text"] == "The camera is set up well. You can begin."
    states = [s["framing"] for s in b.watch.states() if s.get("framing")]
    assert states, b.watch.describe()
    assert any(f["shown"] and f["shown"]["ok"] for f in states)
    # After the first hold begins the panel goes away and does not come back.
    expect(page.locator("#live-session")).to_have_attribute("data-phase", "hold", timeout=60_000)
    expect(page.locator("#live-setup")).to_be_hidden()
    assert b.watch.messages("error") == []
    b.watch.assert_local()


def test_with_nobody_in_the_picture_the_panel_says_what_to_do_and_passes_axe(
    open_browser: OpenBrowser, empty_camera: Path
) -> None:
    b = open_browser(empty_camera)
    page = b.page
    page.set_viewport_size(PHONE)
    b.sign_in("en")
    b.start_session()
    page.click("#live-start")
    framing = page.locator("#live-framing")
    expect(framing).to_have_attribute("data-ok", "false", timeout=60_000)
    expect(page.locator("#live-framing-label")).to_have_text("Camera set-up: not yet.")
    expect(page.locator("#live-framing-text")).to_have_text(
        "Step into the picture, side-on, 2 to 3 metres from the phone."
    )
    # The set-up panel says it: the general "can't see you" warning stays out of the way.
    expect(page.locator("#live-view-warning")).to_be_hidden()
    # Usable at 390 px: the panel and everything in it fit the screen.
    widest = page.evaluate(WIDEST_IN_PANEL)
    assert widest["right"] <= PHONE["width"], widest
    print("page scroll width at 390 px:", page.evaluate(WIDEST_ON_PAGE))
    violations = serious(run_axe(b))
    assert violations == [], report(violations)
    b.watch.assert_local()
