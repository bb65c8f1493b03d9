"""The 30-second chair stand test, counted by the camera from the side.

Frames go in one at a time (``None`` when the pose model saw nobody); a state machine follows
the person: waiting → seated → rising → standing → sitting → seated … and counts a repetition
when a rise that began from a seated position reaches a full stand (hips and knees extended).
Every threshold is a band with hysteresis, so jitter at a threshold never counts twice.

The test clock runs 30 s from the first rise, or from an explicit start. At the end, a stand
that is more than halfway up counts (CDC STEADI). What the camera cannot see is reported as
such ("can't see you"), never guessed: after a gap longer than ``max_gap_s`` the counter waits
to see the person seated again before it counts anything.

Form checks that fit the test: arms crossed on the chest (else ``cross_arms``); hands not
pushing on the thighs or the chair (``hands_off_legs``); full extension reached (a rise that
sinks back is a partial stand, not counted, ``stand_up_fully``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from coach.analyzer import SMOOTHING
from coach.assessment import View
from coach.chair_stand_protocol import ChairStandProtocol, load_chair_stand
from coach.cues import CueCatalog, catalog, parse
from coach.events import Cue
from coach.geometry import LEFT_LEG, RIGHT_LEG, Leg, inclination, joint_angle, measure
from coach.landmarks import BodyLandmark, PoseFrame, check_order
from coach.position import can_see
from coach.session import CueGate
from coach.smoothing import OneEuroFilter, smooth_frame

METHOD_CAMERA = "camera"

# Faults a stand can carry, and the cue that corrects each.
FAULT_CUES = {
    "arms_not_crossed": "cross_arms",
    "hands_on_legs": "hands_off_legs",
}
# Cue ids of the stretch catalog (data/cues.toml) that the chair stand says too.
SHARED_CUES = ("cant_see_you", "turn_sideways")

_LEFT_SHOULDER, _RIGHT_SHOULDER = BodyLandmark.LEFT_SHOULDER, BodyLandmark.RIGHT_SHOULDER
_LEFT_HIP, _RIGHT_HIP = BodyLandmark.LEFT_HIP, BodyLandmark.RIGHT_HIP


class StandState(StrEnum):
    WAITING = "waiting"  # not yet seen seated (or lost for too long): nothing can count yet
    SEATED = "seated"
    RISING = "rising"
    STANDING = "standing"
    SITTING = "sitting"  # on the way back down
    DONE = "done"  # the test time is over


@dataclass(frozen=True, slots=True)
class Wrist:
    """One visible wrist: distance from the chest point and height down the trunk.

    Both in torso lengths; ``level`` is 0 at the shoulders and 1 at the hips.
    """

    from_chest: float
    level: float


@dataclass(frozen=True, slots=True)
class StandMeasures:
    """What the counter judges one frame by. Angles in degrees, 180 = straight."""

    knee: float  # the better-seen leg (3-D when the frame has world landmarks)
    hip: float  # trunk-thigh angle at the same hip
    rise: float  # hip height: 0 sitting with the thigh level, 1 standing with it upright
    thighs_forward: float  # the less forward of the two thighs, from vertical (negative: back)
    leg: str  # the pose model's label of the measured leg
    wrists: tuple[Wrist, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "knee": round(self.knee, 1),
            "hip": round(self.hip, 1),
            "rise": round(self.rise, 2),
            "leg": self.leg,
        }


@dataclass(frozen=True, slots=True)
class StandRecord:
    """One counted stand. Times in ms on the frames' clock."""

    number: int
    start_ms: float  # left the seat
    standing_ms: float  # reached a full stand: the moment it was counted
    peak_ms: float  # knees and hips straightest
    end_ms: float | None  # seated again; None if the test or the recording ended first
    faults: tuple[str, ...] = ()
    halfway: bool = False  # counted by the half-way rule at the end of the test

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "start_s": _s(self.start_ms),
            "standing_s": _s(self.standing_ms),
            "peak_s": _s(self.peak_ms),
            "end_s": None if self.end_ms is None else _s(self.end_ms),
            "faults": list(self.faults),
            "halfway": self.halfway,
        }


@dataclass(frozen=True, slots=True)
class PartialStand:
    """A rise that sank back to the seat without reaching a full stand: not counted."""

    start_ms: float
    end_ms: float
    best_rise: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_s": _s(self.start_ms),
            "end_s": _s(self.end_ms),
            "best_rise": round(self.best_rise, 2),
        }


@dataclass(frozen=True, slots=True)
class ChairStandUpdate:
    """The counter's answer to one frame: what it sees, the count, and cues to say."""

    timestamp_ms: float
    view: View
    state: StandState
    count: int
    measures: StandMeasures | None = None
    counted: StandRecord | None = None  # the stand counted at this frame, if any
    faults: tuple[str, ...] = ()  # confirmed now
    cues: tuple[Cue, ...] = ()
    elapsed_s: float | None = None  # test time so far; None before the clock starts
    remaining_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "timestamp_ms": round(self.timestamp_ms, 3),
            "view": self.view.value,
            "state": self.state.value,
            "count": self.count,
            "measures": self.measures.to_dict() if self.measures else None,
            "counted": self.counted.to_dict() if self.counted else None,
            "faults": list(self.faults),
            "cues": [c.to_dict() for c in self.cues],
            "elapsed_s": None if self.elapsed_s is None else round(self.elapsed_s, 2),
            "remaining_s": None if self.remaining_s is None else round(self.remaining_s, 2),
        }


@dataclass(frozen=True, slots=True)
class ChairStandReport:
    """A whole test: the count and how it was reached."""

    protocol: str
    count: int
    stands: tuple[StandRecord, ...]
    partial_stands: tuple[PartialStand, ...]
    started_ms: float | None  # when the test clock started; None if nobody rose
    time_elapsed: bool  # the full test time was watched
    duration_s: float  # the test's length (30 s)
    unseen_s: float  # test time without a view the counter could judge
    frames: int
    frames_with_person: int
    method: str = METHOD_CAMERA

    @property
    def faults(self) -> dict[str, int]:
        """How many counted stands carried each fault."""
        out: dict[str, int] = {}
        for stand in self.stands:
            for code in stand.faults:
                out[code] = out.get(code, 0) + 1
        return dict(sorted(out.items()))

    @property
    def hands_used(self) -> bool:
        """STEADI: someone who must use their arms to stand scores 0; a clinician decides."""
        return any("hands_on_legs" in s.faults for s in self.stands)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "protocol": self.protocol,
            "count": self.count,
            "time_elapsed": self.time_elapsed,
            "duration_s": self.duration_s,
            "started_s": None if self.started_ms is None else _s(self.started_ms),
            "stands": [s.to_dict() for s in self.stands],
            "partial_stands": [p.to_dict() for p in self.partial_stands],
            "faults": self.faults,
            "hands_used": self.hands_used,
            "unseen_s": round(self.unseen_s, 2),
            "frames": self.frames,
            "frames_with_person": self.frames_with_person,
        }


def _s(ms: float) -> float:
    return round(ms / 1000.0, 2)


# --- measuring one frame -------------------------------------------------------------------


def measure_stand(frame: PoseFrame, protocol: ChairStandProtocol) -> StandMeasures | View:
    """The frame's measures, or the reason it cannot be judged (a :class:`View`)."""
    vis = protocol.visibility
    if not can_see(frame, vis.min_lower_body, vis.margin):
        return View.LOW_VISIBILITY
    leg, other = _better_seen_leg(frame)
    if float(np.min(frame.visibility(*_leg_points(leg)))) < vis.min_leg:
        return View.LOW_VISIBILITY
    m = measure(frame, leg, other)
    if m.shoulder_width > vis.max_shoulder_width and m.hip_width > vis.max_hip_width:
        return View.NOT_SIDE_ON
    p: list[list[float]] = frame.pixels().tolist()
    joints: list[list[float]] = frame.world.tolist() if frame.world is not None else p
    # Thighs from vertical (0 standing, 90 level), signed by the image direction of the knee.
    tilts = [inclination(p[lg.hip], p[lg.knee]) for lg in (leg, other)]
    direction = math.copysign(1.0, tilts[0])
    thigh = max(math.dist(p[leg.hip], p[leg.knee]), 1e-6)
    shin = math.dist(p[leg.knee], p[leg.ankle])
    return StandMeasures(
        knee=m.rear_knee,  # measure() calls its first leg "rear": here, the measured leg
        hip=joint_angle(joints[leg.shoulder], joints[leg.hip], joints[leg.knee]),
        rise=((p[leg.ankle][1] - p[leg.hip][1]) - shin) / thigh,
        thighs_forward=min(direction * tilt for tilt in tilts),
        leg="left" if leg is LEFT_LEG else "right",
        wrists=_wrists(frame, p, protocol),
    )


def _leg_points(leg: Leg) -> tuple[BodyLandmark, BodyLandmark, BodyLandmark]:
    return BodyLandmark(leg.hip), BodyLandmark(leg.knee), BodyLandmark(leg.ankle)


def _better_seen_leg(frame: PoseFrame) -> tuple[Leg, Leg]:
    """In a side view the far leg is hidden behind the near one: measure the one we see."""
    left = float(np.min(frame.visibility(*_leg_points(LEFT_LEG))))
    right = float(np.min(frame.visibility(*_leg_points(RIGHT_LEG))))
    return (LEFT_LEG, RIGHT_LEG) if left >= right else (RIGHT_LEG, LEFT_LEG)


def _wrists(
    frame: PoseFrame, p: list[list[float]], protocol: ChairStandProtocol
) -> tuple[Wrist, ...]:
    shoulders = np.array([p[_LEFT_SHOULDER], p[_RIGHT_SHOULDER]]).mean(axis=0)
    hips = np.array([p[_LEFT_HIP], p[_RIGHT_HIP]]).mean(axis=0)
    axis = hips - shoulders
    torso = float(np.hypot(*axis))
    if torso < 1e-6:
        return ()
    chest = shoulders + protocol.arms.chest_level * axis
    out = []
    for index in (BodyLandmark.LEFT_WRIST, BodyLandmark.RIGHT_WRIST):
        if frame.landmarks[index, 3] < protocol.visibility.min_wrist:
            continue
        w = np.array(p[index])
        out.append(
            Wrist(
                from_chest=float(np.hypot(*(w - chest))) / torso,
                level=float(np.dot(w - shoulders, axis)) / (torso * torso),
            )
        )
    return tuple(out)


# --- the counter ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Rise:
    """The repetition under way, from leaving the seat until seated again."""

    start_ms: float
    best_rise: float
    faults: set[str] = field(default_factory=set)
    standing_ms: float | None = None
    peak_ms: float | None = None
    peak_extension: float = -math.inf
    peak_final: bool = False
    counted: bool = False
    halfway: bool = False
    lowest_since_standing: float = math.inf


class ChairStandCounter:
    """Counts chair stands from frames in time order; one counter per test.

    ``start_ms`` starts the test clock at a known time (the web's "go"); without it the clock
    starts when the person first rises from the seat.
    """

    def __init__(
        self, protocol: ChairStandProtocol | None = None, *, start_ms: float | None = None
    ) -> None:
        self.protocol = protocol or load_chair_stand()
        p = self.protocol
        self._smoother = OneEuroFilter(SMOOTHING)
        self._state = StandState.WAITING
        self._start_ms = start_ms
        self._stands: list[StandRecord] = []
        self._partials: list[PartialStand] = []
        self._rise: _Rise | None = None
        self._last: PoseFrame | None = None
        self._last_ms: float | None = None
        self._previous_seen = False  # whether the previous frame could be judged
        self._last_seen_ms: float | None = None  # last frame the counter could judge
        self._last_rise: float | None = None  # its rise fraction
        self._arms_crossed = True
        self._fault_since: dict[str, float] = {}
        self._gate = CueGate(
            repeat_ms=p.timing.cue_repeat_s * 1000.0, gap_ms=p.timing.cue_gap_s * 1000.0
        )
        self._warned = False
        self._unseen_ms = 0.0
        self._frames = 0
        self._frames_with_person = 0
        self._elapsed_watched = False

    # -- public ---------------------------------------------------------------------------

    @property
    def state(self) -> StandState:
        return self._state

    @property
    def count(self) -> int:
        return len(self._stands)

    @property
    def started_ms(self) -> float | None:
        return self._start_ms

    @property
    def end_ms(self) -> float | None:
        if self._start_ms is None:
            return None
        return self._start_ms + self.protocol.test.duration_s * 1000.0

    def start(self, timestamp_ms: float) -> None:
        """Start the test clock now (an explicit "go"); ignored once it runs."""
        if self._start_ms is None:
            self._start_ms = timestamp_ms

    def update(
        self, frame: PoseFrame | None, timestamp_ms: float | None = None
    ) -> ChairStandUpdate:
        """Judge one frame; ``None`` means the pose model found nobody at ``timestamp_ms``."""
        t = self._time_of(frame, timestamp_ms)
        self._frames += 1
        self._frames_with_person += frame is not None
        cues: list[Cue] = []
        if self._state is StandState.DONE:
            return self._answer(t, View.OK, None, None, cues)
        end = self.end_ms
        if end is not None and t > end:
            self._finish(end, t, frame, cues)
            return self._answer(t, View.OK, None, None, cues)
        measures: StandMeasures | View = View.NO_PERSON
        if frame is not None:
            measures = measure_stand(smooth_frame(self._smoother, frame), self.protocol)
        self._previous_seen = not isinstance(measures, View)
        counted: StandRecord | None = None
        if isinstance(measures, View):
            self._unseen(t, measures, cues)
        else:
            counted = self._seen(t, measures, cues)
        self._warn_before_end(t, cues)
        if isinstance(measures, View):
            return self._answer(t, measures, None, None, cues)
        return self._answer(t, View.OK, measures, counted, cues)

    def finish(self, timestamp_ms: float) -> list[Cue]:
        """The recording (or the live session) ends at ``timestamp_ms``; applies the clock."""
        cues: list[Cue] = []
        end = self.end_ms
        if self._state is not StandState.DONE and end is not None and timestamp_ms >= end:
            self._finish(end, timestamp_ms, None, cues)
        return cues

    def report(self) -> ChairStandReport:
        return ChairStandReport(
            protocol=self.protocol.id,
            count=len(self._stands),
            stands=tuple(self._stands),
            partial_stands=tuple(self._partials),
            started_ms=self._start_ms,
            time_elapsed=self._elapsed_watched,
            duration_s=self.protocol.test.duration_s,
            unseen_s=self._unseen_ms / 1000.0,
            frames=self._frames,
            frames_with_person=self._frames_with_person,
        )

    # -- frames ---------------------------------------------------------------------------

    def _time_of(self, frame: PoseFrame | None, timestamp_ms: float | None) -> float:
        if frame is not None:
            check_order(self._last, frame)
            self._last = frame
            t = frame.timestamp_ms
        else:
            last = self._last_ms if self._last_ms is not None else -1.0
            t = last + 1.0 if timestamp_ms is None else max(float(timestamp_ms), last)
        previous = self._last_ms
        if previous is not None and not self._previous_seen and self._in_test(previous):
            # Test time from an unjudged frame to this one was not watched.
            end = self.end_ms
            self._unseen_ms += max(0.0, min(t, end if end is not None else t) - previous)
        self._last_ms = t
        return t

    def _in_test(self, t: float) -> bool:
        end = self.end_ms
        return self._start_ms is not None and end is not None and self._start_ms <= t < end

    def _unseen(self, t: float, view: View, cues: list[Cue]) -> None:
        self._fault_since.clear()
        lost_for = t - (self._last_seen_ms if self._last_seen_ms is not None else t)
        if self._last_seen_ms is None or lost_for > self.protocol.timing.max_gap_s * 1000.0:
            self._lose_track(t)
        code = "turn_sideways" if view is View.NOT_SIDE_ON else "cant_see_you"
        self._say(cues, code, t)

    def _lose_track(self, t: float) -> None:
        """Too long unseen: whatever happened meanwhile is not guessed."""
        if self._state in (StandState.WAITING, StandState.DONE):
            return
        self._close_rise(t, seated=False)
        self._state = StandState.WAITING

    def _seen(self, t: float, m: StandMeasures, cues: list[Cue]) -> StandRecord | None:
        p = self.protocol
        if self._last_seen_ms is not None and t - self._last_seen_ms > p.timing.max_gap_s * 1000.0:
            self._lose_track(t)
        self._last_seen_ms = t
        self._last_rise = m.rise
        self._arms(t, m, cues)
        state = self._state
        seated = self._is_seated(m, staying=state is StandState.SEATED)
        standing = self._is_standing(m, staying=state is StandState.STANDING)
        counted: StandRecord | None = None
        if state is StandState.WAITING:
            if seated:
                self._state = StandState.SEATED
            elif standing and self._start_ms is None:
                self._say(cues, "sit_to_start", t)
        elif state is StandState.SEATED:
            if not seated:
                self._state = StandState.RISING
                self._rise = _Rise(start_ms=t, best_rise=m.rise)
                if self._start_ms is None:
                    self._start_ms = t
        elif state is StandState.RISING:
            assert self._rise is not None
            self._rise.best_rise = max(self._rise.best_rise, m.rise)
            self._rise.faults |= self._confirmed(t)
            if standing:
                self._state = StandState.STANDING
                counted = self._stood(t, m)
            elif self._is_seated(m, staying=False):
                self._state = StandState.SEATED
                if self._close_rise(t, seated=True):
                    self._say(cues, "stand_up_fully", t)
        elif state is StandState.STANDING:
            assert self._rise is not None
            self._rise.faults |= self._confirmed(t)
            self._peak(t, m)
            if not standing:
                self._state = StandState.SITTING
                self._rise.lowest_since_standing = m.rise
                self._rise.peak_final = True
        elif state is StandState.SITTING:
            assert self._rise is not None
            self._rise.lowest_since_standing = min(self._rise.lowest_since_standing, m.rise)
            if seated:
                self._close_rise(t, seated=True)
                self._state = StandState.SEATED
            elif self._is_standing(m, staying=False):
                self._state = StandState.STANDING
                if self._rise.lowest_since_standing <= p.test.halfway_fraction:
                    self._say(cues, "sit_down_fully", t)
        return counted

    def _is_seated(self, m: StandMeasures, *, staying: bool) -> bool:
        s = self.protocol.seated
        return (
            m.knee <= s.knee_max.value(staying)
            and m.hip <= s.hip_max.value(staying)
            and m.rise <= s.rise_max.value(staying)
            and m.thighs_forward >= s.thigh_min_forward.value(staying)
        )

    def _is_standing(self, m: StandMeasures, *, staying: bool) -> bool:
        s = self.protocol.standing
        return m.knee >= s.knee_min.value(staying) and m.hip >= s.hip_min.value(staying)

    # -- repetitions ----------------------------------------------------------------------

    def _stood(self, t: float, m: StandMeasures) -> StandRecord | None:
        """A full stand reached from the seat: count it if the clock and spacing allow."""
        rise = self._rise
        assert rise is not None
        rise.standing_ms = t
        rise.peak_ms, rise.peak_extension = t, m.knee + m.hip
        previous = self._stands[-1].standing_ms if self._stands else -math.inf
        if t - previous < self.protocol.test.min_stand_interval_s * 1000.0:
            return None
        if self._start_ms is None or t < self._start_ms:
            return None
        rise.counted = True
        return self._record(rise, end_ms=None)

    def _peak(self, t: float, m: StandMeasures) -> None:
        """The stand's peak: knees and hips straightest before first leaving the full stand."""
        rise = self._rise
        if rise is not None and not rise.peak_final and m.knee + m.hip > rise.peak_extension:
            rise.peak_ms, rise.peak_extension = t, m.knee + m.hip
            if rise.counted:
                self._record(rise, end_ms=None)

    def _record(self, rise: _Rise, *, end_ms: float | None) -> StandRecord:
        """Write (or rewrite) the stand of ``rise`` as the last one counted."""
        number = len(self._stands) + (0 if self._rewriting(rise) else 1)
        assert rise.standing_ms is not None
        assert rise.peak_ms is not None
        record = StandRecord(
            number=number,
            start_ms=rise.start_ms,
            standing_ms=rise.standing_ms,
            peak_ms=rise.peak_ms,
            end_ms=end_ms,
            faults=tuple(sorted(rise.faults)),
            halfway=rise.halfway,
        )
        if self._rewriting(rise):
            self._stands[-1] = record
        else:
            self._stands.append(record)
        return record

    def _rewriting(self, rise: _Rise) -> bool:
        return bool(self._stands) and self._stands[-1].start_ms == rise.start_ms

    def _close_rise(self, t: float, *, seated: bool) -> PartialStand | None:
        """The repetition is over: back on the seat (``seated``) or lost from view.

        Returns the partial stand it was, if it sank back to the seat without a full stand.
        """
        rise, self._rise = self._rise, None
        if rise is None:
            return None
        if rise.counted:
            self._record(rise, end_ms=t if seated else None)
        elif (
            seated
            and rise.standing_ms is None
            and rise.best_rise >= self.protocol.test.partial_min_rise
        ):
            partial = PartialStand(rise.start_ms, t, rise.best_rise)
            self._partials.append(partial)
            return partial
        return None

    def _finish(self, end: float, t: float, frame: PoseFrame | None, cues: list[Cue]) -> None:
        """The test time is over: the half-way rule, then nothing more counts."""
        rise = self._rise
        if (
            self._state is StandState.RISING
            and rise is not None
            and self._last_seen_ms is not None
            and end - self._last_seen_ms <= self.protocol.timing.max_gap_s * 1000.0
        ):
            fraction = self._rise_at(end, t, frame)
            rise.best_rise = max(rise.best_rise, fraction)
            if fraction > self.protocol.test.halfway_fraction:
                rise.halfway = True
                rise.standing_ms = rise.peak_ms = end
                rise.counted = True
                self._record(rise, end_ms=None)
        self._rise = None
        self._state = StandState.DONE
        self._elapsed_watched = True
        self._fault_since.clear()
        self._say(cues, "time_up", end, urgent=True)

    def _rise_at(self, end: float, t: float, frame: PoseFrame | None) -> float:
        """How far up the person was at the end: interpolated when a frame straddles it."""
        before = self._last_rise if self._last_rise is not None else 0.0
        if frame is None or self._last_seen_ms is None or t <= self._last_seen_ms:
            return before
        m = measure_stand(smooth_frame(self._smoother, frame), self.protocol)
        if isinstance(m, View) or t - self._last_seen_ms > self.protocol.timing.max_gap_s * 1000:
            return before
        share = (end - self._last_seen_ms) / (t - self._last_seen_ms)
        return before + share * (m.rise - before)

    # -- form and cues --------------------------------------------------------------------

    def _arms(self, t: float, m: StandMeasures, cues: list[Cue]) -> None:
        """Arms crossed on the chest, hands off the legs: tracked continuously, cued once sure."""
        a = self.protocol.arms
        if not m.wrists:
            self._fault_since.clear()  # no wrist seen well enough: no judgement, no guess
            return
        low = any(w.level >= a.hands_low_level for w in m.wrists)
        limit = a.max_wrist_from_chest.value(self._arms_crossed)
        self._arms_crossed = all(w.from_chest <= limit for w in m.wrists)
        # Low hands push on the thighs or the seat when getting up; standing, they just hang.
        pushing = low and self._state in (StandState.SEATED, StandState.RISING)
        now = set()
        if pushing:
            now.add("hands_on_legs")
        elif low or not self._arms_crossed:
            now.add("arms_not_crossed")
        for code in list(self._fault_since):
            if code not in now:
                del self._fault_since[code]
        for code in now:
            self._fault_since.setdefault(code, t)
        for code in self._confirmed(t):
            self._say(cues, FAULT_CUES[code], t)

    def _confirmed(self, t: float) -> set[str]:
        confirm = self.protocol.timing.fault_confirm_s * 1000.0
        return {code for code, since in self._fault_since.items() if t - since >= confirm}

    def _warn_before_end(self, t: float, cues: list[Cue]) -> None:
        """Once, when the warning time is reached: the seconds actually left, never a stale "10"."""
        warn_ms = self.protocol.timing.warn_before_end_s * 1000.0
        end = self.end_ms
        if warn_ms <= 0 or self._warned or end is None or t < end - warn_ms:
            return
        self._warned = True
        left = math.ceil((end - t) / 1000.0 - 1e-6)
        if left > 0:
            self._say(cues, "seconds_left", t, {"seconds": str(left)}, urgent=True)

    def _say(
        self,
        cues: list[Cue],
        code: str,
        t: float,
        params: dict[str, str] | None = None,
        *,
        urgent: bool = False,
    ) -> None:
        if self._gate.allow(code, t, urgent=urgent):
            self._gate.mark(code, t)
            cues.append(Cue(code, tuple(sorted((params or {}).items()))))

    def _answer(
        self,
        t: float,
        view: View,
        measures: StandMeasures | None,
        counted: StandRecord | None,
        cues: list[Cue],
    ) -> ChairStandUpdate:
        elapsed = remaining = None
        if self._start_ms is not None:
            total = self.protocol.test.duration_s
            elapsed = min(max(0.0, (t - self._start_ms) / 1000.0), total)
            remaining = total - elapsed
        return ChairStandUpdate(
            timestamp_ms=t,
            view=view,
            state=self._state,
            count=self.count,
            measures=measures,
            counted=counted,
            faults=tuple(sorted(self._confirmed(t))),
            cues=tuple(cues),
            elapsed_s=elapsed,
            remaining_s=remaining,
        )


# --- recordings ----------------------------------------------------------------------------


def count_chair_stands(
    frames: Iterable[PoseFrame | tuple[float, PoseFrame | None]],
    protocol: ChairStandProtocol | None = None,
    *,
    start_ms: float | None = None,
) -> ChairStandReport:
    """Count a recorded test: frames, or (timestamp_ms, frame or None) pairs, in time order."""
    counter = ChairStandCounter(protocol, start_ms=start_ms)
    last_ms: float | None = None
    step_ms = 0.0
    for item in frames:
        t, frame = (item.timestamp_ms, item) if isinstance(item, PoseFrame) else item
        counter.update(frame, t)
        if last_ms is not None:
            step_ms = t - last_ms
        last_ms = t
    if last_ms is not None:
        # The last frame stands for one frame interval of video.
        counter.finish(last_ms + step_ms)
    return counter.report()


# --- cue texts -----------------------------------------------------------------------------


@cache
def chair_stand_cues() -> CueCatalog:
    """The chair stand's cues (data/chair_stand_cues.toml) plus the shared ones it says."""
    text = resources.files("coach.data").joinpath("chair_stand_cues.toml").read_text("utf-8")
    own = parse(text)
    shared = catalog()
    texts = {code: shared.texts[code] for code in SHARED_CUES} | own.texts
    return CueCatalog(texts=texts, sides=shared.sides)


def chair_stand_cue_text(cue: Cue, language: str = "en") -> str:
    return chair_stand_cues().text(cue, language)
