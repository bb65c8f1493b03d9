"""Which appointment times are free: pure date arithmetic, no database.

A clinician can be booked where the clinic is open *and* they work: the intersection of the
clinic's opening hours and their availability, weekday by weekday, in the clinic's local wall
time. Each intersection is cut into appointments of the clinic's length from its start. Wall
times become instants through zoneinfo, so a day when clocks change keeps its 09:00 at 09:00
local; a wall time that does not exist that day (inside the spring-forward gap) is left out.
Past times, times inside the minimum notice, times beyond the horizon, and times that overlap
anything busy (booked visits, time off) are not offered.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MIN_NOTICE = timedelta(hours=2)
HORIZON = timedelta(weeks=8)


@dataclass(frozen=True)
class Period:
    """A weekday (0 = Monday) and a local start and end, as in OpeningHours/Availability."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Busy:
    """An interval of real time already taken."""

    start: datetime
    end: datetime


def working_periods(opening: Iterable[Period], availability: Iterable[Period]) -> list[Period]:
    """Opening hours ∩ availability, per weekday, sorted, overlaps merged."""
    opened = list(opening)
    found: list[Period] = []
    for a in availability:
        for o in opened:
            if o.weekday != a.weekday:
                continue
            start, end = max(a.start, o.start), min(a.end, o.end)
            if start < end:
                found.append(Period(a.weekday, start, end))
    found.sort(key=lambda p: (p.weekday, p.start))
    merged: list[Period] = []
    for p in found:
        last = merged[-1] if merged else None
        if last is not None and last.weekday == p.weekday and p.start <= last.end:
            merged[-1] = Period(p.weekday, last.start, max(last.end, p.end))
        else:
            merged.append(p)
    return merged


def _wall_to_instant(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall time, or None if the clocks skip it that day."""
    local = datetime.combine(day, at, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


def _starts_on(
    day: date, periods: list[Period], length: timedelta, zone: ZoneInfo
) -> Iterator[datetime]:
    for p in periods:
        if p.weekday != day.weekday():
            continue
        cursor = datetime.combine(day, p.start)
        end = datetime.combine(day, p.end)
        while cursor + length <= end:
            instant = _wall_to_instant(day, cursor.time(), zone)
            if instant is not None:
                yield instant
            cursor += length


def free_slots(
    *,
    zone: ZoneInfo,
    opening: Iterable[Period],
    availability: Iterable[Period],
    length: timedelta,
    first: datetime,
    last: datetime,
    now: datetime,
    busy: Iterable[Busy] = (),
    notice: timedelta = MIN_NOTICE,
    horizon: timedelta = HORIZON,
) -> list[datetime]:
    """Free start instants (UTC) in ``[first, last)``, the clinic being in ``zone``."""
    if length <= timedelta(0):
        raise ValueError("an appointment must last some time")
    periods = working_periods(opening, availability)
    taken = sorted(busy, key=lambda b: b.start)
    earliest = max(first, now + notice)
    latest = min(last, now + horizon)
    day = first.astimezone(zone).date() - timedelta(days=1)
    final = last.astimezone(zone).date() + timedelta(days=1)
    found: list[datetime] = []
    while day <= final:
        for start in _starts_on(day, periods, length, zone):
            end = start + length
            if start < earliest or start >= latest:
                continue
            if any(b.start < end and start < b.end for b in taken):
                continue
            found.append(start)
        day += timedelta(days=1)
    return sorted(set(found))


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where ``day`` begins and ends in ``zone`` (23 or 25 h on DST days)."""
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end
