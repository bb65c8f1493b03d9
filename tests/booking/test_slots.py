"""Slot arithmetic: opening hours ∩ availability, lengths, lunch, DST, notice, horizon, busy."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipcoach.booking.slots import Busy, Period, free_slots, local_day_bounds, working_periods

TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
WEEKDAYS_OPEN = [Period(d, time(9), time(12)) for d in range(5)] + [
    Period(d, time(13), time(18)) for d in range(5)
]
WORKS_10_TO_17 = [Period(d, time(10), time(17)) for d in range(5)]
HOUR = timedelta(hours=1)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def day_slots(
    day: date,
    *,
    zone: ZoneInfo = TOKYO,
    opening: list[Period] = WEEKDAYS_OPEN,
    availability: list[Period] = WORKS_10_TO_17,
    length: timedelta = HOUR,
    now: datetime = LONG_AGO,
    busy: list[Busy] | None = None,
) -> list[str]:
    first, last = local_day_bounds(day, zone)
    found = free_slots(
        zone=zone,
        opening=opening,
        availability=availability,
        length=length,
        first=first,
        last=last,
        now=now,
        busy=busy or [],
        horizon=timedelta(days=365 * 100),
    )
    return [s.astimezone(zone).strftime("%H:%M") for s in found]


MONDAY = date(2025, 3, 3)


def test_slots_are_where_the_clinic_is_open_and_the_clinician_works() -> None:
    # 10–17 work ∩ 9–12 and 13–18 open: 10, 11, then nothing over lunch, 13–16.
    assert day_slots(MONDAY) == ["10:00", "11:00", "13:00", "14:00", "15:00", "16:00"]


def test_an_appointment_must_fit_before_the_lunch_break() -> None:
    # 45 minutes from 10:00: 10:00, 10:45; 11:30 would run past 12:00.
    assert day_slots(MONDAY, length=timedelta(minutes=45))[:3] == ["10:00", "10:45", "13:00"]


def test_no_slots_on_a_day_the_clinic_is_closed_or_the_clinician_is_off() -> None:
    assert day_slots(date(2025, 3, 8)) == []  # Saturday: closed
    assert day_slots(MONDAY, availability=[Period(1, time(10), time(17))]) == []


def test_slots_are_returned_as_utc_instants() -> None:
    first, last = local_day_bounds(MONDAY, TOKYO)
    found = free_slots(
        zone=TOKYO,
        opening=WEEKDAYS_OPEN,
        availability=WORKS_10_TO_17,
        length=HOUR,
        first=first,
        last=last,
        now=LONG_AGO,
        horizon=timedelta(days=365 * 100),
    )
    assert found[0] == datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 10:00 JST
    assert all(s.tzinfo is UTC for s in found)


def test_overlapping_availability_is_merged_not_doubled() -> None:
    periods = working_periods(
        [Period(0, time(9), time(18))],
        [Period(0, time(9), time(12)), Period(0, time(11), time(14))],
    )
    assert periods == [Period(0, time(9), time(14))]


def test_london_keeps_nine_oclock_local_across_the_clock_change() -> None:
    friday, monday = date(2025, 3, 28), date(2025, 3, 31)  # clocks go forward on the 30th
    assert day_slots(friday, zone=LONDON)[0] == day_slots(monday, zone=LONDON)[0] == "10:00"
    before = free_slots(
        zone=LONDON,
        opening=WEEKDAYS_OPEN,
        availability=WORKS_10_TO_17,
        length=HOUR,
        first=local_day_bounds(friday, LONDON)[0],
        last=local_day_bounds(monday, LONDON)[1],
        now=LONG_AGO,
        horizon=timedelta(days=365 * 100),
    )
    assert before[0] == datetime(2025, 3, 28, 10, 0, tzinfo=UTC)  # GMT
    assert before[-6] == datetime(2025, 3, 31, 9, 0, tzinfo=UTC)  # BST: 10:00 local


def test_a_wall_time_the_clocks_skip_is_not_offered() -> None:
    sunday = date(2025, 3, 30)  # 01:00–02:00 does not exist in London that night
    night = [Period(6, time(0), time(4))]
    assert day_slots(sunday, zone=LONDON, opening=night, availability=night) == [
        "00:00",
        "02:00",
        "03:00",
    ]
    first, last = local_day_bounds(sunday, LONDON)
    assert last - first == timedelta(hours=23)


def test_past_times_and_times_inside_the_notice_are_not_offered() -> None:
    now = datetime(2025, 3, 3, 10, 30, tzinfo=TOKYO).astimezone(UTC)
    # 10:00 is past, 11:00 and 12:xx are within two hours; 13:00 is the first.
    assert day_slots(MONDAY, now=now) == ["13:00", "14:00", "15:00", "16:00"]


def test_nothing_beyond_the_horizon() -> None:
    now = datetime(2025, 3, 3, tzinfo=UTC)
    first, last = local_day_bounds(MONDAY + timedelta(weeks=9), TOKYO)
    assert (
        free_slots(
            zone=TOKYO,
            opening=WEEKDAYS_OPEN,
            availability=WORKS_10_TO_17,
            length=HOUR,
            first=first,
            last=last,
            now=now,
        )
        == []
    )


def test_busy_times_remove_every_slot_they_touch() -> None:
    at = datetime(2025, 3, 3, 14, 30, tzinfo=TOKYO)
    busy = [Busy(at, at + HOUR)]  # 14:30–15:30 overlaps 14:00 and 15:00
    assert day_slots(MONDAY, busy=busy) == ["10:00", "11:00", "13:00", "16:00"]


def test_a_visit_ending_as_a_slot_starts_does_not_block_it() -> None:
    at = datetime(2025, 3, 3, 13, 0, tzinfo=TOKYO)
    assert "14:00" in day_slots(MONDAY, busy=[Busy(at, at + HOUR)])


def test_a_zero_length_is_refused() -> None:
    with pytest.raises(ValueError, match="last some time"):
        day_slots(MONDAY, length=timedelta(0))


@given(
    start=st.integers(min_value=0, max_value=23 * 4),
    minutes=st.sampled_from([15, 20, 30, 45, 60, 90]),
    busy_at=st.integers(min_value=0, max_value=24 * 4),
)
def test_slots_fit_inside_working_time_and_never_overlap_busy_or_each_other(
    start: int, minutes: int, busy_at: int
) -> None:
    length = timedelta(minutes=minutes)
    available = [Period(0, time(start // 4, (start % 4) * 15), time(23, 45))]
    b = datetime(2025, 3, 3, tzinfo=TOKYO) + timedelta(minutes=15 * busy_at)
    busy = Busy(b, b + timedelta(minutes=50))
    first, last = local_day_bounds(MONDAY, TOKYO)
    found = free_slots(
        zone=TOKYO,
        opening=WEEKDAYS_OPEN,
        availability=available,
        length=length,
        first=first,
        last=last,
        now=LONG_AGO,
        busy=[busy],
        horizon=timedelta(days=365 * 100),
    )
    for s, nxt in itertools.pairwise(found):
        assert s + length <= nxt
    for s in found:
        local = s.astimezone(TOKYO)
        end = (local + length).time()
        assert any(p.start <= local.time() and end <= p.end for p in WEEKDAYS_OPEN)
        assert local.time() >= available[0].start
        assert not (busy.start < s + length and s < busy.end)
