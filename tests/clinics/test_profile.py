"""The clinic's page for everyone in it; editing for its administrator only, with validation."""

from __future__ import annotations

from typing import Any

from django.test import Client

from hipcoach.accounts.models import User
from hipcoach.clinics.models import Clinic, OpeningHours
from people import signed_in


def form_data(clinic: Clinic, hours: list[tuple[int, str, str]], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": clinic.name,
        "name_ja": clinic.name_ja,
        "address": "1 Example Street, Kyoto",
        "address_ja": "京都市",
        "map_url": "https://maps.example.org/clinic",
        "phone": "+81 75 000 0000",
        "email": "clinic@example.org",
        "website_url": "",
        "booking_url": "",
        "whatsapp_url": "https://wa.me/810000000000",
        "line_url": "https://lin.ee/example",
        "timezone": "Asia/Tokyo",
        "services": "Hip pain",
        "services_ja": "股関節の痛み",
        "appointment_minutes": "60",
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for n, (day, opens, closes) in enumerate(hours):
        data[f"hours-{n}-weekday"] = str(day)
        data[f"hours-{n}-opens"] = opens
        data[f"hours-{n}-closes"] = closes
    data.update(changes)
    return data


def test_everyone_in_the_clinic_sees_its_page_with_one_tap_contact(
    clinic: Clinic, patient: User, clinician: User
) -> None:
    OpeningHours.objects.create(clinic=clinic, weekday=0, opens="09:00", closes="12:00")
    for user in (patient, clinician):
        body = signed_in(user).get("/en/clinic/").content.decode()
        assert "Test Clinic" in body
        assert 'href="https://wa.me/810000000000"' in body
        assert 'href="https://lin.ee/example"' in body
        assert 'href="tel:+81750000000"' in body
        assert "09:00–12:00" in body
        assert "Hip pain" in body
    ja = signed_in(patient).get("/ja/clinic/").content.decode()
    assert "テストクリニック" in ja
    assert "股関節の痛み" in ja
    assert "Edit the clinic" not in signed_in(patient).get("/en/clinic/").content.decode()


def test_the_page_needs_a_clinic_and_a_sign_in(db: None) -> None:
    assert Client().get("/en/clinic/")["Location"].startswith("/en/login/")
    loner = User.objects.create_user(username="loner", password="x", role="patient")
    assert signed_in(loner).get("/en/clinic/").status_code == 404


def test_only_the_admin_may_edit(
    clinic: Clinic, admin: User, clinician: User, patient: User
) -> None:
    assert signed_in(admin).get("/en/clinic/edit/").status_code == 200
    for user in (clinician, patient):
        client = signed_in(user)
        assert client.get("/en/clinic/edit/").status_code == 403
        assert client.post("/en/clinic/edit/", form_data(clinic, [])).status_code == 403
    clinic.refresh_from_db()
    assert clinic.address == ""


def test_an_admin_of_another_clinic_edits_only_their_own(
    clinic: Clinic, stranger: User, other_clinic: Clinic
) -> None:
    response = signed_in(stranger).post(
        "/en/clinic/edit/", form_data(other_clinic, [], name="Renamed")
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    other_clinic.refresh_from_db()
    assert clinic.name == "Test Clinic"
    assert other_clinic.name == "Renamed"


def test_the_admin_saves_the_profile_and_hours(clinic: Clinic, admin: User) -> None:
    hours = [(0, "09:00", "12:00"), (0, "14:00", "18:00"), (5, "09:00", "13:00")]
    response = signed_in(admin).post("/en/clinic/edit/", form_data(clinic, hours))
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.address == "1 Example Street, Kyoto"
    saved = [
        (h.weekday, h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M"))
        for h in clinic.opening_hours.all()
    ]
    assert saved == hours


def test_bad_values_are_refused_with_a_message_and_nothing_saved(
    clinic: Clinic, admin: User
) -> None:
    client = signed_in(admin)
    good = [(0, "09:00", "12:00")]
    cases = [
        (form_data(clinic, good, timezone="Kyoto/Nowhere"), "is not a time zone name"),
        (form_data(clinic, good, whatsapp_url="https://example.org/wa"), "https://wa.me/81"),
        (form_data(clinic, good, line_url="https://evil.example/line"), "line.me"),
        (form_data(clinic, [(0, "12:00", "09:00")]), "Closing time must be after opening time"),
        (
            form_data(clinic, [(2, "09:00", "13:00"), (2, "12:00", "17:00")]),
            "Opening periods on Wednesday overlap",
        ),
    ]
    for data, message in cases:
        response = client.post("/en/clinic/edit/", data)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    clinic.refresh_from_db()
    assert clinic.address == ""
    assert not clinic.opening_hours.exists()


def test_touching_periods_do_not_overlap(clinic: Clinic, admin: User) -> None:
    hours = [(2, "09:00", "12:00"), (2, "12:00", "17:00")]
    assert signed_in(admin).post("/en/clinic/edit/", form_data(clinic, hours)).status_code == 302
    assert clinic.opening_hours.count() == 2
