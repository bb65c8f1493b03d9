"""The guided session: setup → hold → rest → … → switch side → … → done, driven by time.

Time is data: every call carries the frame's timestamp, so a session replays identically from
a recording and tests need no clock. Hold time is credited only for the gap since the previous
frame (capped), and only when that frame shows the stretch with good form, so it can never run
ahead of wall time or count a faulty frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from coach.assessment import Assessment, Side, View
from coach.events import (
    Cue,
    Event,
    FormTally,
    HoldEnded,
    HoldRecord,
    Phase,
    PhaseChanged,
    SetCompleted,
    SetRecord,
)
from coach.own_range import OwnRangeTracker, RangeReading
from coach.protocol import Protocol, SetOrder

# A gap between frames longer than this is not credited as hold time (a stalled camera).
MAX_CREDIT_MS = 1000.0
# Spoken "breathe out slowly" at most once per this many breaths.
BREATH_CUE_EVERY = 3

_SETUP_PHASES = (Phase.SETUP, Phase.SWITCH_SIDE)


@dataclass(frozen=True, slots=True)
class SessionState:
    """A full snapshot: what a reconnecting screen needs to draw itself, and nothing more."""

    phase: Phase
    side: Side | None
    set_number: int
    sets_per_side: int
    held_s: float
    target_s: float
    rest_left_s: float | None
    setup_left_s: float | None
    view: View | None
    in_position: bool
    faults: tuple[str, ...]
    cue: Cue | None
    breath: str | None
    breath_progress: float | None
    sets_done: int
    sets_total: int
    timer_only: bool
    # The person's own range for the expected side (None when timer-only or not in the protocol)
    own_range: RangeReading | None = None
    # The furthest rear-hip extension of the set in progress, if any.
    reached: float | None = None

    def range_dict(self) -> dict[str, Any] | None:
        """The baseline, current shift, reached extension and target, for the live screen."""
        if self.own_range is None:
            return None
        reading = self.own_range
        reached_shift = (
            None
            if self.reached is None or reading.baseline is None
            else round(self.reached - reading.baseline, 1)
        )
        return {
            **reading.to_dict(),
            "reached": None if self.reached is None else round(self.reached, 1),
            "reached_shift": reached_shift,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase.value,
            "side": self.side.value if self.side else None,
            "set": self.set_number,
            "sets_per_side": self.sets_per_side,
            "held_s": round(self.held_s, 2),
            "target_s": self.target_s,
            "rest_left_s": None if self.rest_left_s is None else round(self.rest_left_s, 1),
            "setup_left_s": None if self.setup_left_s is None else round(self.setup_left_s, 1),
            "view": self.view.value if self.view else None,
            "in_position": self.in_position,
            "faults": list(self.faults),
            "cue": self.cue.to_dict() if self.cue else None,
            "breath": self.breath,
            "breath_progress": None
            if self.breath_progress is None
            else round(self.breath_progress, 2),
            "sets_done": self.sets_done,
            "sets_total": self.sets_total,
            "timer_only": self.timer_only,
            "range": self.range_dict(),
        }


@dataclass(slots=True)
class CueGate:
    """Rate limits with memory: no cue twice within ``repeat_ms``, none within ``gap_ms``."""

    repeat_ms: float
    gap_ms: float
    last_by_code: dict[str, float] = field(default_factory=dict)
    last_any: float = -1e18

    def allow(self, code: str, t: float, *, urgent: bool) -> bool:
        if t - self.last_by_code.get(code, -1e18) < self.repeat_ms:
            return False
        return urgent or t - self.last_any >= self.gap_ms

    def mark(self, code: str, t: float) -> None:
        self.last_by_code[code] = t
        self.last_any = t


@dataclass(slots=True)
class _Settle(FormTally):
    """A stretch that has begun but not yet lasted long enough to be called a hold."""

    start_ms: float
    side: Side | None


def _codes(a: Assessment) -> list[str]:
    return [f.code for f in a.faults]


def plan_sets(protocol: Protocol, first: Side) -> list[tuple[Side, int]]:
    n = protocol.sets_per_side
    if protocol.order is SetOrder.ALTERNATE:
        return [(side, k) for k in range(1, n + 1) for side in (first, first.other)]
    return [(first, k) for k in range(1, n + 1)] + [(first.other, k) for k in range(1, n + 1)]


class Session:
    """One guided session. Feed it assessments (camera) or ticks (timer-only), in time order."""

    def __init__(self, protocol: Protocol, *, timer_only: bool = False, start_ms: float = 0.0):
        self.protocol = protocol
        self.timer_only = timer_only
        self.holds: list[HoldRecord] = []
        self.sets: list[SetRecord] = []
        self._plan: list[tuple[Side, int]] = (
            plan_sets(protocol, protocol.first_side or Side.LEFT)
            if timer_only or protocol.first_side
            else []
        )
        self._index = 0
        self._phase = Phase.SETUP
        self._phase_since = start_ms
        self._paused_from: Phase | None = None
        self._paused_at = start_ms
        self._rest_started = start_ms
        self._last_ms = start_ms
        self._hold: HoldRecord | None = None
        self._set: SetRecord | None = None
        self._last_stretch_ms = start_ms
        self._fault_since: dict[str, float] = {}
        self._breaths_cued = -BREATH_CUE_EVERY
        t = protocol.timing
        self._gate = CueGate(repeat_ms=t.cue_repeat_s * 1000.0, gap_ms=t.cue_gap_s * 1000.0)
        self._cue: Cue | None = None
        self._last: Assessment | None = None
        self._settle: _Settle | None = None
        self._restored_done = 0
        self._own = None if timer_only else OwnRangeTracker.for_protocol(protocol)
        # The last camera frame as the session judged it (the pelvis rule from the own range).
        self.judged: Assessment | None = None

    @classmethod
    def restored(
        cls,
        protocol: Protocol,
        *,
        first_side: Side | None,
        sets_done: int,
        timer_only: bool = False,
        start_ms: float = 0.0,
        baselines: Mapping[Side, float] | None = None,
    ) -> Session:
        """A session picked up after a dropped connection: the next set starts in set-up.

        ``baselines`` are the sides' set-ups already captured (stored with the finished sets).
        """
        session = cls(protocol, timer_only=timer_only, start_ms=start_ms)
        if session._own is not None and baselines:
            session._own.baselines.update(baselines)
        if first_side is not None:
            session._plan = plan_sets(protocol, first_side)
        if session._plan:
            session._index = min(max(sets_done, 0), len(session._plan))
            session._restored_done = session._index
        if session._plan and session._index >= len(session._plan):
            session._phase = Phase.DONE
        elif (
            session._index > 0 and session._plan[session._index - 1][0] is not session.expected_side
        ):
            session._phase = Phase.SWITCH_SIDE
        return session

    @property
    def first_side(self) -> Side | None:
        """The side the session began with, once known (it may be chosen by the person)."""
        return self._plan[0][0] if self._plan else None

    # -- public -----------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def phase_since_ms(self) -> float:
        """When the current phase began: a hold is dated from the start of its settling."""
        return self._phase_since

    @property
    def done(self) -> bool:
        return self._phase is Phase.DONE

    @property
    def expected_side(self) -> Side | None:
        return self._plan[self._index][0] if self._index < len(self._plan) else None

    @property
    def set_number(self) -> int:
        return self._plan[self._index][1] if self._index < len(self._plan) else 1

    def start(self) -> list[Event]:
        """The opening cue; call once when the person is ready to begin."""
        events: list[Event] = [PhaseChanged(self._phase, self.expected_side, self.set_number)]
        self._say(events, "get_into_position", self._last_ms, self._side_param(), urgent=True)
        return events

    def feed(self, assessment: Assessment) -> list[Event]:
        """Advance with one judged camera frame."""
        if self.timer_only:
            raise ValueError("this session is timer-only: call tick()")
        t = assessment.timestamp_ms
        if t < self._last_ms:
            raise ValueError(f"time went backwards: {t:g} ms after {self._last_ms:g} ms")
        self._cue = None
        events: list[Event] = []
        dt = min(t - self._last_ms, MAX_CREDIT_MS)
        if self._own is not None:
            if self._phase in _SETUP_PHASES:
                self._own.observe_setup(assessment, dt, self.expected_side)
            assessment = self._own.judge(assessment, self.expected_side)
        self.judged = assessment
        if self._phase is Phase.PAUSED or self._phase is Phase.DONE:
            self._last_ms = t
            return events
        self._last = assessment
        self._track_faults(assessment, t)
        if self._phase is Phase.REST:
            self._rest(events, t)
        elif self._phase in _SETUP_PHASES:
            self._setup(events, assessment, t, dt)
        elif self._phase is Phase.HOLD:
            self._holding(events, assessment, t, dt)
        self._last_ms = t
        return events

    def tick(self, timestamp_ms: float) -> list[Event]:
        """Advance the clock alone: the timer-only mode, or rest countdowns without frames."""
        t = timestamp_ms
        if t < self._last_ms:
            raise ValueError(f"time went backwards: {t:g} ms after {self._last_ms:g} ms")
        self._cue = None
        events: list[Event] = []
        if self._phase in (Phase.PAUSED, Phase.DONE):
            self._last_ms = t
            return events
        dt = min(t - self._last_ms, MAX_CREDIT_MS)
        if self._phase is Phase.REST:
            self._rest(events, t)
        elif self.timer_only and self._phase in _SETUP_PHASES:
            if t - self._phase_since >= self.protocol.timing.timer_setup_s * 1000.0:
                self._begin_hold(events, t)
        elif self.timer_only and self._phase is Phase.HOLD and self._hold and self._set:
            self._credit(dt)
            self._hold.end_ms = t
            self._breathing(events, t)
            if self._set.good_form_ms >= self.protocol.hold_s * 1000.0:
                self._complete_set(events, t)
        self._last_ms = t
        return events

    def start_hold(self, timestamp_ms: float) -> list[Event]:
        """Timer-only: the person says they are in position; skip the rest of the countdown."""
        events: list[Event] = []
        if self.timer_only and self._phase in _SETUP_PHASES:
            self._last_ms = max(self._last_ms, timestamp_ms)
            self._begin_hold(events, self._last_ms)
        return events

    def pause(self, timestamp_ms: float) -> list[Event]:
        events: list[Event] = []
        if self._phase in (Phase.PAUSED, Phase.DONE):
            self._last_ms = max(self._last_ms, timestamp_ms)
            return events
        t = max(self._last_ms, timestamp_ms)
        if self._hold is not None:
            self._end_hold(events, self._hold.end_ms)
        self._settle = None
        self._paused_from = self._phase if self._phase is not Phase.HOLD else Phase.SETUP
        self._paused_at = t
        self._change(events, Phase.PAUSED, t)
        self._say(events, "paused", t, urgent=True)
        return events

    def resume(self, timestamp_ms: float) -> list[Event]:
        events: list[Event] = []
        if self._phase is not Phase.PAUSED or self._paused_from is None:
            # Even a needless resume marks time: credit never spans a gap it did not see.
            self._last_ms = max(self._last_ms, timestamp_ms)
            return events
        t = max(self._last_ms, timestamp_ms)
        resumed = self._paused_from
        # A rest countdown continues where it stopped; set-up starts afresh.
        since = self._rest_started + (t - self._paused_at) if resumed is Phase.REST else t
        self._paused_from = None
        self._change(events, resumed, t)
        if resumed is Phase.REST:
            self._rest_started = since
        self._last_ms = t
        self._say(events, "resumed", t, self._side_param(), urgent=True)
        return events

    def finish(self, timestamp_ms: float) -> list[Event]:
        """Close an open hold at the end of a recording or a dropped session."""
        events: list[Event] = []
        if self._hold is not None:
            self._end_hold(events, self._hold.end_ms)
        self._last_ms = max(self._last_ms, timestamp_ms)
        return events

    @property
    def state(self) -> SessionState:
        held = self._set.good_form_ms / 1000.0 if self._set else 0.0
        rest_left = None
        setup_left = None
        if self._phase is Phase.REST:
            rest_left = max(
                0.0, self.protocol.timing.rest_s - (self._last_ms - self._rest_started) / 1000.0
            )
        if self.timer_only and self._phase in _SETUP_PHASES:
            setup_left = max(
                0.0,
                self.protocol.timing.timer_setup_s - (self._last_ms - self._phase_since) / 1000.0,
            )
        breath, progress = self._breath(self._last_ms)
        last = self._last
        return SessionState(
            phase=self._phase,
            side=self.expected_side,
            set_number=self.set_number,
            sets_per_side=self.protocol.sets_per_side,
            held_s=held,
            target_s=self.protocol.hold_s,
            rest_left_s=rest_left,
            setup_left_s=setup_left,
            view=last.view if last else None,
            in_position=bool(last and last.in_position),
            faults=tuple(f.code for f in last.faults) if last else (),
            cue=self._cue,
            breath=breath,
            breath_progress=progress,
            sets_done=self._restored_done + sum(1 for s in self.sets if s.completed),
            sets_total=self.protocol.sets_per_side * 2,
            timer_only=self.timer_only,
            own_range=self._own.reading(self.expected_side) if self._own is not None else None,
            reached=self._reached(),
        )

    def _reached(self) -> float | None:
        records: list[FormTally] = [] if self._settle is None else [self._settle]
        current = self._set
        if current is not None and (current.side, current.set_number) == (
            self.expected_side,
            self.set_number,
        ):
            records.append(current)
        values = [r.max_rear_hip_extension for r in records if r.max_rear_hip_extension is not None]
        return max(values) if values else None

    @property
    def baselines(self) -> dict[Side, float]:
        """Each side's set-up rear-hip extension captured so far (the person's own range)."""
        return dict(self._own.baselines) if self._own is not None else {}

    # -- phases -----------------------------------------------------------------------------

    def _stretching(self, a: Assessment) -> bool:
        expected = self.expected_side
        return (
            a.in_position
            and (expected is None or a.side is expected)
            and not any(f.code in self.protocol.hold_gate_faults for f in a.faults)
        )

    def _setup(self, events: list[Event], a: Assessment, t: float, dt: float) -> None:
        if self._stretching(a):
            # A hold starts once the stretch has lasted settle_s, dated from its first frame,
            # so passing through the position on the way to something else is not a hold.
            if self._settle is None:
                self._settle = _Settle(start_ms=t, side=a.side)
            elif a.side is self._settle.side:
                self._settle.add(dt, _codes(a), a.angles.get("rear_hip_extension"))
            else:
                self._settle = _Settle(start_ms=t, side=a.side)
            if t - self._settle.start_ms >= self.protocol.timing.settle_s * 1000.0:
                if not self._plan and a.side is not None:
                    self._plan = plan_sets(self.protocol, a.side)
                settle, self._settle = self._settle, None
                self._begin_hold(events, settle.start_ms, now=t)
                for record in self._records():
                    record.absorb(settle)
                if self._hold is not None:
                    self._hold.end_ms = t
                self._last_stretch_ms = t
            return
        self._settle = None
        code, params = self._why_not(a)
        self._say(events, code, t, params)

    def _why_not(self, a: Assessment) -> tuple[str, dict[str, str]]:
        if a.view in (View.NO_PERSON, View.LOW_VISIBILITY):
            return "cant_see_you", {}
        if a.view is View.NOT_SIDE_ON:
            return "turn_sideways", {}
        if a.in_position and self.expected_side and a.side is not self.expected_side:
            return "use_other_side", self._side_param()
        if a.in_position:
            gate = [f.code for f in a.faults if f.code in self.protocol.hold_gate_faults]
            return (gate[0] if gate else "get_into_position"), {}
        return (a.unmet[0] if a.unmet else "get_into_position"), {}

    def _holding(self, events: list[Event], a: Assessment, t: float, dt: float) -> None:
        assert self._hold is not None
        timing = self.protocol.timing
        if a.view in (View.NO_PERSON, View.LOW_VISIBILITY):
            if t - self._last_stretch_ms > timing.dropout_grace_s * 1000.0:
                self._end_hold(events, self._last_stretch_ms)
                self._change(events, self._setup_phase(), t)
                self._say(events, "cant_see_you", t, urgent=True)
            return
        if not self._stretching(a):
            if a.in_position and a.side is self.expected_side:
                self._credit(dt, a)
            if t - self._last_stretch_ms > timing.leave_grace_s * 1000.0:
                self._end_hold(events, self._last_stretch_ms)
                self._change(events, self._setup_phase(), t)
                code, params = self._why_not(a)
                self._say(events, code, t, params, urgent=True)
            else:
                self._cue_faults(events, a, t)
            return
        self._last_stretch_ms = t
        self._hold.end_ms = t
        self._credit(dt, a)
        assert self._set is not None
        if self._set.good_form_ms >= self.protocol.hold_s * 1000.0:
            self._complete_set(events, t)
            return
        if not self._cue_faults(events, a, t):
            self._breathing(events, t)

    def _rest(self, events: list[Event], t: float) -> None:
        if t - self._rest_started >= self.protocol.timing.rest_s * 1000.0:
            self._change(events, Phase.SETUP, t)
            params = {**self._side_param(), "set": str(self.set_number)}
            self._say(events, "next_set", t, params, urgent=True)

    # -- transitions ------------------------------------------------------------------------

    def _setup_phase(self) -> Phase:
        return self._phase if self._phase in _SETUP_PHASES else Phase.SETUP

    def _change(self, events: list[Event], phase: Phase, t: float) -> None:
        self._phase = phase
        self._phase_since = t
        if phase is Phase.REST:
            self._rest_started = t
        events.append(PhaseChanged(phase, self.expected_side, self.set_number))

    def _begin_hold(self, events: list[Event], t: float, *, now: float | None = None) -> None:
        """Start a hold dated ``t``; its cue is spoken ``now`` (later, when settling ends)."""
        side, number = self._plan[self._index]
        if self._set is None or (self._set.side, self._set.set_number) != (side, number):
            self._set = SetRecord(side=side, set_number=number, target_s=self.protocol.hold_s)
            self.sets.append(self._set)
        if self._own is not None and self._set.baseline_rear_hip_extension is None:
            self._set.baseline_rear_hip_extension = self._own.baselines.get(side)
        self._hold = HoldRecord(side=side, set_number=number, start_ms=t, end_ms=t)
        self._last_stretch_ms = t
        self._breaths_cued = -BREATH_CUE_EVERY
        self._change(events, Phase.HOLD, t)
        self._say(events, "hold_start", t if now is None else now, self._side_param(), urgent=True)

    def _end_hold(self, events: list[Event], end_ms: float) -> None:
        if self._hold is None:
            return
        self._hold.end_ms = max(self._hold.start_ms, end_ms)
        self.holds.append(self._hold)
        events.append(HoldEnded(self._hold))
        self._hold = None

    def _complete_set(self, events: list[Event], t: float) -> None:
        assert self._set is not None
        self._set.completed = True
        self._end_hold(events, t)
        events.append(SetCompleted(self._set))
        side = self._set.side
        self._index += 1
        self._fault_since.clear()
        if self._index >= len(self._plan):
            self._change(events, Phase.DONE, t)
            self._say(events, "session_done", t, urgent=True)
        elif self.expected_side is side:
            self._change(events, Phase.REST, t)
            seconds = {"seconds": f"{self.protocol.timing.rest_s:g}"}
            self._say(events, "rest", t, seconds, urgent=True)
        else:
            self._change(events, Phase.SWITCH_SIDE, t)
            self._say(events, "switch_side", t, self._side_param(), urgent=True)

    # -- credit, cues, breathing ------------------------------------------------------------

    def _records(self) -> list[FormTally]:
        return [r for r in (self._hold, self._set) if r is not None]

    def _credit(self, dt: float, a: Assessment | None = None) -> None:
        """Credit the gap since the last frame to what this frame shows (timer-only: good)."""
        if dt <= 0.0:
            return
        for record in self._records():
            if a is None:
                record.add(dt, ())
            else:
                record.add(dt, _codes(a), a.angles.get("rear_hip_extension"))

    def _track_faults(self, a: Assessment, t: float) -> None:
        present = {f.code for f in a.faults}
        for code in list(self._fault_since):
            if code not in present:
                del self._fault_since[code]
        for code in present:
            self._fault_since.setdefault(code, t)

    def _cue_faults(self, events: list[Event], a: Assessment, t: float) -> bool:
        confirm = self.protocol.timing.fault_confirm_s * 1000.0
        for fault in a.faults:
            since = self._fault_since.get(fault.code, t)
            if t - since >= confirm and self._say(events, fault.code, t):
                return True
        return False

    def _breath(self, t: float) -> tuple[str | None, float | None]:
        if self._phase is not Phase.HOLD or self._hold is None:
            return None, None
        inhale = self.protocol.inhale_s * 1000.0
        cycle = inhale + self.protocol.exhale_s * 1000.0
        into = (t - self._hold.start_ms) % cycle
        if into < inhale:
            return "in", into / inhale
        return "out", (into - inhale) / (cycle - inhale)

    def _breathing(self, events: list[Event], t: float) -> None:
        if self._hold is None:
            return
        cycle = (self.protocol.inhale_s + self.protocol.exhale_s) * 1000.0
        breath_no = int((t - self._hold.start_ms) // cycle)
        phase, _ = self._breath(t)
        if (
            phase == "out"
            and breath_no - self._breaths_cued >= BREATH_CUE_EVERY
            and self._say(events, "breathe_out_slowly", t)
        ):
            self._breaths_cued = breath_no

    def _side_param(self) -> dict[str, str]:
        side = self.expected_side
        return {"side": side.value} if side else {}

    def _say(
        self,
        events: list[Event],
        code: str,
        t: float,
        params: dict[str, str] | None = None,
        *,
        urgent: bool = False,
    ) -> bool:
        if not self._gate.allow(code, t, urgent=urgent):
            return False
        self._gate.mark(code, t)
        cue = Cue(code, tuple(sorted((params or {}).items())))
        self._cue = cue
        events.append(cue)
        return True
