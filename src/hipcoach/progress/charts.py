"""Small, accessible SVG line charts drawn on the server: no chart library, no script.

A chart is an image with a title and a plain-language description for screen readers; the
page beside it keeps the numbers in a table. Lines differ by dash pattern as well as colour,
so they read without colour vision. Built for speed: a year of daily points is one path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

WIDTH = 640
HEIGHT = 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    points: Sequence[tuple[date, float]]
    style: str = "a"  # CSS class suffix: chart-line-a, -b …


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[Series],
    *,
    y_min: float,
    y_max: float,
    y_ticks: Sequence[float],
) -> str:
    days = [d for s in series for d, _ in s.points]
    if not days:
        return ""
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    y_span = (y_max - y_min) or 1.0

    def x(d: date) -> float:
        return PAD_LEFT + inner_w * (d - first).days / span

    def y(v: float) -> float:
        clamped = min(max(v, y_min), y_max)
        return PAD_TOP + inner_h * (1.0 - (clamped - y_min) / y_span)

    parts = [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for tick in y_ticks:
        ty = y(tick)
        parts.append(
            f'<line class="chart-grid" x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" '
            f'y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="chart-tick" x="{PAD_LEFT - 8}" y="{ty + 5:.1f}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    parts.append(
        f'<text class="chart-tick" x="{PAD_LEFT}" y="{HEIGHT - 12}">{first.isoformat()}</text>'
        f'<text class="chart-tick" x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 12}" '
        f'text-anchor="end">{last.isoformat()}</text>'
    )
    for s in series:
        if not s.points:
            continue
        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in sorted(s.points))
        parts.append(f'<polyline class="chart-line chart-line-{s.style}" points="{coords}"/>')
        if len(s.points) <= 60:
            parts.extend(
                f'<circle class="chart-dot chart-line-{s.style}" cx="{x(d):.1f}" '
                f'cy="{y(v):.1f}" r="4"/>'
                for d, v in s.points
            )
    parts.append("</svg>")
    return "".join(parts)
