"""Who sees which appointment and availability: own, own clinic, or a 404."""

from __future__ import annotations

import sys
from datetime import time
from pathlib import Path

import pytest
from django.test import Client

from hipcoach.accounts.models import Role, User
from hipcoach.booking.actions import do_book
from hipcoach.booking.models import Appointment, Availability
from hipcoach.clinics.models import Clinic
from people import make_user, signed_in

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import at, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(patient: User, clinician: User) -> Appointment:
    return do_book(patient, at(next_weekday(), 10), clinician=clinician, reason="knee too")


def pages(pk: int) -> list[str]:
    return [
        f"/en/booking/{pk}/",
        f"/en/booking/{pk}/cancel/",
        f"/en/booking/{pk}/reschedule/",
        f"/en/booking/{pk}/appointment.ics",
    ]


def test_another_patient_gets_404_for_every_page_of_the_appointment(
    appointment: Appointment, other_patient: User
) -> None:
    client = signed_in(other_patient)
    for url in pages(appointment.pk):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/en/booking/{appointment.pk}/cancel/").status_code == 404
    response = client.post(
        f"/en/booking/{appointment.pk}/reschedule/confirm/",
        {"starts_at": at(next_weekday(), 14).isoformat(), "clinician": ""},
    )
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.is_booked
    assert client.get("/en/booking/").content.decode().count("10:00") == 0


def test_a_clinician_of_another_clinic_gets_404(
    appointment: Appointment, other_clinic: Clinic
) -> None:
    stranger = make_user("stranger", Role.CLINICIAN, other_clinic)
    client = signed_in(stranger)
    assert client.get(f"/en/booking/{appointment.pk}/appointment.ics").status_code == 404
    schedule = client.get("/en/booking/clinic/", {"day": next_weekday().isoformat()})
    assert schedule.status_code == 200
    assert "pat" not in schedule.content.decode().split("<main", 1)[1]


def test_the_clinician_sees_the_clinics_appointments(
    appointment: Appointment, clinician: User
) -> None:
    client = signed_in(clinician)
    assert client.get("/en/booking/").status_code == 302
    day = client.get("/en/booking/clinic/", {"day": next_weekday().isoformat()})
    assert day.status_code == 200
    assert "Hana" in day.content.decode()
    assert "knee too" in day.content.decode()
    week = client.get("/en/booking/clinic/", {"day": next_weekday().isoformat(), "span": "week"})
    assert "Hana" in week.content.decode()
    other_day = client.get("/en/booking/clinic/", {"day": "2020-01-01"})
    assert "Hana" not in other_day.content.decode()
    assert client.get(f"/en/booking/{appointment.pk}/appointment.ics").status_code == 200
    # Changing a visit stays with the patient.
    assert client.get(f"/en/booking/{appointment.pk}/cancel/").status_code == 403


def test_a_bad_schedule_date_is_a_400(clinician: User) -> None:
    response = signed_in(clinician).get("/en/booking/clinic/", {"day": "yesterday"})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(appointment: Appointment) -> None:
    client = Client()
    for url in [*pages(appointment.pk), "/en/booking/", "/en/booking/new/", "/en/booking/clinic/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login/" in response["Location"]


def test_patients_cannot_open_clinician_pages(patient: User, clinician: User) -> None:
    client = signed_in(patient)
    assert client.get("/en/booking/clinic/").status_code == 403
    assert client.get("/en/booking/availability/").status_code == 403
    assert client.get(f"/en/booking/availability/{clinician.pk}/").status_code == 403


def test_clinicians_cannot_book(clinician: User) -> None:
    assert signed_in(clinician).get("/en/booking/new/").status_code == 403


def test_a_clinician_sets_their_own_availability(clinician: User) -> None:
    client = signed_in(clinician)
    url = f"/en/booking/availability/{clinician.pk}/"
    assert client.get("/en/booking/availability/")["Location"] == url
    before = Availability.objects.filter(clinician=clinician).count()
    added = client.post(url, {"weekday": 5, "starts": "09:00", "ends": "12:00"})
    assert added.status_code == 302
    assert Availability.objects.filter(clinician=clinician, weekday=5).exists()
    row = Availability.objects.get(clinician=clinician, weekday=5)
    assert client.post(url, {"remove": row.pk}).status_code == 302
    assert Availability.objects.filter(clinician=clinician).count() == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"weekday": 5, "starts": "12:00", "ends": "09:00"}, "end must be after the start"),
        ({"weekday": 5, "starts": "09:00", "ends": "09:00"}, "end must be after the start"),
        ({"weekday": 5, "starts": "09:00", "ends": "25:00"}, "Enter a valid time"),
        ({"weekday": 9, "starts": "09:00", "ends": "10:00"}, "Select a valid choice"),
        ({"weekday": 0, "starts": "16:00", "ends": "18:00"}, "overlaps a period"),
    ],
)
def test_bad_availability_is_refused_with_a_message(
    clinician: User, values: dict[str, object], message: str
) -> None:
    before = Availability.objects.count()
    response = signed_in(clinician).post(f"/en/booking/availability/{clinician.pk}/", values)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Availability.objects.count() == before


def test_only_a_clinic_admin_edits_a_colleagues_availability(
    clinician: User, clinic: Clinic, other_clinic: Clinic
) -> None:
    colleague = make_user("colleague", Role.CLINICIAN, clinic)
    url = f"/en/booking/availability/{colleague.pk}/"
    values = {"weekday": 1, "starts": "10:00", "ends": "12:00"}
    assert signed_in(clinician).get(url).status_code == 404
    assert signed_in(clinician).post(url, values).status_code == 404
    assert not Availability.objects.filter(clinician=colleague).exists()

    clinician.is_clinic_admin = True
    clinician.save()
    admin = signed_in(clinician)
    page = admin.get(url)
    assert page.status_code == 200
    assert admin.post(url, values).status_code == 302
    assert Availability.objects.filter(clinician=colleague, starts=time(10)).exists()

    foreign_admin = make_user("boss", Role.CLINICIAN, other_clinic, is_clinic_admin=True)
    assert signed_in(foreign_admin).get(url).status_code == 404
    patient_url = f"/en/booking/availability/{User.objects.get(username='colleague').pk}/"
    assert signed_in(foreign_admin).post(patient_url, values).status_code == 404
