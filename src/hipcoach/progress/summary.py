"""A patient's progress, as numbers and charts: pain, function, strength, practice, the stretch.

Every measure is built for a range of whole days in the patient's own time zone (their own,
else their clinic's: ``User.time_zone_name``), so a check-in at 23:30 in Kyoto counts on that
Kyoto day whatever the server's zone. The progress page asks for the last year
(``progress_for``); the PDF report for the range a person picks (``progress_between``).

One query per measure, grouped by day in Python: a year of daily data stays well under the
200 ms budget (bench/progress_charts.py measures it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from math import ceil
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn
from hipcoach.practice.models import Program, SessionStatus, SetResult, StretchSession
from hipcoach.progress.charts import Series, line_chart
from hipcoach.progress.models import ChairStandResult, PSFSRating

Points = list[tuple[date, float]]


@dataclass(slots=True)
class Measure:
    key: str
    title: str
    unit: str
    series: list[Series]
    summary: str
    chart: str = ""
    rows: list[tuple[date, list[str]]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    notes: dict[date, str] = field(default_factory=dict)  # said after that day's number


def patient_zone(patient: User) -> ZoneInfo:
    return ZoneInfo(patient.time_zone_name())


def day_bounds(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From the start of ``start`` to the start of the day after ``end``, local to ``zone``."""
    return (
        datetime.combine(start, time.min, zone),
        datetime.combine(end + timedelta(days=1), time.min, zone),
    )


def _trend(points: Points, unit: str) -> str:
    """ "Latest 3 (30 days ago 5)" in words: the change people and clinicians look for."""
    if not points:
        return _("No data yet.")
    ordered = sorted(points)
    last_day, last = ordered[-1]
    month_ago = [v for d, v in ordered if d <= last_day - timedelta(days=28)]
    if not month_ago:
        return _("Latest: %(value)s %(unit)s.") % {"value": f"{last:g}", "unit": unit}
    return _("Latest: %(value)s %(unit)s; four weeks earlier: %(before)s %(unit)s.") % {
        "value": f"{last:g}",
        "before": f"{month_ago[-1]:g}",
        "unit": unit,
    }


def _daily_last(items: Iterable[tuple[date, float]]) -> Points:
    by_day: dict[date, float] = {}
    for day, value in items:
        by_day[day] = value
    return sorted(by_day.items())


def progress_for(patient: User, days: int = 365) -> list[Measure]:
    """The progress page: the last ``days`` days up to and including the patient's today."""
    today = timezone.now().astimezone(patient_zone(patient)).date()
    return progress_between(patient, today - timedelta(days=days), today)


def progress_between(patient: User, start: date, end: date, *, max_rows: int = 60) -> list[Measure]:
    """Every measure from ``start`` to ``end`` (both included, the patient's local days).

    ``max_rows`` keeps the numbers table under each chart to the most recent days with data.
    """
    zone = patient_zone(patient)
    since, until = day_bounds(start, end, zone)

    def _local_day(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    measures: list[Measure] = []

    pain = _daily_last(
        (_local_day(c.created_at), float(c.pain_now or 0))
        for c in CheckIn.objects.filter(
            patient=patient, created_at__gte=since, created_at__lt=until, pain_now__isnull=False
        )
        .order_by("created_at")
        .only("created_at", "pain_now")
    )
    measures.append(
        Measure(
            "pain",
            _("Hip pain (0–10)"),
            _("out of 10"),
            [Series(_("Pain"), pain)],
            _trend(pain, _("out of 10")),
        )
    )

    by_session: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"good": 0.0, "left": None, "right": None}
    )
    session_days: dict[int, date] = {}
    sets = SetResult.objects.filter(
        session__patient=patient, session__started_at__gte=since, session__started_at__lt=until
    ).values_list(
        "session_id",
        "session__started_at",
        "side",
        "good_form_s",
        "form_checked",
        "max_rear_hip_extension",
    )
    for sid, started, side, good, checked, extension in sets:
        session_days[sid] = _local_day(started)
        entry = by_session[sid]
        if checked:
            entry["good"] += good
        if extension is not None and (entry[side] is None or extension > entry[side]):
            entry[side] = extension
    hold: dict[date, float] = defaultdict(float)
    left: dict[date, float] = {}
    right: dict[date, float] = {}
    for sid, entry in by_session.items():
        day = session_days[sid]
        hold[day] += entry["good"]
        for side, target in (("left", left), ("right", right)):
            if entry[side] is not None:
                target[day] = max(target.get(day, float("-inf")), entry[side])
    hold_points = sorted(hold.items())
    measures.append(
        Measure(
            "hold",
            _("Good-form hold time per day"),
            _("seconds"),
            [Series(_("Good-form time"), hold_points)],
            _trend(hold_points, _("seconds")),
        )
    )
    left_points, right_points = sorted(left.items()), sorted(right.items())
    measures.append(
        Measure(
            "extension",
            _("Rear-hip extension reached, left and right"),
            _("degrees"),
            [Series(_("Left"), left_points, "a"), Series(_("Right"), right_points, "b")],
            _("Left: %(left)s Right: %(right)s")
            % {"left": _trend(left_points, "°"), "right": _trend(right_points, "°")},
        )
    )

    sessions_by_day: dict[date, int] = defaultdict(int)
    for started in StretchSession.objects.filter(
        patient=patient,
        started_at__gte=since,
        started_at__lt=until,
        status=SessionStatus.COMPLETED,
    ).values_list("started_at", flat=True):
        sessions_by_day[_local_day(started)] += 1
    programs = list(Program.objects.filter(patient=patient).order_by("created_at", "id"))
    adherence = _adherence(programs, sessions_by_day, start, end, zone)
    measures.append(
        Measure(
            "adherence",
            _("Sessions done each week, as a percentage of those prescribed"),
            "%",
            [Series(_("Adherence"), adherence)],
            _trend(adherence, "%") if programs else _("No program yet."),
        )
    )

    psfs: dict[date, list[float]] = defaultdict(list)
    for rated, score in PSFSRating.objects.filter(
        activity__patient=patient, rated_at__gte=since, rated_at__lt=until
    ).values_list("rated_at", "score"):
        psfs[_local_day(rated)].append(float(score))
    psfs_points = [(d, round(sum(v) / len(v), 1)) for d, v in sorted(psfs.items())]
    measures.append(
        Measure(
            "psfs",
            _("Everyday activities (PSFS, average 0–10)"),
            _("out of 10"),
            [Series(_("Activities"), psfs_points)],
            _trend(psfs_points, _("out of 10")),
        )
    )

    # The score: 0 when the hands were used to stand (CDC STEADI), with the full stands beside.
    last_test: dict[date, ChairStandResult] = {}
    for r in ChairStandResult.objects.filter(
        patient=patient, created_at__gte=since, created_at__lt=until
    ).only("created_at", "count", "raw_count", "used_hands"):
        last_test[_local_day(r.created_at)] = r
    stands = sorted((day, float(r.count)) for day, r in last_test.items())
    hands_notes = {
        day: ngettext(
            "(hands used to stand: scored 0; %(stands)s full stand)",
            "(hands used to stand: scored 0; %(stands)s full stands)",
            r.raw_count,
        )
        % {"stands": r.raw_count}
        for day, r in last_test.items()
        if r.used_hands
    }
    stand_summary = _trend(stands, _("stands"))
    if last_test and max(last_test) in hands_notes:
        latest = last_test[max(last_test)]
        # Two sentences: a space between them in English, none in Japanese.
        stand_summary = _("%(trend)s %(note)s") % {
            "trend": stand_summary,
            "note": ngettext(
                "The latest test scored 0 because the hands were used to stand; "
                "%(stands)s full stand was done.",
                "The latest test scored 0 because the hands were used to stand; "
                "%(stands)s full stands were done.",
                latest.raw_count,
            )
            % {"stands": latest.raw_count},
        }
    measures.append(
        Measure(
            "chair_stand",
            _("Chair stands in 30 seconds"),
            _("stands"),
            [Series(_("Stands"), stands)],
            stand_summary,
            notes=hands_notes,
        )
    )

    scales = {
        "pain": (0, 10, (0, 5, 10)),
        "hold": (0, max([60.0, *(v for _, v in hold_points)]), (0, 60, 120, 240)),
        "extension": (0, 60, (0, 20, 40, 60)),
        "adherence": (0, 100, (0, 50, 100)),
        "psfs": (0, 10, (0, 5, 10)),
        "chair_stand": (0, max([20.0, *(v for _, v in stands)]), (0, 10, 20)),
    }
    for m in measures:
        low, high, ticks = scales[m.key]
        m.chart = line_chart(
            f"chart-{m.key}",
            m.title,
            m.summary,
            m.series,
            y_min=low,
            y_max=high,
            y_ticks=[t for t in ticks if t <= high],
        )
        m.columns = [s.label for s in m.series]
        table: dict[date, list[str]] = {}
        for i, s in enumerate(m.series):
            for d, v in s.points:
                note = m.notes.get(d)
                table.setdefault(d, ["—"] * len(m.series))[i] = f"{v:g}" + (
                    f" {note}" if note else ""
                )
        m.rows = sorted(table.items(), reverse=True)[:max_rows]
    return measures


def _adherence(
    programs: list[Program],
    sessions_by_day: dict[date, int],
    start: date,
    end: date,
    zone: ZoneInfo,
) -> Points:
    """Each week's completed sessions as a percentage of what the program in force asked for.

    Weeks run Monday to Sunday. A week's program is the newest one prescribed by the end of
    its last day in the range. It asks for ``sessions_per_week`` days with
    ``sessions_per_day`` sessions each; extra sessions on a day, or extra days, don't make up
    for missed ones beyond 100 %. A week cut by the range (or by the first prescription, or
    today) asks for its share of the days, rounded up: 7 days a week over 3 days is 3 days,
    3 days a week over 3 days is 2.
    """
    if not programs:
        return []
    first_day = programs[0].created_at.astimezone(zone).date()
    points: Points = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        days = [
            d
            for d in (monday + timedelta(days=i) for i in range(7))
            if max(start, first_day) <= d <= end
        ]
        if days:
            _, last_moment = day_bounds(days[-1], days[-1], zone)
            in_force = [p for p in programs if p.created_at < last_moment] or programs[:1]
            program = in_force[-1]
            per_day = program.sessions_per_day
            target = ceil(program.sessions_per_week * len(days) / 7) * per_day
            done = sum(min(sessions_by_day.get(d, 0), per_day) for d in days)
            points.append((monday, 100.0 * min(done, target) / target))
        monday += timedelta(days=7)
    return points
