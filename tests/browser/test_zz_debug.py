import json, re
import pytest
from playwright.sync_api import expect
from .conftest import Launcher

def test_debug(playwright_api, app_server):
    l = Launcher(playwright_api, app_server)
    b = l.open()
    page = b.page
    b.sign_in("en")
    page.clock.install()
    b.start_session()
    page.click("#live-start-timer")
    session = page.locator("#live-session")
    expect(session).to_have_attribute("data-mode", "timer")
    page.click("#live-in-position")
    expect(session).to_have_attribute("data-phase", "hold", timeout=10_000)
    page.clock.run_for(31_000)
    expect(session).to_have_attribute("data-phase", "rest", timeout=20_000)
    print(b.watch.messages("saved"))
    page.click("#live-end")
    page.click("#live-end-confirm")
    expect(page).to_have_url(re.compile(r"/sessions/\d+/$"), timeout=30_000)
    print(page.locator("main").inner_text())
    print(b.watch.describe())
    l.close()
