"""A patient's progress, as numbers and charts: pain, function, strength, practice, the stretch.

One query per measure, grouped by day in Python: a year of daily data stays well under the
200 ms budget (bench/progress_charts.py measures it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn
from hipcoach.practice.access import current_program
from hipcoach.practice.models import SessionStatus, SetResult, StretchSession
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


def _local_day(moment: Any) -> date:
    return timezone.localtime(moment).date()


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
    since = timezone.now() - timedelta(days=days)
    measures: list[Measure] = []

    pain = _daily_last(
        (_local_day(c.created_at), float(c.pain_now or 0))
        for c in CheckIn.objects.filter(
            patient=patient, created_at__gte=since, pain_now__isnull=False
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
        session__patient=patient, session__started_at__gte=since
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

    program = current_program(patient)
    per_week = 7  # the article's stretch is a daily home routine
    done_days = {
        _local_day(s.started_at)
        for s in StretchSession.objects.filter(
            patient=patient, started_at__gte=since, status=SessionStatus.COMPLETED
        ).only("started_at")
    }
    weeks: dict[date, int] = defaultdict(int)
    for day in done_days:
        weeks[day - timedelta(days=day.weekday())] += 1
    adherence = [(week, 100.0 * min(n, per_week) / per_week) for week, n in sorted(weeks.items())]
    measures.append(
        Measure(
            "adherence",
            _("Sessions done each week, as a percentage of the days"),
            "%",
            [Series(_("Adherence"), adherence)],
            _trend(adherence, "%") if program else _("No program yet."),
        )
    )

    psfs: dict[date, list[float]] = defaultdict(list)
    for rated, score in PSFSRating.objects.filter(
        activity__patient=patient, rated_at__gte=since
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

    stands = _daily_last(
        (_local_day(r.created_at), float(r.count))
        for r in ChairStandResult.objects.filter(patient=patient, created_at__gte=since)
    )
    measures.append(
        Measure(
            "chair_stand",
            _("Chair stands in 30 seconds"),
            _("stands"),
            [Series(_("Stands"), stands)],
            _trend(stands, _("stands")),
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
                table.setdefault(d, ["—"] * len(m.series))[i] = f"{v:g}"
        m.rows = sorted(table.items(), reverse=True)[:60]
    return measures
