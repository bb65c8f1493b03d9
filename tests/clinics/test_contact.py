"""The clinic's advice line and stop lapse as settings, and who sees the contact buttons."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from hipcoach.accounts.models import User
from hipcoach.clinics.forms import ClinicForm
from hipcoach.clinics.models import Clinic, validate_advice_phone
from people import signed_in


def form_data(clinic: Clinic, **changes: Any) -> dict[str, Any]:
    """The edit form as the admin would post it unchanged, with no opening hours, plus changes."""
    form = ClinicForm(instance=clinic)
    data: dict[str, Any] = {
        name: "" if value is None else value for name, value in form.initial.items()
    }
    data.update(
        {
            "hours-TOTAL_FORMS": "0",
            "hours-INITIAL_FORMS": "0",
            "hours-MIN_NUM_FORMS": "0",
            "hours-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(changes)
    return {k: v for k, v in data.items() if k in form.fields or k.startswith("hours-")}


class Links(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append({k: v or "" for k, v in attrs})

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def hrefs(self) -> list[str]:
        return [a.get("href", "") for a in self.links]

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def with_advice_line(clinic: Clinic) -> Clinic:
    clinic.advice_line_name = "救急安心センター（#7119）"
    clinic.advice_line_phone = "#7119"
    clinic.save()
    return clinic


# -- the settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["#7119", "+81 75-123-4567", "0120 000 000", "7119"])
def test_advice_line_numbers_that_can_be_dialled_are_accepted(number: str) -> None:
    validate_advice_phone(number)


@pytest.mark.parametrize("number", ["#", "call 7119", "7119; 110", "(075) 123", "＃7119", " - "])
def test_anything_else_is_refused(number: str) -> None:
    with pytest.raises(ValidationError):
        validate_advice_phone(number)


def test_the_tel_link_escapes_the_hash_and_the_label_names_the_number_once(clinic: Clinic) -> None:
    with_advice_line(clinic)
    assert clinic.has_advice_line
    assert clinic.advice_line_href == "tel:%237119"  # a bare # would start a URL fragment
    assert clinic.advice_line_label == "救急安心センター（#7119）"
    clinic.advice_line_name = "Kyoto advice line"
    clinic.advice_line_phone = "+81 75-123-4567"
    assert clinic.advice_line_href == "tel:+81751234567"
    assert clinic.advice_line_label == "Kyoto advice line +81 75-123-4567"
    clinic.advice_line_name = ""
    assert clinic.advice_line_label == "+81 75-123-4567"


def test_the_admin_sets_the_advice_line_and_the_lapse(clinic: Clinic, admin: User) -> None:
    client = signed_in(admin)
    page = client.get("/en/clinic/edit/").content.decode()
    assert "Danger signs and stops" in page
    for name in ("advice_line_name", "advice_line_phone", "see_care_lapse_days"):
        assert f'name="{name}"' in page
    assert "see a doctor today' stops never lift by themselves" in page
    data = form_data(
        clinic,
        advice_line_name="救急安心センター（#7119）",
        advice_line_phone="#7119",
        see_care_lapse_days="14",
    )
    assert client.post("/en/clinic/edit/", data).status_code == 302
    clinic.refresh_from_db()
    assert (clinic.advice_line_phone, clinic.see_care_lapse_days) == ("#7119", 14)
    # Blank: never lifts by itself, and no advice line.
    data.update(advice_line_name="", advice_line_phone="", see_care_lapse_days="")
    assert client.post("/en/clinic/edit/", data).status_code == 302
    clinic.refresh_from_db()
    assert (clinic.advice_line_phone, clinic.see_care_lapse_days) == ("", None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"see_care_lapse_days": "0"}, "Give 1 to 90 days, or leave it blank for never."),
        ({"see_care_lapse_days": "91"}, "Give 1 to 90 days, or leave it blank for never."),
        ({"see_care_lapse_days": "-3"}, "Give 1 to 90 days, or leave it blank for never."),
        ({"see_care_lapse_days": "two"}, "Give 1 to 90 days, or leave it blank for never."),
        ({"advice_line_phone": "call us"}, "Use only digits, spaces and + # -, e.g. #7119."),
        (
            {"advice_line_name": "Kyoto advice line", "advice_line_phone": ""},
            "Give the advice line&#x27;s number as well as its name.",
        ),
    ],
)
def test_bad_settings_are_refused_with_a_message(
    clinic: Clinic, admin: User, changes: dict[str, Any], message: str
) -> None:
    response = signed_in(admin).post("/en/clinic/edit/", form_data(clinic, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.see_care_lapse_days is None
    assert clinic.advice_line_phone == ""


def test_the_clinic_page_shows_the_settings_to_its_clinicians_only(
    clinic: Clinic, clinician: User, patient: User
) -> None:
    body = signed_in(clinician).get("/en/clinic/").content.decode()
    assert "No out-of-hours advice line is set" in body
    assert "stays until a clinician clears it" in body
    with_advice_line(clinic)
    clinic.see_care_lapse_days = 7
    clinic.save()
    body = signed_in(clinician).get("/en/clinic/").content.decode()
    assert "lifts itself after 7 days" in body
    ja = signed_in(clinician).get("/ja/clinic/").content.decode()
    assert "7日たつと、自動で解除されます" in ja
    patient_page = signed_in(patient).get("/en/clinic/").content.decode()
    assert "lifts itself" not in patient_page
    # Patients do see the advice line on their clinic's page, one tap away.
    assert 'href="tel:%237119"' in patient_page


# -- the contact block ------------------------------------------------------------------------


def render_contact(clinic: Clinic | None, language: str = "en", **flags: Any) -> Links:
    request = RequestFactory().get("/")
    context = {"clinic": clinic, "clinic_name": clinic.name if clinic else "", **flags}
    with translation.override(language):
        return Links(render_to_string("web/contact.html", context, request=request))


def test_danger_sign_pages_offer_119_and_the_advice_line(clinic: Clinic) -> None:
    with_advice_line(clinic)
    page = render_contact(clinic, call_119=True, advice_line=True)
    hrefs = page.hrefs()
    assert hrefs[:2] == ["tel:119", "tel:%237119"]  # before the clinic's own buttons
    assert "Not sure if it is an emergency? Call 救急安心センター（#7119）" in page.all_text()
    assert "https://wa.me/810000000000" in hrefs
    ja = render_contact(clinic, "ja", call_119=True, advice_line=True).all_text()
    assert "119番に電話して救急車を呼ぶ" in ja
    assert "救急車を呼ぶか迷ったら 救急安心センター（#7119）に電話する" in ja


def test_each_part_only_where_the_page_asks_for_it(clinic: Clinic) -> None:
    with_advice_line(clinic)
    plain = render_contact(clinic).hrefs()
    assert "tel:119" not in plain
    assert "tel:%237119" not in plain
    only_line = render_contact(clinic, advice_line=True).hrefs()
    assert only_line[0] == "tel:%237119"
    assert "tel:119" not in only_line
    # A clinic with no advice line: the danger page still gets 119, and no empty row.
    clinic.advice_line_phone = clinic.advice_line_name = ""
    clinic.save()
    page = render_contact(clinic, call_119=True, advice_line=True)
    assert page.hrefs()[0] == "tel:119"
    assert "Not sure" not in page.all_text()
    # Even with no clinic at all, 119 is offered where the page asks.
    assert render_contact(None, call_119=True).hrefs() == ["tel:119"]


def test_the_footer_shows_the_clinic_buttons_to_patients_only(
    clinic: Clinic, clinician: User, admin: User, patient: User
) -> None:
    for url in ("/en/", "/en/learn/", "/en/history/"):
        body = signed_in(patient).get(url).content.decode()
        assert 'href="https://wa.me/810000000000"' in body, url
        assert 'href="https://lin.ee/example"' in body, url
    for user in (clinician, admin):
        for url in ("/en/", "/en/learn/", "/en/clinic/invites/"):
            response = signed_in(user).get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert "wa.me/810000000000" not in body, (user.username, url)
            assert "lin.ee/example" not in body, (user.username, url)
            assert 'id="contact-heading"' not in body, (user.username, url)
