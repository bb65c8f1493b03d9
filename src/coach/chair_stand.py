"""The 30-second chair stand test, counted by the camera from the side.

Frames go in one at a time (``None`` when the pose model saw nobody); a state machine follows
the person: waiting → seated → rising → standing → sitting → seated … and counts a repetition
when a rise that began from a seated position reaches a full stand (hips and knees extended).
Every threshold is a band with hysteresis, so jitter at a threshold never counts twice.

The test clock runs 30 s from "Go". The counter gives "Go" itself (``StartMode.GO``): once it
has seen the person seated and still, arms crossed, it says "Ready", counts 3, 2, 1 and says
"Go"; rising before "Go" stops the countdown. A recording it did not start can instead be timed
from the first rise (``StartMode.FIRST_RISE``) or from a known start (``start_ms``). At the end,
a stand that is more than halfway up counts (CDC STEADI). What the camera cannot see is
reported as such ("can't see you"), never guessed: after a gap longer than ``max_gap_s`` the
counter waits to see the person seated again before it counts anything.

Arms: STEADI has the arms crossed on the chest, and a person who must use their arms to stand
scores 0. A seen wrist outside the crossed-arm region is ``arms_not_crossed`` (cue
``cross_arms``), or ``hands_on_legs`` when it is at the thighs, knees or seat while seated or
rising (cue ``hands_off_legs``). A counted stand whose rise had either is ``hands_used``, and
the test's ``score`` is then 0; ``count`` keeps the full stands for the clinician. A rise that
sinks back without a full stand is a partial stand, not counted (``stand_up_fully``).
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


class StartMode(StrEnum):
    GO = "go"  # the counter says "Ready", 3, 2, 1, "Go" once the person sits still
    FIRST_RISE = "first_rise"  # a recording nobody said "Go" in: the clock starts at the first rise


class ChairStandPhase(StrEnum):
    SETUP = "setup"  # waiting to see the person seated and still
    COUNTDOWN = "countdown"  # "Ready", 3, 2, 1
    TEST = "test"  # the 30 s clock runs
    DONE = "done"


# Faults that mean the arms helped when they happen during a rise.
HAND_FAULTS = frozenset({"arms_not_crossed", "hands_on_legs"})


class StandState(StrEnum):
    WAITING = "waiting"  # not yet seen seated (or lost for too long): nothing can count yet
    SEATED = "seated"
    RISING = "rising"
    STANDING = "standing"
    SITTING = "sitting"  # on the way back down
    DONE = "done"  # the test time is over


@dataclass(frozen=True, slots=True)
class Wrist:
    """One visible wrist, in the trunk's own frame, so leaning forward changes nothing.

    ``level``: down the trunk line (mid-shoulder to mid-hip), 0 at the shoulders, 1 at the hips;
    ``forward``: in front of that line (negative: behind it); both in torso lengths.
    ``from_thigh``: distance from the measured thigh (hip to knee), in thigh lengths.
    """

    level: float
    forward: float
    from_thigh: float


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
    hands_used: bool = False  # arms not crossed (or hands on the legs) while rising
    arms_seen: bool = False  # a wrist was seen well enough to judge during the rise

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "start_s": _s(self.start_ms),
            "standing_s": _s(self.standing_ms),
            "peak_s": _s(self.peak_ms),
            "end_s": None if self.end_ms is None else _s(self.end_ms),
            "faults": list(self.faults),
            "halfway": self.halfway,
            "hands_used": self.hands_used,
            "arms_seen": self.arms_seen,
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
    phase: ChairStandPhase = ChairStandPhase.SETUP
    starts_in_s: float | None = None  # during the countdown: seconds until "Go"
    hands_used: bool = False  # a counted stand so far used the hands: the test scores 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "timestamp_ms": round(self.timestamp_ms, 3),
            "phase": self.phase.value,
            "starts_in_s": None if self.starts_in_s is None else round(self.starts_in_s, 2),
            "view": self.view.value,
            "state": self.state.value,
            "count": self.count,
            "hands_used": self.hands_used,
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
        """A counted stand had the arms uncrossed or the hands on the legs while rising."""
        return any(s.hands_used for s in self.stands)

    @property
    def score(self) -> int:
        """STEADI: "If the patient must use his/her arms to stand, stop the test. Record 0."

        ``count`` keeps the full stands seen, for the clinician.
        """
        return 0 if self.hands_used else self.count

    @property
    def arms_checked(self) -> int:
        """Counted stands whose arms the camera could judge while rising (a wrist was seen)."""
        return sum(1 for s in self.stands if s.arms_seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "protocol": self.protocol,
            "score": self.score,
            "count": self.count,
            "time_elapsed": self.time_elapsed,
            "duration_s": self.duration_s,
            "started_s": None if self.started_ms is None else _s(self.started_ms),
            "stands": [s.to_dict() for s in self.stands],
            "partial_stands": [p.to_dict() for p in self.partial_stands],
            "faults": self.faults,
            "hands_used": self.hands_used,
            "arms_checked": self.arms_checked,
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
        wrists=_wrists(frame, p, leg, protocol),
    )


def _leg_points(leg: Leg) -> tuple[BodyLandmark, BodyLandmark, BodyLandmark]:
    return BodyLandmark(leg.hip), BodyLandmark(leg.knee), BodyLandmark(leg.ankle)


def _better_seen_leg(frame: PoseFrame) -> tuple[Leg, Leg]:
    """In a side view the far leg is hidden behind the near one: measure the one we see."""
    left = float(np.min(frame.visibility(*_leg_points(LEFT_LEG))))
    right = float(np.min(frame.visibility(*_leg_points(RIGHT_LEG))))
    return (LEFT_LEG, RIGHT_LEG) if left >= right else (RIGHT_LEG, LEFT_LEG)


def _wrists(
    frame: PoseFrame, p: list[list[float]], leg: Leg, protocol: ChairStandProtocol
) -> tuple[Wrist, ...]:
    shoulders = np.array([p[_LEFT_SHOULDER], p[_RIGHT_SHOULDER]]).mean(axis=0)
    hips = np.array([p[_LEFT_HIP], p[_RIGHT_HIP]]).mean(axis=0)
    axis = hips - shoulders
    torso = float(np.hypot(*axis))
    hip, knee = np.array(p[leg.hip]), np.array(p[leg.knee])
    thigh = knee - hip
    thigh_length = float(np.hypot(*thigh))
    if torso < 1e-6 or thigh_length < 1e-6:
        return ()
    down = axis / torso
    # Forward: the perpendicular to the trunk on the side the feet point to (toes ahead of
    # the heel), so it follows the chest when the person leans over their knees.
    toe_dx = p[leg.toe][0] - p[leg.heel][0]
    facing = math.copysign(1.0, toe_dx if abs(toe_dx) > 1e-6 else thigh[0])
    forward = np.array([-down[1], down[0]])
    if forward[0] * facing < 0:
        forward = -forward
    out = []
    for index in (BodyLandmark.LEFT_WRIST, BodyLandmark.RIGHT_WRIST):
        if frame.landmarks[index, 3] < protocol.visibility.min_wrist:
            continue
        w = np.array(p[index])
        along = float(np.clip(np.dot(w - hip, thigh) / (thigh_length * thigh_length), 0.0, 1.0))
        nearest = hip + along * thigh
        out.append(
            Wrist(
                level=float(np.dot(w - shoulders, down)) / torso,
                forward=float(np.dot(w - shoulders, forward)) / torso,
                from_thigh=float(np.hypot(*(w - nearest))) / thigh_length,
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
    rise_faults: set[str] = field(default_factory=set)  # confirmed before the full stand
    arms_seen: bool = False


@dataclass(frozen=True, slots=True)
class _Still:
    """One seated frame, for telling whether the person sits still."""

    t: float
    rise: float
    knee: float
    hip: float


class ChairStandCounter:
    """Counts chair stands from frames in time order; one counter per test.

    ``start`` says how the test clock starts: ``GO`` (the counter says "Ready", 3, 2, 1, "Go"
    once it sees the person seated and still, arms crossed), or ``FIRST_RISE`` (a recording:
    the first rise from the seat). ``start_ms`` (or :meth:`start`) gives a known start instead.
    """

    def __init__(
        self,
        protocol: ChairStandProtocol | None = None,
        *,
        start_ms: float | None = None,
        start: StartMode = StartMode.GO,
    ) -> None:
        self.protocol = protocol or load_chair_stand()
        p = self.protocol
        self._smoother = OneEuroFilter(SMOOTHING)
        self._state = StandState.WAITING
        self._start_ms = start_ms
        self._mode = start
        self._still: list[_Still] = []
        self._calm_since: float | None = None  # seated, arms crossed, since
        self._ready_ms: float | None = None  # when "Ready" was said: the countdown runs
        self._said_count = 0  # numbers of the countdown said so far
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

    @property
    def phase(self) -> ChairStandPhase:
        if self._state is StandState.DONE:
            return ChairStandPhase.DONE
        if self._start_ms is not None:
            return ChairStandPhase.TEST
        return ChairStandPhase.COUNTDOWN if self._ready_ms is not None else ChairStandPhase.SETUP

    @property
    def go_ms(self) -> float | None:
        """When "Go" is due, while the countdown runs."""
        if self._ready_ms is None or self._start_ms is not None:
            return None
        s = self.protocol.start
        return self._ready_ms + (s.ready_s + s.countdown) * 1000.0

    def start(self, timestamp_ms: float) -> None:
        """Start the test clock now (an explicit "go"); ignored once it runs."""
        if self._start_ms is None:
            self._start_ms = timestamp_ms
            self._ready_ms = None

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
        if self._ready_ms is not None:  # the countdown starts again once they sit still
            self._ready_ms = None
            self._said_count = 0
        self._still.clear()
        self._calm_since = None
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
            elif self._start_ms is None and (standing or self._mode is StartMode.GO):
                self._say(cues, "sit_to_start", t)
        elif state is StandState.SEATED:
            if not seated:
                self._state = StandState.RISING
                self._rise = _Rise(start_ms=t, best_rise=m.rise)
                self._rising(t, m)
                if self._start_ms is None and self._mode is StartMode.FIRST_RISE:
                    self._start_ms = t
        elif state is StandState.RISING:
            assert self._rise is not None
            self._rise.best_rise = max(self._rise.best_rise, m.rise)
            self._rising(t, m)
            if standing:
                self._state = StandState.STANDING
                counted = self._stood(t, m)
            elif self._is_seated(m, staying=False):
                self._state = StandState.SEATED
                if self._close_rise(t, seated=True) and self._start_ms is not None:
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
                if (
                    self._rise.lowest_since_standing <= p.test.halfway_fraction
                    and self._start_ms is not None
                ):
                    self._say(cues, "sit_down_fully", t)
        if self._mode is StartMode.GO and self._start_ms is None:
            self._get_ready(t, m, cues)
        return counted

    def _rising(self, t: float, m: StandMeasures) -> None:
        """Faults confirmed from leaving the seat to the full stand: the arms helped or not."""
        rise = self._rise
        assert rise is not None
        confirmed = self._confirmed(t)
        rise.faults |= confirmed
        rise.rise_faults |= confirmed
        rise.arms_seen = rise.arms_seen or bool(m.wrists)

    # -- "Ready", 3, 2, 1, "Go" -----------------------------------------------------------

    def _get_ready(self, t: float, m: StandMeasures, cues: list[Cue]) -> None:
        """Seated and still, arms crossed: "Ready", then the countdown, then "Go"."""
        s = self.protocol.start
        calm = self._state is StandState.SEATED and not self._fault_since
        if self._ready_ms is not None:
            if self._state is not StandState.SEATED:
                self._call_off(t, cues)  # rose (or was lost) before "Go"
                return
            go = self.go_ms
            assert go is not None
            if t >= go:
                self._start_ms = t  # the clock starts when "Go" is said
                self._ready_ms = None
                self._say(cues, "go", t, force=True)
                return
            due = min(s.countdown, int((t - self._ready_ms) / 1000.0 - s.ready_s + 1e-9) + 1)
            if due > self._said_count and t >= self._ready_ms + s.ready_s * 1000.0:
                self._said_count = due
                number = s.countdown - due + 1
                self._say(cues, "countdown", t, {"seconds": str(number)}, force=True)
            return
        if not calm:
            self._still.clear()
            self._calm_since = None
            return
        self._still.append(_Still(t, m.rise, m.knee, m.hip))
        window = t - s.still_s * 1000.0
        while self._still and self._still[0].t < window:
            self._still.pop(0)
        if self._calm_since is None:
            self._calm_since = t
        if t - self._calm_since >= s.still_s * 1000.0 and self._is_still():
            self._ready_ms = t
            self._said_count = 0
            self._still.clear()
            self._calm_since = None
            self._say(cues, "ready", t, force=True)

    def _is_still(self) -> bool:
        s = self.protocol.start
        if not self._still:
            return False
        rises = [x.rise for x in self._still]
        knees = [x.knee for x in self._still]
        hips = [x.hip for x in self._still]
        return (
            max(rises) - min(rises) <= s.still_max_rise
            and max(knees) - min(knees) <= s.still_max_angle
            and max(hips) - min(hips) <= s.still_max_angle
        )

    def _call_off(self, t: float, cues: list[Cue]) -> None:
        """Moved before "Go": wait to see them seated and still again."""
        self._ready_ms = None
        self._said_count = 0
        self._still.clear()
        self._calm_since = None
        self._say(cues, "wait_for_go", t, force=True)

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
            hands_used=bool(rise.rise_faults & HAND_FAULTS),
            arms_seen=rise.arms_seen,
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
            and self._start_ms is not None
            and rise.start_ms >= self._start_ms
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
        """Arms crossed on the chest, hands off the legs: tracked continuously, cued once sure.

        A wrist is crossed while it lies in the crossed-arm region (on the front of the chest,
        in the trunk's own frame); outside it, it is at the legs or the seat when it is within
        reach of the thigh or at seat height, and the person is seated or rising (pushing up).
        """
        a = self.protocol.arms
        if not m.wrists:
            self._fault_since.clear()  # no wrist seen well enough: no judgement, no guess
            return
        staying = self._arms_crossed
        self._arms_crossed = all(
            a.level_min.value(staying) <= w.level <= a.level_max.value(staying)
            and a.forward_min.value(staying) <= w.forward <= a.forward_max.value(staying)
            for w in m.wrists
        )
        now = set()
        if not self._arms_crossed:
            support = any(w.level >= a.seat_level or w.from_thigh <= a.leg_reach for w in m.wrists)
            pushing = self._state in (StandState.SEATED, StandState.RISING)
            now.add("hands_on_legs" if support and pushing else "arms_not_crossed")
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
        force: bool = False,
    ) -> None:
        """Say a cue if the rate limits allow (``force``: always, for "Ready", 3, 2, 1, "Go")."""
        if force or self._gate.allow(code, t, urgent=urgent):
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
        go = self.go_ms
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
            phase=self.phase,
            starts_in_s=None if go is None else max(0.0, (go - t) / 1000.0),
            hands_used=any(s.hands_used for s in self._stands),
        )


# --- recordings ----------------------------------------------------------------------------


def count_chair_stands(
    frames: Iterable[PoseFrame | tuple[float, PoseFrame | None]],
    protocol: ChairStandProtocol | None = None,
    *,
    start_ms: float | None = None,
    start: StartMode = StartMode.FIRST_RISE,
) -> ChairStandReport:
    """Count a recorded test: frames, or (timestamp_ms, frame or None) pairs, in time order.

    Nobody heard our "Go" in a recording, so by default its clock starts at the first rise;
    ``start_ms`` gives the start when it is known, ``start=StartMode.GO`` runs the live rule.
    """
    counter = ChairStandCounter(protocol, start_ms=start_ms, start=start)
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
