"""Progress measures for a date range, in the patient's own days, against the program in force."""

from __future__ import annotations

from datetime import date

from hipcoach.accounts.models import User
from hipcoach.practice.actions import do_create_program
from hipcoach.practice.models import Program
from hipcoach.progress.summary import progress_between

from .conftest import at, checkin, session


def adherence(patient: User, start: date, end: date) -> list[tuple[date, float]]:
    measures = {m.key: m for m in progress_between(patient, start, end)}
    return list(measures["adherence"].series[0].points)


def test_adherence_counts_against_the_program_in_force(patient: User) -> None:
    # From Monday 3 February 2025: three days a week, once a day.
    program = do_create_program(patient, sessions_per_week=3, sessions_per_day=1)
    Program.objects.filter(pk=program.pk).update(created_at=at("2025-02-02", 12))
    for day in ("2025-02-03", "2025-02-05", "2025-02-05", "2025-02-07"):  # twice on the 5th
        session(patient, at(day), {"left": 30.0}, 20.0)
    session(patient, at("2025-02-11"), {"left": 30.0}, 20.0)
    points = adherence(patient, date(2025, 2, 3), date(2025, 2, 16))
    assert points == [(date(2025, 2, 3), 100.0), (date(2025, 2, 10), 100.0 / 3)]


def test_a_week_cut_by_the_range_asks_for_its_share_of_days(patient: User) -> None:
    # The fixture's program: every day, once. Wednesday to Friday is 3 days of 7.
    session(patient, at("2025-02-05"), {"left": 30.0}, 20.0)
    assert adherence(patient, date(2025, 2, 5), date(2025, 2, 7)) == [(date(2025, 2, 3), 100.0 / 3)]


def test_days_are_the_patient_s_own(patient: User) -> None:
    # 23:30 in Kyoto on 28 February is 14:30 UTC: it belongs to February, not March.
    checkin(patient, at("2025-02-28", 23).replace(minute=30), 4)
    feb = {m.key: m for m in progress_between(patient, date(2025, 2, 1), date(2025, 2, 28))}
    mar = {m.key: m for m in progress_between(patient, date(2025, 3, 1), date(2025, 3, 31))}
    assert feb["pain"].series[0].points == [(date(2025, 2, 28), 4.0)]
    assert mar["pain"].series[0].points == []
