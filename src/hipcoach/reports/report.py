"""What a progress report holds, for one patient and a range of their own days.

Gathered here once, so the PDF template only lays it out. Texts that depend on the language
(measure titles, red-flag advice) are built under the report's language: call inside
``translation.override``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from hipcoach.accounts.models import User
from hipcoach.checkin import screening
from hipcoach.checkin.models import CheckIn
from hipcoach.clinics.models import Clinic
from hipcoach.practice.models import Program, SessionStatus, StretchSession, Variant
from hipcoach.progress.summary import Measure, day_bounds, patient_zone, progress_between

# Longer than this and the report becomes a book nobody reads; the export holds everything.
MAX_RANGE = timedelta(days=731)
# Rows of numbers under each chart: the most recent days; the chart shows the whole range.
MAX_ROWS = 21
# More sessions than this are listed a week to a row, so a year stays a few pages.
MAX_SESSION_ROWS = 40


@dataclass(frozen=True, slots=True)
class WeekRow:
    monday: date
    sessions: int
    completed: int
    sets_done: int
    good_form_s: float


@dataclass(frozen=True, slots=True)
class SessionRow:
    started_at: datetime
    status: str
    completed: bool
    timer_only: bool
    variant: str  # the version of the stretch, in the report's language
    sets_done: int
    sets_total: int
    good_form_s: float


@dataclass(frozen=True, slots=True)
class RedFlag:
    created_at: datetime
    level: str
    advice: list[str]


@dataclass(frozen=True, slots=True)
class ProgressReport:
    patient: User
    clinic: Clinic | None
    language: str
    start: date
    end: date
    generated_at: datetime
    # The program in force on the first day (if any), then each one prescribed in the range.
    programs: list[Program]
    measures: list[Measure]
    sessions: list[SessionRow]
    red_flags: list[RedFlag]
    weeks: list[WeekRow]  # the sessions a week to a row, when there are too many to list
    max_rows: int = MAX_ROWS

    @property
    def clinic_name(self) -> str:
        return self.clinic.display_name(self.language) if self.clinic else ""


def build_report(patient: User, start: date, end: date, language: str) -> ProgressReport:
    since, until = day_bounds(start, end, patient_zone(patient))
    programs = Program.objects.filter(patient=patient).select_related("prescribed_by")
    in_force = programs.filter(created_at__lt=since).order_by("-created_at", "-id").first()
    changes = list(
        programs.filter(created_at__gte=since, created_at__lt=until).order_by("created_at", "id")
    )
    sessions = (
        StretchSession.objects.filter(patient=patient, started_at__gte=since, started_at__lt=until)
        .exclude(status=SessionStatus.ACTIVE)
        .prefetch_related("sets")
        .order_by("started_at", "id")
    )
    rows = [_session_row(s) for s in sessions]
    zone = patient_zone(patient)
    weeks: dict[date, list[SessionRow]] = {}
    for row in rows:
        day = row.started_at.astimezone(zone).date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(row)
    rules = {r.id: r for r in screening.load().rules}
    flags = CheckIn.objects.filter(
        patient=patient, outcome="stop", created_at__gte=since, created_at__lt=until
    ).order_by("created_at", "id")
    return ProgressReport(
        patient=patient,
        clinic=patient.clinic,
        language=language,
        start=start,
        end=end,
        generated_at=timezone.now(),
        programs=([in_force] if in_force else []) + changes,
        measures=progress_between(patient, start, end, max_rows=MAX_ROWS),
        sessions=rows if len(rows) <= MAX_SESSION_ROWS else [],
        weeks=[]
        if len(rows) <= MAX_SESSION_ROWS
        else [
            WeekRow(
                monday,
                len(week),
                sum(1 for r in week if r.completed),
                sum(r.sets_done for r in week),
                sum(r.good_form_s for r in week),
            )
            for monday, week in sorted(weeks.items())
        ],
        red_flags=[
            RedFlag(
                c.created_at, c.level, [rules[i].advice[language] for i in c.flags if i in rules]
            )
            for c in flags
        ],
    )


def _session_row(session: StretchSession) -> SessionRow:
    sets = list(session.sets.all())
    return SessionRow(
        started_at=session.started_at,
        status=session.get_status_display(),
        completed=session.status == SessionStatus.COMPLETED,
        timer_only=bool(sets) and not any(s.form_checked for s in sets),
        variant=str(Variant(session.variant).label) if session.variant in Variant.values else "",
        sets_done=sum(1 for s in sets if s.completed),
        sets_total=session.sets_per_side * 2,
        good_form_s=sum(s.good_form_s for s in sets if s.form_checked),
    )
