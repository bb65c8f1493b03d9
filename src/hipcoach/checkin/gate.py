"""May the patient exercise now? The one answer for every door: the session start, the live
page, the session socket, the chair-stand pages and socket, and the home page's message.

Order matters: a stop that holds comes first (a new check-in cannot undo it), then a hip
replacement the surgeon has not cleared (no hip-extension stretch, kneeling or standing), then
the need for today's check-in and what it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from django.utils import timezone

from hipcoach.accounts.models import User
from hipcoach.checkin.access import current_profile, fresh_checkin, stops_in_force
from hipcoach.checkin.models import CheckIn, Stop


class Activity(Enum):
    STRETCH = "stretch"
    CHAIR_STAND = "chair_stand"


class Reason(Enum):
    OK = "ok"
    STOPPED = "stopped"  # a stop holds until a clinician clears it
    ASK_SURGEON = "ask_surgeon"  # hip replacement without the surgeon's clearance
    NEEDS_CHECKIN = "needs_checkin"  # no check-in in the last few hours
    CHECKIN_SAYS_NO = "checkin_says_no"  # today's check-in stopped today's stretch


@dataclass(frozen=True, slots=True)
class Gate:
    activity: Activity
    reason: Reason
    stops: tuple[Stop, ...] = ()
    checkin: CheckIn | None = None

    @property
    def allowed(self) -> bool:
        return self.reason is Reason.OK

    @property
    def halts(self) -> bool:
        """Whether a session or test already running must stop now (a missing check-in does
        not end one that started on a fresh check-in)."""
        return self.reason not in (Reason.OK, Reason.NEEDS_CHECKIN)

    @property
    def modification(self) -> str:
        return self.checkin.modification if self.checkin and self.allowed else ""


def gate_for(patient: User, activity: Activity, now: datetime | None = None) -> Gate:
    now = now or timezone.now()
    stops = tuple(stops_in_force(patient, now))
    if stops:
        return Gate(activity, Reason.STOPPED, stops=stops)
    if activity is Activity.STRETCH:
        profile = current_profile(patient)
        if profile is not None and profile.needs_surgeon:
            return Gate(activity, Reason.ASK_SURGEON)
    checkin = fresh_checkin(patient, now)
    if checkin is None:
        return Gate(activity, Reason.NEEDS_CHECKIN)
    if checkin.stops and (activity is Activity.STRETCH or _stops_everything(checkin)):
        return Gate(activity, Reason.CHECKIN_SAYS_NO, checkin=checkin)
    return Gate(activity, Reason.OK, checkin=checkin)


def _stops_everything(checkin: CheckIn) -> bool:
    """A check-in that stopped only the hip stretch (no_stretch) still allows a chair stand."""
    return checkin.level != "no_stretch"
