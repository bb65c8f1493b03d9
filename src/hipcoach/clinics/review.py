"""What a clinician needs to see first: each patient with the flags that ask for attention.

The flags, computed for all of a clinic's patients in a fixed handful of queries (no query per
patient), on each patient's own calendar days:

- red flag: a danger sign raised a stop (checkin.models.Stop) that no clinician has acknowledged
  yet ("new", however old), that still holds, or that was raised in the last 30 days; the most
  urgent level among them is kept. Acknowledging one with a note takes "new" away.
- ask the surgeon: the health profile has a hip replacement the surgeon has not cleared.
- missed sessions: in the 7 whole days before today, fewer days with a completed session than
  the program's days a week. Today is left out, so a patient who stretches in the evening is
  not flagged in the morning. A program newer than 7 days is held to its share of the days it
  has been in force (rounded down), so a new patient is not flagged on day one.
- pain rising: either the mean pain of the last 7 days is at least 2 points above the mean of
  the 21 days before (at least 2 check-ins in each window), or the last three check-ins rise
  step by step by at least 2 points in all. The first catches a slow climb, the second a
  sharp recent one.

Urgency order: new (unacknowledged) red flags by level (emergency, urgent, the rest), then
red flags already acknowledged, then pain rising, then missed sessions, then the rest; inside
each, the longest since the last session first.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hipcoach.accounts.access import patients_of
from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn, HealthProfile, Stop
from hipcoach.practice.models import Program, SessionStatus, StretchSession

RED_FLAG_DAYS = 30
ADHERENCE_DAYS = 7
PAIN_RECENT_DAYS = 7
PAIN_BEFORE_DAYS = 21
PAIN_RISE = 2.0
LEVEL_RANK = {"emergency": 0, "urgent": 1}


@dataclass(slots=True)
class PatientRow:
    patient: User
    red_flags: int = 0
    red_flag_level: str = ""
    new_red_flags: int = 0
    stopped: bool = False
    needs_surgeon: bool = False
    expected_days: int = 0
    done_days: int = 0
    pain_recent: float | None = None
    pain_before: float | None = None
    pain_last: list[int] = field(default_factory=list)
    pain_rising: bool = False
    last_session: datetime | None = None
    has_program: bool = False

    @property
    def red_flag(self) -> bool:
        return self.red_flags > 0

    @property
    def missed_sessions(self) -> bool:
        return self.done_days < self.expected_days

    def urgency(self) -> tuple[int, float]:
        if self.new_red_flags:
            rank = LEVEL_RANK.get(self.red_flag_level, 2)
        elif self.red_flag:
            rank = 3
        elif self.pain_rising:
            rank = 4
        elif self.missed_sessions:
            rank = 5
        else:
            rank = 6
        last = self.last_session.timestamp() if self.last_session else float("-inf")
        return rank, last


def _zone(patient: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(patient.time_zone_name())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def pain_is_rising(
    readings: list[tuple[date, int]], today: date
) -> tuple[bool, float | None, float | None]:
    """``readings`` in time order (day, pain). Returns (rising, recent mean, earlier mean)."""
    recent_from = today - timedelta(days=PAIN_RECENT_DAYS - 1)
    before_from = recent_from - timedelta(days=PAIN_BEFORE_DAYS)
    recent = [p for d, p in readings if d >= recent_from]
    before = [p for d, p in readings if before_from <= d < recent_from]
    recent_mean = sum(recent) / len(recent) if recent else None
    before_mean = sum(before) / len(before) if before else None
    slow = (
        len(recent) >= 2
        and len(before) >= 2
        and recent_mean is not None
        and before_mean is not None
        and recent_mean - before_mean >= PAIN_RISE
    )
    last = [p for _, p in readings[-3:]]
    sharp = len(last) == 3 and last[0] < last[1] < last[2] and last[2] - last[0] >= PAIN_RISE
    return slow or sharp, recent_mean, before_mean


def expected_days(per_week: int, first_program_day: date, today: date) -> int:
    """Days with a session the program asked for in the 7 whole days before today."""
    window_start = max(today - timedelta(days=ADHERENCE_DAYS), first_program_day)
    days = (today - window_start).days
    if days <= 0:
        return 0
    return per_week * min(days, ADHERENCE_DAYS) // ADHERENCE_DAYS


def patient_rows(
    clinician: User, now: datetime | None = None, only: int | None = None
) -> list[PatientRow]:
    """The clinician's own patients (or just the one with id ``only``) with their flags, most urgent
    first."""
    now = now or timezone.now()
    mine = patients_of(clinician)
    if only is not None:
        mine = mine.filter(pk=only)
    newest = Program.objects.filter(patient=OuterRef("pk")).order_by("-created_at", "-id")
    first = Program.objects.filter(patient=OuterRef("pk")).order_by("created_at", "id")
    patients = list(
        mine.select_related("clinic")
        .annotate(
            per_week=Subquery(newest.values("sessions_per_week")[:1]),
            first_program_at=Subquery(first.values("created_at")[:1]),
            last_session_at=Max("stretch_sessions__started_at"),
        )
        .order_by("last_name", "first_name", "username")
    )
    ids = [p.pk for p in patients]
    rows = {p.pk: PatientRow(patient=p, last_session=p.last_session_at) for p in patients}
    # Enough history for every window, with a day's margin for time zones.
    since = now - timedelta(days=PAIN_RECENT_DAYS + PAIN_BEFORE_DAYS + 1)

    in_force = Stop.objects.in_force(now)
    for stop in Stop.objects.filter(patient_id__in=ids).filter(
        Q(acknowledged_at__isnull=True)
        | Q(pk__in=in_force.values("pk"))
        | Q(created_at__gte=now - timedelta(days=RED_FLAG_DAYS))
    ):
        row = rows[stop.patient_id]
        row.red_flags += 1
        row.new_red_flags += stop.acknowledged_at is None
        row.stopped = row.stopped or stop.in_force(now)
        if not row.red_flag_level or LEVEL_RANK.get(stop.level, 2) < LEVEL_RANK.get(
            row.red_flag_level, 2
        ):
            row.red_flag_level = stop.level
    seen: set[int] = set()
    for profile in HealthProfile.objects.filter(patient_id__in=ids).order_by(
        "patient_id", "-created_at", "-id"
    ):
        if profile.patient_id not in seen:  # the newest version is the one in force
            seen.add(profile.patient_id)
            rows[profile.patient_id].needs_surgeon = profile.needs_surgeon

    zones = {p.pk: _zone(p) for p in patients}
    today = {pk: now.astimezone(zone).date() for pk, zone in zones.items()}

    pain: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for patient_id, created, value in (
        CheckIn.objects.filter(patient_id__in=ids, created_at__gte=since, pain_now__isnull=False)
        .order_by("created_at", "id")
        .values_list("patient_id", "created_at", "pain_now")
    ):
        pain[patient_id].append((created.astimezone(zones[patient_id]).date(), int(value or 0)))

    done: dict[int, set[date]] = defaultdict(set)
    for patient_id, started in StretchSession.objects.filter(
        patient_id__in=ids,
        status=SessionStatus.COMPLETED,
        started_at__gte=now - timedelta(days=ADHERENCE_DAYS + 1),
    ).values_list("patient_id", "started_at"):
        day = started.astimezone(zones[patient_id]).date()
        if today[patient_id] - timedelta(days=ADHERENCE_DAYS) <= day < today[patient_id]:
            done[patient_id].add(day)

    for p in patients:
        row = rows[p.pk]
        readings = pain.get(p.pk, [])
        row.pain_rising, row.pain_recent, row.pain_before = pain_is_rising(readings, today[p.pk])
        row.pain_last = [v for _, v in readings[-3:]]
        row.done_days = len(done.get(p.pk, ()))
        per_week = getattr(p, "per_week", None)
        first_at = getattr(p, "first_program_at", None)
        row.has_program = per_week is not None
        if per_week is not None and first_at is not None:
            first_day = first_at.astimezone(zones[p.pk]).date()
            row.expected_days = expected_days(int(per_week), first_day, today[p.pk])
    return sorted(rows.values(), key=PatientRow.urgency)


# What the history table calls each prescribed value; the order is the table's order.
PROGRAM_FIELDS = (
    "variant",
    "hold_s",
    "sets_per_side",
    "first_side",
    "sessions_per_day",
    "sessions_per_week",
    "chair_stand_every_weeks",
    "target_shift",
    "min_shift",
    "notes",
)


@dataclass(slots=True)
class ProgramVersion:
    program: Program
    number: int
    changes: list[tuple[str, str, str]]


def _shown(program: Program, name: str) -> str:
    if name == "variant":
        return str(program.get_variant_display())
    if name == "first_side":
        return str(program.get_first_side_display())
    if name == "chair_stand_every_weeks" and program.chair_stand_every_weeks == 0:
        return _("not prescribed")
    value = getattr(program, name)
    if name in ("target_shift", "min_shift"):
        return _("default") if value is None else f"{value}°"
    return str(value) if value != "" else "—"


def program_history(patient: User) -> list[ProgramVersion]:
    """Every prescription, newest first, each with what it changed from the one before."""
    programs = list(
        Program.objects.filter(patient=patient)
        .select_related("prescribed_by")
        .order_by("created_at", "id")
    )
    versions: list[ProgramVersion] = []
    previous: Program | None = None
    for number, program in enumerate(programs, start=1):
        changes = []
        for name in PROGRAM_FIELDS:
            label = str(getattr(Program._meta.get_field(name), "verbose_name", name))
            if previous is None or getattr(previous, name) != getattr(program, name):
                changes.append(
                    (label, _shown(previous, name) if previous else "", _shown(program, name))
                )
        versions.append(ProgramVersion(program, number, changes))
        previous = program
    return list(reversed(versions))
