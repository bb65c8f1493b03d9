"""Appointment times as people read them: in their own zone, with the clinic's beside it.

A patient living abroad sees "Monday, 3 March 2025, 10:00 (clinic time 18:00, Asia/Tokyo)";
someone in the clinic's zone sees the time once. Formats follow the active language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Shown:
    """One instant for one reader: ``text`` is the whole phrase, the rest its parts."""

    instant: datetime
    day: str
    time: str
    zone: str
    clinic_time: str
    clinic_zone: str

    @property
    def text(self) -> str:
        mine = _("%(day)s, %(time)s") % {"day": self.day, "time": self.time}
        if not self.clinic_time:
            return mine
        return _("%(mine)s (clinic time %(clinic_time)s, %(zone)s)") % {
            "mine": mine,
            "clinic_time": self.clinic_time,
            "zone": self.clinic_zone,
        }

    def __str__(self) -> str:
        return self.text


def _day(local: datetime) -> str:
    return _("%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(local, "l"),
        "date": formats.date_format(local, "DATE_FORMAT"),
    }


def shown(instant: datetime, zone_name: str, clinic_zone_name: str) -> Shown:
    local = instant.astimezone(ZoneInfo(zone_name))
    clinic_time = ""
    if zone_name != clinic_zone_name:
        there = instant.astimezone(ZoneInfo(clinic_zone_name))
        clinic_time = there.strftime("%H:%M")
        if there.date() != local.date():
            clinic_time = f"{_day(there)} {clinic_time}"
        if there.utcoffset() == local.utcoffset():
            clinic_time = ""
    return Shown(
        instant=instant,
        day=_day(local),
        time=local.strftime("%H:%M"),
        zone=zone_name,
        clinic_time=clinic_time,
        clinic_zone=clinic_zone_name,
    )
