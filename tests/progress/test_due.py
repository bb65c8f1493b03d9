"""When the chair-stand test is due: the pure rule at its edges, then the patient's home page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program
from hipcoach.practice.models import Program
from hipcoach.progress.actions import do_record_chair_stand
from hipcoach.progress.due import (
    NOT_PRESCRIBED,
    ChairStandDue,
    chair_stand_due,
    chair_stand_due_for,
)
from hipcoach.progress.models import ChairStandMethod, ChairStandResult
from people import make_user, signed_in

TOKYO = ZoneInfo("Asia/Tokyo")
ASKED = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)


def _at_tokyo(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


def test_not_prescribed_shows_nothing_even_with_old_results() -> None:
    old = _at_tokyo(TODAY - timedelta(weeks=20), 9)
    assert chair_stand_due(0, None, old, TODAY, TOKYO) == NOT_PRESCRIBED
    assert chair_stand_due(0, None, None, TODAY, TOKYO) == NOT_PRESCRIBED


def test_due_when_there_is_no_result_yet() -> None:
    assert chair_stand_due(2, ASKED, None, TODAY, TOKYO) == ChairStandDue(True, True, None)


def test_due_on_the_day_exactly_n_weeks_on() -> None:
    last = _at_tokyo(TODAY - timedelta(weeks=2), 23)
    assert chair_stand_due(2, ASKED, last, TODAY, TOKYO) == ChairStandDue(True, True, None)


def test_not_due_the_day_before_with_that_day_as_next() -> None:
    last = _at_tokyo(TODAY - timedelta(weeks=2) + timedelta(days=1), 6)
    assert chair_stand_due(2, ASKED, last, TODAY, TOKYO) == ChairStandDue(
        True, False, TODAY + timedelta(days=1)
    )


def test_days_are_the_patients_own_not_utc() -> None:
    # 20:00 UTC on 17 Nov: still the 17th in London (due on 1 Dec), the 18th in Tokyo (2 Dec).
    last = datetime(2026, 11, 17, 20, 0, tzinfo=UTC)
    assert chair_stand_due(2, ASKED, last, TODAY, ZoneInfo("Europe/London")).due
    assert chair_stand_due(2, ASKED, last, TODAY, TOKYO) == ChairStandDue(
        True, False, date(2026, 12, 2)
    )


def test_a_result_from_before_the_test_was_asked_for_does_not_count() -> None:
    asked = _at_tokyo(TODAY - timedelta(days=3), 10)
    before = _at_tokyo(TODAY - timedelta(days=4), 10)
    after = _at_tokyo(TODAY - timedelta(days=2), 10)
    assert chair_stand_due(2, asked, before, TODAY, TOKYO).due
    assert chair_stand_due(2, asked, after, TODAY, TOKYO) == ChairStandDue(
        True, False, TODAY - timedelta(days=2) + timedelta(weeks=2)
    )


# The same rule with the database: versions of the program and results as the app writes them.


@pytest.fixture
def patient(db: None) -> User:
    clinic = Clinic.objects.create(name="Due Clinic", timezone="Asia/Tokyo")
    return make_user("duepat", Role.PATIENT, clinic)


def _program(patient: User, every_weeks: int, created: datetime, **values: object) -> Program:
    program = do_create_program(patient, chair_stand_every_weeks=every_weeks, **values)
    Program.objects.filter(pk=program.pk).update(created_at=created)
    return program


def _result(patient: User, created: datetime) -> None:
    result = do_record_chair_stand(patient, 12, ChairStandMethod.MANUAL)
    ChairStandResult.objects.filter(pk=result.pk).update(created_at=created)


def test_changed_from_zero_to_two_weeks_asks_afresh(patient: User) -> None:
    now = timezone.now()
    _program(patient, 0, now - timedelta(days=60))
    _result(patient, now - timedelta(days=5))  # done on their own before it was prescribed
    _program(patient, 2, now - timedelta(days=1))
    assert chair_stand_due_for(patient, now=now) == ChairStandDue(True, True, None)
    _result(patient, now - timedelta(hours=1))
    state = chair_stand_due_for(patient, now=now)
    assert not state.due
    assert state.next_date == (now - timedelta(hours=1)).astimezone(TOKYO).date() + timedelta(
        weeks=2
    )


def test_a_new_version_still_asking_keeps_the_last_result(patient: User) -> None:
    now = timezone.now()
    _program(patient, 2, now - timedelta(days=40))
    _result(patient, now - timedelta(days=3))
    _program(patient, 2, now - timedelta(days=1), hold_s=45)  # only the hold changed
    assert not chair_stand_due_for(patient, now=now).due


def test_stopped_then_asked_again_starts_from_the_new_ask(patient: User) -> None:
    now = timezone.now()
    _program(patient, 2, now - timedelta(days=40))
    _result(patient, now - timedelta(days=10))
    _program(patient, 0, now - timedelta(days=8))
    assert chair_stand_due_for(patient, now=now) == NOT_PRESCRIBED
    _program(patient, 4, now - timedelta(days=2))
    assert chair_stand_due_for(patient, now=now).due


def test_no_program_is_not_prescribed(patient: User) -> None:
    assert chair_stand_due_for(patient) == NOT_PRESCRIBED


# The home page in both languages.


def test_home_prompts_when_due_in_english_and_japanese(patient: User) -> None:
    _program(patient, 2, timezone.now() - timedelta(days=1))
    client = signed_in(patient)
    for prefix in ("/en/", "/ja/"):
        body = client.get(prefix).content.decode()
        assert 'id="chair-stand-heading"' in body
        assert f'href="{prefix}progress/chair-stand/camera/"' in body
        assert f'href="{prefix}progress/chair-stand/"' in body
        assert "Next due on" not in body
    english = client.get("/en/").content.decode()
    assert "Your chair-stand test is due" in english
    assert "safe for you today" in english
    japanese = client.get("/ja/").content.decode()
    assert 'lang="ja"' in japanese
    assert "いす立ち上がり回数を入力" in japanese  # an already translated button


def test_home_needs_a_signed_in_user(db: None) -> None:
    response = Client().get("/en/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_home_gives_the_next_date_when_not_due(patient: User) -> None:
    now = timezone.now()
    _program(patient, 2, now - timedelta(days=30))
    _result(patient, now - timedelta(days=3))
    nxt = (now - timedelta(days=3)).astimezone(TOKYO).date() + timedelta(weeks=2)
    client = signed_in(patient)
    english = client.get("/en/").content.decode()
    assert 'id="chair-stand-heading"' not in english
    assert "Next due on" in english
    assert str(nxt.year) in english
    assert f"{nxt.day}, {nxt.year}" in english
    japanese = client.get("/ja/").content.decode()
    assert f"{nxt.year}年{nxt.month}月{nxt.day}日" in japanese
    assert 'id="chair-stand-heading"' not in japanese


def test_home_says_nothing_of_the_test_when_not_prescribed(patient: User) -> None:
    _program(patient, 0, timezone.now() - timedelta(days=3))
    body = signed_in(patient).get("/en/").content.decode()
    assert 'id="chair-stand-heading"' not in body
    assert "chair-stand test every" not in body
    assert "Next due on" not in body


def test_the_home_page_shows_only_the_signed_in_patients_own_state(patient: User) -> None:
    other = make_user("otherdue", Role.PATIENT, patient.clinic)
    _program(patient, 2, timezone.now() - timedelta(days=30))
    _result(patient, timezone.now() - timedelta(days=1))
    _program(other, 2, timezone.now() - timedelta(days=30))
    assert 'id="chair-stand-heading"' not in signed_in(patient).get("/en/").content.decode()
    assert 'id="chair-stand-heading"' in signed_in(other).get("/en/").content.decode()
    assert signed_in(patient).get("/en/").status_code == 200
