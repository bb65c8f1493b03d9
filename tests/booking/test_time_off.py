"""Time off on the availability page: validated, clinic-local, access-checked, and honest about
the visits already booked inside it (listed, never cancelled behind anyone's back)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from time_machine import Traveller

from hipcoach.accounts.models import Role, User
from hipcoach.booking.actions import do_add_time_off, do_book
from hipcoach.booking.models import TimeOff
from hipcoach.booking.schedule import offers
from hipcoach.clinics.models import Clinic
from people import make_user, signed_in

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import at, next_weekday, today

pytestmark = pytest.mark.django_db


def page(user: User) -> str:
    return f"/en/booking/availability/{user.pk}/"


def local(day: date, hour: int) -> str:
    """What a datetime-local field posts: a wall time with no zone."""
    return f"{day.isoformat()}T{hour:02d}:00"


def add(client: Client, person: User, starts: str, ends: str, note: str = "") -> HttpResponse:
    response: HttpResponse = client.post(
        page(person),
        {"add_time_off": "1", "off-starts_at": starts, "off-ends_at": ends, "off-note": note},
    )
    return response


def test_time_off_is_read_in_the_clinics_zone_and_listed(clinician: User) -> None:
    day = next_weekday()
    client = signed_in(clinician)
    response = add(client, clinician, local(day, 9), local(day + timedelta(days=2), 18), "Course")
    assert response.status_code == 302
    (off,) = TimeOff.objects.filter(clinician=clinician)
    assert off.starts_at == at(day, 9)  # 09:00 in Tokyo, whatever the server's zone
    assert off.ends_at == at(day + timedelta(days=2), 18)
    assert off.note == "Course"
    body = client.get(page(clinician)).content.decode()
    assert "The time off was added." in body
    assert "Course" in body
    assert "No time off planned." not in body


def when(anchor: str, days: int, hour: int) -> str:
    """``hour`` o'clock ``days`` after today or after a weekday a week ahead, in clinic time."""
    day = today() if anchor == "today" else next_weekday()
    return local(day + timedelta(days=days), hour)


# "A day already past" is yesterday, counted from the tests' today: past by construction,
# whatever instant the tests run at.
@pytest.mark.parametrize(
    ("starts", "ends", "problem"),
    [
        (("ahead", 0, 12), ("ahead", 0, 9), "The end must be after the start."),
        (("ahead", 0, 9), ("ahead", 0, 9), "The end must be after the start."),
        (("today", -1, 9), ("today", 1, 9), "The time off cannot start on a day already past."),
        (("today", -1, 23), ("ahead", 0, 9), "The time off cannot start on a day already past."),
        (("ahead", 0, 9), ("ahead", 400, 9), "Time off can be at most a year long."),
    ],
)
def test_wrong_periods_are_a_400_with_a_message_and_nothing_saved(
    clinician: User, starts: tuple[str, int, int], ends: tuple[str, int, int], problem: str
) -> None:
    response = add(signed_in(clinician), clinician, when(*starts), when(*ends))
    assert response.status_code == 400
    body = response.content.decode()
    assert problem in body
    assert "Please check the answers marked below." in body
    assert not TimeOff.objects.exists()


def test_unreadable_or_missing_times_are_a_400(clinician: User) -> None:
    client = signed_in(clinician)
    assert add(client, clinician, "soon", "").status_code == 400
    assert not TimeOff.objects.exists()


def test_a_time_off_already_over_today_is_refused(clinician: User, clock: Traveller) -> None:
    """Half an hour of today that is over: at 10:00 in Tokyo, whatever the tests' instant."""
    clock.move_to(at(today(), 10))
    day = today()
    response = add(signed_in(clinician), clinician, local(day, 0), f"{day}T00:30")
    assert response.status_code == 400
    assert "This time is already over." in response.content.decode()


def test_the_action_refuses_what_the_database_would(clinician: User) -> None:
    start = at(next_weekday(), 9)
    with pytest.raises(ValidationError):
        do_add_time_off(clinician, start, start)
    with pytest.raises(ValidationError):
        do_add_time_off(clinician, start, start + timedelta(days=367))
    assert not TimeOff.objects.exists()


def test_slots_vanish_inside_time_off_and_return_when_it_is_removed(
    clinic: Clinic, clinician: User
) -> None:
    day = next_weekday()
    first, last = at(day, 0), at(day + timedelta(days=1), 0)

    def free_hours() -> list[int]:
        now = timezone.now()
        return [
            (o.starts_at - at(day, 0)).seconds // 3600
            for o in offers(clinic, clinician, first, last, now)
        ]

    assert free_hours() == [10, 11, 13, 14, 15, 16]
    client = signed_in(clinician)
    add(client, clinician, local(day, 11), local(day, 14))
    assert free_hours() == [10, 14, 15, 16]
    (off,) = TimeOff.objects.all()
    assert client.post(page(clinician), {"remove_time_off": str(off.pk)}).status_code == 302
    assert free_hours() == [10, 11, 13, 14, 15, 16]
    assert "The time off was removed." in client.get(page(clinician)).content.decode()


def test_booked_visits_inside_new_time_off_stay_booked_and_are_listed(
    clinician: User, patient: User, other_patient: User
) -> None:
    day = next_weekday()
    inside = do_book(patient, at(day, 10), clinician=clinician)
    outside = do_book(other_patient, at(day, 15), clinician=clinician)
    client = signed_in(clinician)
    response = add(client, clinician, local(day, 9), local(day, 12))
    assert response.status_code == 302
    body = client.get(page(clinician)).content.decode()
    assert "1 booked appointment falls in this time off. It has not been cancelled" in body
    assert "Please contact the patient:" in body
    assert f"/en/clinic/patients/{patient.pk}/" in body
    assert f"/en/clinic/patients/{other_patient.pk}/" not in body
    assert "10:00" in body
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.is_booked
    assert outside.is_booked


def test_no_warning_when_nothing_is_booked_inside(clinician: User, patient: User) -> None:
    day = next_weekday()
    do_book(patient, at(day, 15), clinician=clinician)
    client = signed_in(clinician)
    add(client, clinician, local(day, 9), local(day, 12))
    body = client.get(page(clinician)).content.decode()
    assert "falls in this time off" not in body
    assert "Please contact the patient" not in body


def test_an_admin_manages_a_colleagues_time_off(clinic: Clinic, clinician: User) -> None:
    boss = make_user("boss", Role.CLINICIAN, clinic, is_clinic_admin=True)
    day = next_weekday()
    client = signed_in(boss)
    assert add(client, clinician, local(day, 9), local(day, 12)).status_code == 302
    (off,) = TimeOff.objects.all()
    assert off.clinician == clinician
    assert client.post(page(clinician), {"remove_time_off": str(off.pk)}).status_code == 302
    assert not TimeOff.objects.exists()


def test_others_cannot_see_add_or_remove_time_off(
    clinic: Clinic, clinician: User, patient: User, other_clinic: Clinic
) -> None:
    day = next_weekday()
    off = do_add_time_off(clinician, at(day, 9), at(day, 12), "Private note")
    colleague = make_user("colleague", Role.CLINICIAN, clinic)
    stranger = make_user("stranger", Role.CLINICIAN, other_clinic, is_clinic_admin=True)
    for person in (colleague, stranger):
        client = signed_in(person)
        assert client.get(page(clinician)).status_code == 404
        assert add(client, clinician, local(day, 13), local(day, 14)).status_code == 404
        assert client.post(page(clinician), {"remove_time_off": str(off.pk)}).status_code == 404
        # Their own page cannot remove someone else's row either.
        client.post(page(person), {"remove_time_off": str(off.pk)})
    client = signed_in(patient)
    assert client.get(page(clinician)).status_code == 403
    assert add(client, clinician, local(day, 13), local(day, 14)).status_code == 403
    assert client.post(page(clinician), {"remove_time_off": str(off.pk)}).status_code == 403
    anonymous = Client().post(page(clinician), {"remove_time_off": str(off.pk)})
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
    assert list(TimeOff.objects.values_list("pk", "starts_at")) == [(off.pk, at(day, 9))]


def test_removing_needs_csrf(clinician: User) -> None:
    off = do_add_time_off(clinician, at(next_weekday(), 9), at(next_weekday(), 12))
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    assert client.post(page(clinician), {"remove_time_off": str(off.pk)}).status_code == 403
    assert TimeOff.objects.filter(pk=off.pk).exists()
