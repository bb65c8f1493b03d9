"""Frame in, assessment out: smoothing, position and form rules wired together.

Stateful on purpose (smoothing, hysteresis, frame order), so use one analyzer per person and
feed it frames in time order.
"""

from __future__ import annotations

from coach.assessment import Assessment, View
from coach.landmarks import PoseFrame, check_order
from coach.position import recognise
from coach.protocol import Protocol
from coach.rules import FormRules
from coach.smoothing import OneEuroFilter, OneEuroSettings, smooth_frame

SMOOTHING = OneEuroSettings(
    min_cutoff_hz=1.5, beta=8.0, derivative_cutoff_hz=1.0, reset_after_s=1.0
)


class FrameAnalyzer:
    def __init__(self, protocol: Protocol, smoothing: OneEuroSettings | None = SMOOTHING) -> None:
        self.protocol = protocol
        self._rules = FormRules(protocol.rules)
        self._filter = OneEuroFilter(smoothing) if smoothing else None
        self._last: PoseFrame | None = None
        self._last_ms = -1.0
        self._in_position = False

    def assess(self, frame: PoseFrame | None, timestamp_ms: float | None = None) -> Assessment:
        """Judge one frame; ``None`` means the pose model found nobody at ``timestamp_ms``."""
        if frame is None:
            ts = self._last_ms + 1.0 if timestamp_ms is None else timestamp_ms
            self._forget()
            self._last_ms = max(self._last_ms, ts)
            return Assessment(ts, View.NO_PERSON)
        check_order(self._last, frame)
        self._last = frame
        self._last_ms = frame.timestamp_ms
        smooth = self._smoothed(frame)
        p = self.protocol
        rec = recognise(
            smooth,
            p.position,
            min_visibility=p.min_visibility,
            margin=p.frame_margin,
            was_in_position=self._in_position,
            min_leg=p.framing.min_leg.stay,
        )
        in_position = rec.view is View.OK and not rec.unmet
        if not in_position:
            self._rules.reset()
        self._in_position = in_position
        faults = self._rules.check(rec.measures) if in_position and rec.measures else ()
        return Assessment(
            timestamp_ms=frame.timestamp_ms,
            view=rec.view,
            posture=rec.posture,
            side=rec.side,
            angles=rec.measures.angles() if rec.measures else {},
            faults=faults,
            unmet=rec.unmet,
            anchors=rec.anchors or {},
        )

    def _forget(self) -> None:
        self._in_position = False
        self._rules.reset()

    def _smoothed(self, frame: PoseFrame) -> PoseFrame:
        return smooth_frame(self._filter, frame) if self._filter is not None else frame
