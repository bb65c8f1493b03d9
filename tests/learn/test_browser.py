"""The Learn page in headless Chromium: the diagram by keyboard and pointer, and axe-core.

Runs against pytest-django's live server (static files served from the source tree). Skips
with the reason when Chromium or Playwright is missing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    rules: {'color-contrast-enhanced': {enabled: true}},
    resultTypes: ['violations'],
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' '))}));
}"""


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: browser tests need Debian's chromium")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright is not installed: run make install")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(str(e)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.base = live_server.url
        yield tab
        browser.close()
        assert errors == []


def node(page: Any, structure_id: str) -> Any:
    return page.locator(f'.learn-node[data-id="{structure_id}"]')


def test_choosing_a_node_by_keyboard_shows_it_and_its_relations(page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page.goto(page.base + "/en/learn/")
    minor = node(page, "psoas_minor")
    expect(minor).to_have_attribute("role", "button")
    expect(minor).to_have_attribute("aria-pressed", "false")
    minor.focus()
    page.keyboard.press("ArrowDown")
    expect(node(page, "psoas_major")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(minor).to_be_focused()
    page.keyboard.press("Enter")
    expect(minor).to_have_attribute("aria-pressed", "true")
    detail = page.locator("#learn-detail")
    expect(detail.locator("h3")).to_have_text("Psoas minor")
    expect(detail).to_contain_text("35–65 %")
    # Its relations and neighbours are highlighted, with the relation named in words.
    related = page.locator(".learn-edge.is-related")
    expect(related).to_have_count(len(page.locator('.learn-edge[data-from="psoas_minor"]').all()))
    expect(page.locator(".learn-edge.is-related text:visible").first).to_be_visible()
    labels = page.locator(".learn-edge.is-related text:visible").all_text_contents()
    assert "arises from" in labels
    assert "continuous with" in labels
    expect(node(page, "t12_vertebra")).to_have_class("learn-node learn-kind-bone is-related")
    expect(node(page, "femoral_canal")).not_to_have_class("is-related")
    # Space chooses another; Escape clears.
    node(page, "t12_vertebra").focus()
    page.keyboard.press(" ")
    expect(minor).to_have_attribute("aria-pressed", "false")
    expect(detail.locator("h3")).to_have_text("T12 vertebra (12th thoracic vertebra)")
    page.keyboard.press("Escape")
    expect(page.locator(".learn-node[aria-pressed=true]")).to_have_count(0)
    expect(detail.locator("h3")).to_have_count(0)


def test_a_click_toggles_in_japanese(page: Any) -> None:
    from playwright.sync_api import expect  # noqa: PLC0415

    page.goto(page.base + "/ja/learn/")
    sheath = node(page, "femoral_sheath")
    sheath.locator(".learn-node-dot").click()
    expect(page.locator("#learn-detail h3")).to_have_text("大腿鞘")
    labels = page.locator(".learn-edge.is-related text:visible").all_text_contents()
    assert labels.count("包む") == 3
    sheath.locator(".learn-node-dot").click()
    expect(sheath).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_axe_finds_nothing_serious(page: Any, language: str) -> None:
    page.goto(page.base + f"/{language}/learn/")
    node(page, "psoas_minor").focus()
    page.keyboard.press("Enter")  # audit the page with a choice shown, too
    page.add_script_tag(url="/static/vendor/axe.min.js")
    assert page.evaluate(AXE_RUN) == []
