"""Booking, rescheduling and cancelling through the pages, with the emails they send."""

from __future__ import annotations

import sys
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from hipcoach.accounts.models import Role, User
from hipcoach.booking.actions import do_add_availability, do_book
from hipcoach.booking.models import Appointment, AppointmentStatus
from hipcoach.booking.schedule import Offer
from hipcoach.clinics.models import Clinic
from people import make_user, signed_in

sys.path.insert(0, str(Path(__file__).resolve().parent))
from helpers import TOKYO, at, event_of, ics_of, next_weekday

pytestmark = pytest.mark.django_db


def book(client: Client, starts: str, clinician: User | None, **extra: str) -> object:
    return client.post(
        "/en/booking/new/confirm/",
        {"starts_at": starts, "clinician": "" if clinician is None else str(clinician.pk), **extra},
    )


def test_the_patient_sees_free_times_for_a_day(patient: User, clinician: User) -> None:
    day = next_weekday()
    page = signed_in(patient).get("/en/booking/new/", {"day": day.isoformat(), "clinician": ""})
    assert page.status_code == 200
    body = page.content.decode()
    for hour in ("10:00", "11:00", "13:00", "16:00"):
        assert f">{hour}" in body
    assert ">12:00" not in body  # lunch
    assert "Asia/Tokyo" in body
    # One tap to the clinic from the booking page itself.
    main = body.split("<main", 1)[1].split("</main>", 1)[0]
    for link in (
        'href="tel:+81-75-000-0000"',
        "https://wa.me/810000000000",
        "line.me/R/ti/p/@test",
    ):
        assert link in main
    assert body.count('id="booking-contact"') == 1
    assert 'id="contact-heading"' not in body


def test_the_pages_render_in_japanese(patient: User, clinician: User) -> None:
    client = signed_in(patient)
    appointment = do_book(patient, at(next_weekday(), 10), clinician=clinician)
    for url in (
        "/ja/booking/",
        f"/ja/booking/new/?day={next_weekday().isoformat()}",
        f"/ja/booking/{appointment.pk}/",
        f"/ja/booking/{appointment.pk}/cancel/",
        f"/ja/booking/{appointment.pk}/reschedule/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert '<html lang="ja">' in page.content.decode()
    listing = client.get("/ja/booking/").content.decode()
    assert "水曜日" in listing


def test_booking_makes_the_appointment_and_emails_an_invite(
    patient: User, clinician: User, clinic: Clinic
) -> None:
    client = signed_in(patient)
    start = at(next_weekday(), 10)
    confirm = client.get(
        "/en/booking/new/confirm/", {"starts_at": start.isoformat(), "clinician": clinician.pk}
    )
    assert confirm.status_code == 200
    response = book(client, start.isoformat(), clinician, reason="Stiff in the mornings")
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.clinician) == (patient, clinician)
    assert appointment.starts_at == start
    assert (appointment.ends_at - appointment.starts_at).total_seconds() == 3600
    assert appointment.reason == "Stiff in the mornings"
    assert response["Location"] == f"/en/booking/{appointment.pk}/"

    (email,) = mail.outbox
    assert email.to == ["pat@example.org"]
    assert "Test Clinic" in email.subject
    assert "10:00" in email.body
    for way in (clinic.phone, clinic.whatsapp_url, clinic.line_url):
        assert way in email.body
    calendar = ics_of(email)
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(email)
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == appointment.ends_at
    assert str(event["UID"]) == appointment.uid
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ORGANIZER"]) == "mailto:clinic@example.org"
    assert "Kyoto" in str(event["LOCATION"])
    assert event.walk("VALARM")

    done = client.get(response["Location"])
    assert "Your appointment is booked" in done.content.decode()
    assert "https://wa.me/810000000000" in done.content.decode()


def test_anyone_gets_whichever_clinician_is_free(
    patient: User, other_patient: User, clinician: User, clinic: Clinic
) -> None:
    day = next_weekday()
    second = make_user("doc2", Role.CLINICIAN, clinic, last_name="Zed")
    do_add_availability(second, day.weekday(), at(day, 10).astimezone(TOKYO).time(), time(17))
    start = at(day, 10)
    first = do_book(other_patient, start)
    assert first.clinician == clinician  # sorted by name: Omura before Zed
    assert book(signed_in(patient), start.isoformat(), None).status_code == 302
    assert Appointment.objects.get(patient=patient).clinician == second
    third = make_user("third", Role.PATIENT, clinic)
    refused = book(signed_in(third), start.isoformat(), None)
    assert refused.status_code == 409
    assert "just taken" in refused.content.decode()


def test_a_taken_time_gets_a_friendly_conflict(
    patient: User, other_patient: User, clinician: User
) -> None:
    start = at(next_weekday(), 11)
    do_book(other_patient, start, clinician=clinician)
    # The page was loaded before the other booking: the time has gone since.
    response = book(signed_in(patient), start.isoformat(), clinician)
    assert response.status_code == 409
    assert "just taken" in response.content.decode()
    again = book(signed_in(other_patient), start.isoformat(), clinician)
    assert again.status_code == 409
    assert "already have an appointment at that time" in again.content.decode()
    assert Appointment.objects.filter(patient=patient).count() == 0


def test_the_database_refuses_a_second_booking_of_the_same_slot(
    patient: User, other_patient: User, clinician: User
) -> None:
    """As when two requests pass the check at once: the constraint, not the check, decides."""
    from hipcoach.booking import actions  # noqa: PLC0415

    start = at(next_weekday(), 11)
    do_book(other_patient, start, clinician=clinician)
    offer = Offer(start, (clinician,))
    with pytest.raises(actions.SlotTaken):
        actions._create(offer, patient, clinician.clinic, reason="", moved=None)  # type: ignore[arg-type]
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            clinic=clinician.clinic,
            clinician=clinician,
            patient=patient,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    assert Appointment.objects.filter(starts_at=start, status="booked").count() == 1


def test_the_view_turns_a_lost_race_into_409(
    patient: User, other_patient: User, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hipcoach.booking import actions  # noqa: PLC0415

    start = at(next_weekday(), 11)
    real = actions.offer_at
    offered = real(clinician.clinic, clinician, start, timezone.now(), patient=patient)  # type: ignore[arg-type]
    assert offered is not None
    do_book(other_patient, start, clinician=clinician)
    monkeypatch.setattr(actions, "offer_at", lambda *a, **k: offered)
    response = book(signed_in(patient), start.isoformat(), clinician)
    assert response.status_code == 409
    assert "just taken" in response.content.decode()


@pytest.mark.parametrize(
    ("starts", "message"),
    [
        ("not-a-time", "could not be read"),
        ("2031-02-30T10:00:00+09:00", "could not be read"),
        ("2031-02-03T10:00:00", "could not be read"),  # no offset: ambiguous
        ("", "Please choose one of the times shown"),
    ],
)
def test_malformed_times_are_a_400_with_a_message(
    patient: User, clinician: User, starts: str, message: str
) -> None:
    response = book(signed_in(patient), starts, clinician)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_times_not_offered_are_refused(patient: User, clinician: User) -> None:
    client = signed_in(patient)
    day = next_weekday()
    for start in (
        at(day, 12),  # lunch
        at(day, 10, 30),  # off the grid
        at(day, 9),  # before the clinician starts
        at(day - timedelta(days=30), 10),  # in the past
        at(day + timedelta(weeks=10), 10),  # beyond the horizon
    ):
        response = book(client, start.isoformat(), clinician)
        assert response.status_code == 400, start
        assert "not offered" in response.content.decode()
        got = client.get(
            "/en/booking/new/confirm/", {"starts_at": start.isoformat(), "clinician": clinician.pk}
        )
        assert got.status_code == 400
    assert not Appointment.objects.exists()


def test_an_unknown_clinician_is_a_400(patient: User, clinician: User) -> None:
    response = signed_in(patient).post(
        "/en/booking/new/confirm/",
        {"starts_at": at(next_weekday(), 10).isoformat(), "clinician": "999999"},
    )
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_bad_day_is_a_400_with_the_form(patient: User, clinician: User) -> None:
    response = signed_in(patient).get("/en/booking/new/", {"day": "2025-13-45"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


def test_rescheduling_moves_the_visit_and_updates_the_invite(
    patient: User, clinician: User
) -> None:
    client = signed_in(patient)
    day = next_weekday()
    old = do_book(patient, at(day, 10), clinician=clinician)
    mail.outbox.clear()
    page = client.get(f"/en/booking/{old.pk}/reschedule/", {"day": day.isoformat()})
    assert page.status_code == 200
    assert "stays booked until you confirm" in page.content.decode()
    new_start = at(day, 14)
    response = client.post(
        f"/en/booking/{old.pk}/reschedule/confirm/",
        {"starts_at": new_start.isoformat(), "clinician": clinician.pk},
    )
    assert response.status_code == 302
    old.refresh_from_db()
    new = Appointment.objects.get(status=AppointmentStatus.BOOKED)
    assert old.status == AppointmentStatus.CANCELLED
    assert new.starts_at == new_start
    assert new.rescheduled_from == old
    assert (new.uid, new.sequence) == (old.uid, 1)
    (email,) = mail.outbox
    assert "moved" in email.subject
    event = event_of(email)
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (old.uid, 1)
    assert event.decoded("DTSTART") == new_start


def test_a_failed_reschedule_keeps_the_old_visit(
    patient: User, other_patient: User, clinician: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All or nothing: losing the new time must not lose the old one."""
    from hipcoach.booking import actions  # noqa: PLC0415

    day = next_weekday()
    old = do_book(patient, at(day, 10), clinician=clinician)
    target = at(day, 14)
    offered = actions.offer_at(clinician.clinic, clinician, target, timezone.now())  # type: ignore[arg-type]
    do_book(other_patient, target, clinician=clinician)
    monkeypatch.setattr(actions, "offer_at", lambda *a, **k: offered)
    response = signed_in(patient).post(
        f"/en/booking/{old.pk}/reschedule/confirm/",
        {"starts_at": target.isoformat(), "clinician": clinician.pk},
    )
    assert response.status_code == 409
    old.refresh_from_db()
    assert old.status == AppointmentStatus.BOOKED
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_cancelling_asks_first_then_cancels_and_emails(patient: User, clinician: User) -> None:
    client = signed_in(patient)
    appointment = do_book(patient, at(next_weekday(), 13), clinician=clinician)
    mail.outbox.clear()
    ask = client.get(f"/en/booking/{appointment.pk}/cancel/")
    assert ask.status_code == 200
    assert "Cancel this appointment?" in ask.content.decode()
    appointment.refresh_from_db()
    assert appointment.is_booked
    assert client.post(f"/en/booking/{appointment.pk}/cancel/").status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    (email,) = mail.outbox
    assert ics_of(email)["METHOD"] == "CANCEL"
    event = event_of(email)
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    client.post(f"/en/booking/{appointment.pk}/cancel/")
    assert len(mail.outbox) == 1  # twice changes nothing
    # The freed time is offered again.
    again = client.get("/en/booking/new/", {"day": next_weekday().isoformat()})
    assert ">13:00" in again.content.decode()


def test_the_patient_lists_upcoming_and_downloads_the_invite(
    patient: User, clinician: User
) -> None:
    client = signed_in(patient)
    appointment = do_book(patient, at(next_weekday(), 15), clinician=clinician)
    page = client.get("/en/booking/")
    assert page.status_code == 200
    assert "15:00" in page.content.decode()
    assert "Omura" in page.content.decode()
    download = client.get(f"/en/booking/{appointment.pk}/appointment.ics")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(download.content).walk("VEVENT")
    assert event.decoded("DTSTART") == appointment.starts_at


def test_a_patient_abroad_sees_their_time_with_the_clinics_beside_it(
    patient: User, clinician: User
) -> None:
    patient.timezone = "Europe/London"
    patient.save()
    day = next_weekday()
    page = signed_in(patient).get("/en/booking/new/", {"day": day.isoformat()})
    body = page.content.decode()
    # 10:00 in Kyoto is 01:00 (GMT) or 02:00 (BST) the same day in London.
    london = at(day, 10).astimezone(ZoneInfo("Europe/London")).strftime("%H:%M")
    assert london in {"01:00", "02:00"}
    assert "Europe/London" in body
    assert f">{london} <span" in body
    assert "clinic time 10:00, Asia/Tokyo" in body


def test_japanese_patients_get_japanese_emails(patient: User, clinician: User) -> None:
    patient.language = "ja"
    patient.save()
    day = next_weekday()
    do_book(patient, at(day, 10), clinician=clinician)
    (email,) = mail.outbox
    assert "テストクリニック" in email.subject
    assert "京都市テスト町1" in email.body
    assert f"{day.year}年{day.month}月{day.day}日" in email.body  # Japanese date format
    assert "水曜日" in email.body
    assert "京都市テスト町1" in str(event_of(email)["LOCATION"])


def test_rescheduling_opens_when_the_clinician_no_longer_takes_bookings(
    patient: User, clinician: User
) -> None:
    """The page offers the clinic's other times instead of failing on the old clinician."""
    from hipcoach.booking.models import Availability  # noqa: PLC0415

    old = do_book(patient, at(next_weekday(), 10), clinician=clinician)
    Availability.objects.filter(clinician=clinician).delete()
    response = signed_in(patient).get(f"/en/booking/{old.pk}/reschedule/")
    assert response.status_code == 200
