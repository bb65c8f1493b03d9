"""A stored session timeline made readable: rows for a table and a strip for the eye.

Live sessions and video reviews store the same ``coach.timeline`` data; this is the one place
that turns it into what clinicians and patients read, so both pages show it alike. The strip is
drawn on the server as SVG (no script, CSP-safe); the table beside it carries every number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from django.utils.translation import gettext as _

from coach.cues import cue_text
from coach.events import Cue, Phase
from coach.timeline import InvalidTimeline, Span, parse_timeline

STRIP_WIDTH = 640
LANE_HEIGHT = 22


@dataclass(frozen=True, slots=True)
class FaultEpisode:
    text: str
    start_s: float
    end_s: float

    @property
    def seconds(self) -> float:
        return round(self.end_s - self.start_s, 1)


@dataclass(slots=True)
class HoldRow:
    """One hold (a set's time in the stretch) and the faults seen inside it."""

    side: str
    set_number: int
    start_s: float
    end_s: float
    faults: list[FaultEpisode] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return round(self.end_s - self.start_s, 1)

    @property
    def fault_seconds(self) -> float:
        return round(sum(f.seconds for f in self.faults), 1)


@dataclass(slots=True)
class TimelineView:
    holds: list[HoldRow]
    duration_s: float
    truncated: bool = False
    unreadable: bool = False
    strip: str = ""
    # The strip's fault lanes, top to bottom: (colour class number, what the fault is).
    lanes: list[tuple[int, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.holds


def _side_label(side: str | None) -> str:
    if side == "left":
        return _("Left")
    if side == "right":
        return _("Right")
    return "—"


def timeline_view(data: Mapping[str, Any] | None, language: str) -> TimelineView:
    """``data`` as stored; damaged data gives an 'unreadable' view, never an error page."""
    try:
        spans = parse_timeline(data)
    except InvalidTimeline:
        return TimelineView(holds=[], duration_s=0.0, unreadable=True)
    holds: list[HoldRow] = []
    faults: list[Span] = []
    for span in spans:
        if span.kind == "phase" and span.code == Phase.HOLD.value:
            holds.append(
                HoldRow(
                    side=_side_label(span.side.value if span.side else None),
                    set_number=span.set_number,
                    start_s=round(span.start_ms / 1000.0, 1),
                    end_s=round(span.end_ms / 1000.0, 1),
                )
            )
        elif span.kind == "fault":
            faults.append(span)
    for span in faults:
        start_s, end_s = span.start_ms / 1000.0, span.end_ms / 1000.0
        for hold in holds:
            if hold.start_s - 0.05 <= start_s <= hold.end_s + 0.05:
                hold.faults.append(
                    FaultEpisode(cue_text(Cue(span.code), language), round(start_s, 1), end_s)
                )
                break
    duration = max((s.end_ms for s in spans), default=0.0) / 1000.0
    view = TimelineView(
        holds=holds,
        duration_s=round(duration, 1),
        truncated=bool((data or {}).get("truncated", False)),
    )
    codes = _fault_codes(spans)
    view.lanes = [(lane % 4, cue_text(Cue(code), language)) for lane, code in enumerate(codes, 1)]
    view.strip = _strip(view, spans, codes)
    return view


def _fault_codes(spans: list[Span]) -> list[str]:
    return sorted({s.code for s in spans if s.kind == "fault"})


def _strip(view: TimelineView, spans: list[Span], codes: list[str]) -> str:
    """Holds on the top lane, each fault kind on its own lane below, on one time axis."""
    if view.empty or view.duration_s <= 0:
        return ""
    height = LANE_HEIGHT * (len(codes) + 1) + 24
    scale = STRIP_WIDTH / view.duration_s
    title = _("Timeline: holds and the form faults seen in them")
    parts = [
        f'<svg class="timeline-strip" viewBox="0 0 {STRIP_WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" focusable="false">'
    ]
    for span in spans:
        if span.kind == "phase" and span.code == Phase.HOLD.value:
            x, w = span.start_ms / 1000.0 * scale, max(span.duration_ms / 1000.0 * scale, 1.0)
            parts.append(
                f'<rect class="timeline-hold" x="{x:.1f}" y="2" width="{w:.1f}" '
                f'height="{LANE_HEIGHT - 6}"/>'
            )
    for lane, code in enumerate(codes, start=1):
        y = lane * LANE_HEIGHT + 2
        for span in spans:
            if span.kind == "fault" and span.code == code:
                x = span.start_ms / 1000.0 * scale
                w = max(span.duration_ms / 1000.0 * scale, 1.0)
                parts.append(
                    f'<rect class="timeline-fault timeline-fault-{lane % 4}" x="{x:.1f}" '
                    f'y="{y}" width="{w:.1f}" height="{LANE_HEIGHT - 6}"/>'
                )
    axis_y = height - 6
    parts.append(
        f'<text class="chart-tick" x="0" y="{axis_y}">0 s</text>'
        f'<text class="chart-tick" x="{STRIP_WIDTH}" y="{axis_y}" text-anchor="end">'
        f"{view.duration_s:g} s</text></svg>"
    )
    return "".join(parts)
