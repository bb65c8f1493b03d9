"""axe-core on the clinic staff side, booking, reports and video review, in English and Japanese.

The same rules as test_accessibility.py: axe's defaults plus "color-contrast-enhanced" (WCAG
AAA); a "serious" or "critical" violation fails the page. One browser walks each language: the
clinic admin (demo-clinician) through the patient list, a patient's page with every session
timeline opened, the prescription form and its error state, the clinic profile and its editing,
the invitations after making one, the appointments and availability; then a patient
(demo-patient-kenji) through the clinic profile, booking a free time (find, confirm, done, the
list, the cancel question), the reports form, the video reviews and the upload page with the
error a file that is no video gives.
"""

from __future__ import annotations

import re
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

CLINIC_ADMIN = "demo-clinician"
PATIENT = "demo-patient-kenji"
LANGS = ["en", "ja"]
PAGES = [
    "clinician_home",
    "patient",
    "prescribe",
    "prescribe_error",
    "clinic_profile",
    "clinic_edit",
    "invite_created",
    "invites",
    "schedule",
    "availability",
    "patient_clinic",
    "booking_find",
    "booking_confirm",
    "booking_done",
    "booking_index",
    "booking_cancel",
    "reports",
    "reviews",
    "upload",
    "upload_error",
]

Audit = Callable[[str, str], Violations]


def walk(b: Browser, lang: str, results: dict[str, Violations]) -> None:
    """The clinic admin's pages, then a patient's, each audited as it stands."""
    page = b.page

    def audit(name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", lang)
        results[name] = run_axe(b)

    b.sign_in(lang, CLINIC_ADMIN)
    expect(page.locator("table.patients .flag-list").first).to_be_visible()
    audit("clinician_home")

    page.locator("table.patients a", has_text="Hana").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/clinic/patients/\d+/$"))
    timelines = page.locator("details.session-timeline")
    assert timelines.count() > 0, "the demo patient has sessions"
    for summary in timelines.locator("summary").all():
        summary.click()
    expect(timelines.last.locator(".timeline-strip")).to_be_visible()
    expect(page.locator("main svg.chart").first).to_be_visible()
    audit("patient")

    page.locator("main a[href$='/program/']").click()
    expect(page.locator("#id_hold_s")).to_be_visible()
    audit("prescribe")
    page.fill("#id_hold_s", "90")
    page.click("main form button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".field-error #id_hold_s")).to_be_visible()
    audit("prescribe_error")

    b.goto(f"/{lang}/clinic/")
    audit("clinic_profile")
    b.goto(f"/{lang}/clinic/edit/")
    expect(page.locator("main form")).to_be_visible()
    audit("clinic_edit")

    b.goto(f"/{lang}/clinic/invites/")
    page.fill("#id_name", f"Walk {lang}")
    page.click("main form button[type=submit]")
    expect(page.locator("#invite-link")).to_have_value(re.compile(r"/clinic/join/"))
    audit("invite_created")
    b.goto(f"/{lang}/clinic/invites/")
    expect(page.locator("main table tbody tr").first).to_be_visible()
    audit("invites")

    b.goto(f"/{lang}/booking/clinic/")
    audit("schedule")
    b.goto(f"/{lang}/booking/availability/")
    audit("availability")

    page.context.clear_cookies()
    b.sign_in(lang, PATIENT)
    b.goto(f"/{lang}/clinic/")
    audit("patient_clinic")

    b.goto(f"/{lang}/booking/new/")
    slots = page.locator("ul.slots a")
    if slots.count() == 0:  # none left today: the page offers the next free time
        page.locator("#slots-heading ~ p a.primary").click()
    expect(slots.first).to_be_visible()
    audit("booking_find")
    slots.first.click()
    expect(page).to_have_url(re.compile(r"/booking/new/confirm/"))
    audit("booking_confirm")
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/{lang}/booking/\d+/$"))
    audit("booking_done")
    done_url = page.url
    b.goto(f"/{lang}/booking/")
    expect(page.locator("ul.appointments li").first).to_be_visible()
    audit("booking_index")
    page.goto(done_url + "cancel/")
    audit("booking_cancel")

    b.goto(f"/{lang}/reports/")
    audit("reports")
    b.goto(f"/{lang}/reviews/")
    audit("reviews")
    b.goto(f"/{lang}/reviews/new/")
    audit("upload")
    page.set_input_files(
        "#id_video", files=[{"name": "notes.mp4", "mimeType": "video/mp4", "buffer": b"no video"}]
    )
    page.click("main form button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_video")).to_have_attribute("aria-invalid", "true")
    audit("upload_error")
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
