"""The person's own range: the hold starts from a gentle shift past their own set-up."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import synthetic as syn

from coach import protocol
from coach.assessment import Assessment, Posture, Side, View
from coach.coaching import Coach
from coach.events import Phase, SetCompleted
from coach.own_range import OwnRangeTracker
from coach.protocol import ProtocolError
from coach.session import Session

P = protocol.load()
OWN = P.own_range
assert OWN is not None
FPS = 30
DT = 1000.0 / FPS
GATE = "pelvis_not_forward"
# Facing image-left with the rear leg nearer the camera kneels on the left; facing right, right.
FACING = {Side.LEFT: -1, Side.RIGHT: 1}


class Person:
    """Feeds a coach synthetic half-kneeling frames at 30 frames/s, from joint angles."""

    def __init__(self, coach: Coach | None = None) -> None:
        self.coach = coach or Coach(P)
        self.coach.start()
        self.n = 0
        self.phases: list[tuple[float, Phase]] = []
        self.completed: list[SetCompleted] = []

    @property
    def t(self) -> float:
        return self.n * DT

    def kneel(
        self, seconds: float, extension: Callable[[int], float] | float, side: Side = Side.LEFT
    ) -> None:
        for _ in range(round(seconds * FPS)):
            deg = extension(self.n) if callable(extension) else extension
            frame = syn.half_kneeling(
                facing=FACING[side], rear_hip_extension_deg=deg, timestamp_ms=self.t
            )
            _, events = self.coach.feed(frame, self.t)
            for e in events:
                if isinstance(e, SetCompleted):
                    self.completed.append(e)
                if type(e).__name__ == "PhaseChanged":
                    self.phases.append((self.t, e.phase))  # type: ignore[union-attr]
            self.n += 1

    def stand(self, seconds: float) -> None:
        for _ in range(round(seconds * FPS)):
            self.coach.feed(syn.at_time(syn.standing(), self.t), self.t)
            self.n += 1

    @property
    def phase(self) -> Phase:
        return self.coach.session.phase


def jitter(n: int) -> float:
    """2 degrees, wandering ±2 (a still person's landmark noise)."""
    return 2.0 + 2.0 * math.sin(n * 0.9)


def test_protocol_defaults_and_reasoning_are_data():
    assert OWN.rule == "pelvis_forward"
    assert OWN.min_shift == 5.0
    assert OWN.baseline_s == 1.5
    assert P.rule(OWN.rule).low == 16.0  # the absolute fallback


def test_a_gentle_shift_from_the_own_set_up_starts_a_hold():
    person = Person()
    person.kneel(3.0, 2.0)
    state = person.coach.state
    assert person.phase is Phase.SETUP
    reading = state.own_range
    assert reading is not None
    assert reading.basis == "own"
    assert reading.baseline == pytest.approx(2.0, abs=1.0)
    person.kneel(4.0, 8.0)  # +6 past the set-up: never past the absolute 16
    assert person.phase is Phase.HOLD
    state = person.coach.state
    assert state.own_range is not None
    assert state.own_range.shift == pytest.approx(6.0, abs=1.0)
    assert state.own_range.forward
    live = state.to_dict()["range"]
    assert live["basis"] == "own"
    assert live["baseline"] == pytest.approx(2.0, abs=1.0)
    assert live["reached_shift"] == pytest.approx(6.0, abs=1.0)
    assert live["target_shift"] == 10.0
    # The judged frame carries no pelvis fault: good-form time counts.
    assert person.coach.state.held_s > 1.0


def test_jitter_around_the_set_up_never_starts_a_hold():
    person = Person()
    person.kneel(12.0, jitter)
    assert person.phase is Phase.SETUP
    state = person.coach.state
    assert state.own_range is not None
    assert state.own_range.basis == "own"
    assert GATE in state.faults
    assert person.coach.session.holds == []


def test_the_hold_stays_through_a_wobble_inside_the_hysteresis():
    person = Person()
    person.kneel(3.0, 2.0)
    person.kneel(3.0, 8.0)
    assert person.phase is Phase.HOLD
    person.kneel(3.0, 5.5)  # +3.5: below the +5 line, above +3 (hysteresis 2)
    assert person.phase is Phase.HOLD
    assert GATE not in person.coach.state.faults


def test_before_the_baseline_the_absolute_threshold_applies_and_says_so():
    person = Person()
    person.kneel(0.5, 8.0)  # the first half second: no baseline yet
    reading = person.coach.state.own_range
    assert reading is not None
    assert reading.basis == "absolute"
    assert reading.baseline is None
    assert reading.threshold == 16.0
    assert person.coach.state.to_dict()["range"]["basis"] == "absolute"
    assert GATE in person.coach.state.faults  # 8 degrees is not past the absolute 16


def test_kneeling_already_shifted_falls_back_to_the_absolute_threshold():
    # Past the absolute line from the first frame: no upright set-up to measure, so the
    # calibrated deep line decides, and the set stores no baseline.
    person = Person()
    person.kneel(6.0, 24.0)
    assert person.phase is Phase.HOLD
    reading = person.coach.state.own_range
    assert reading is not None
    assert reading.basis == "absolute"
    assert person.coach.session.baselines == {}
    record = person.coach.session.sets[0]
    assert record.baseline_rear_hip_extension is None
    assert record.reached_shift is None
    assert record.max_rear_hip_extension == pytest.approx(24.0, abs=1.0)


def test_baseline_is_captured_per_side_and_stored_with_each_set():
    protocol_ = P.prescribed(hold_s=20, sets_per_side=1)
    person = Person(Coach(protocol_))
    person.kneel(3.0, 2.0, Side.LEFT)
    person.kneel(23.0, 9.0, Side.LEFT)
    assert [c.record.side for c in person.completed] == [Side.LEFT]
    assert person.phase is Phase.SWITCH_SIDE
    # The right side has no baseline yet: the left one is not reused.
    reading = person.coach.state.own_range
    assert reading is not None
    assert reading.basis == "absolute"
    person.stand(2.0)
    person.kneel(3.0, 6.0, Side.RIGHT)
    assert person.coach.session.baselines[Side.RIGHT] == pytest.approx(6.0, abs=1.0)
    person.kneel(23.0, 12.0, Side.RIGHT)
    assert person.phase is Phase.DONE
    left, right = (c.record for c in person.completed)
    assert left.baseline_rear_hip_extension == pytest.approx(2.0, abs=1.0)
    assert left.max_rear_hip_extension == pytest.approx(9.0, abs=1.0)
    assert left.reached_shift == pytest.approx(7.0, abs=1.0)
    assert right.baseline_rear_hip_extension == pytest.approx(6.0, abs=1.0)
    assert right.to_dict()["reached_shift"] == pytest.approx(6.0, abs=1.0)
    assert right.to_dict()["baseline_rear_hip_extension"] == pytest.approx(6.0, abs=1.0)


def test_a_prescribed_minimum_shift_moves_the_line():
    strict = P.prescribed(min_shift=10.0, target_shift=15.0)
    person = Person(Coach(strict))
    person.kneel(3.0, 2.0)
    person.kneel(4.0, 8.0)  # +6: enough by default, not for this patient
    assert person.phase is Phase.SETUP
    assert person.coach.state.to_dict()["range"]["target_shift"] == 15.0
    person.kneel(4.0, 13.0)
    assert person.phase is Phase.HOLD


def test_restored_session_keeps_the_sides_baselines():
    session = Session.restored(P, first_side=Side.LEFT, sets_done=1, baselines={Side.LEFT: 3.0})
    assert session.baselines == {Side.LEFT: 3.0}
    reading = session.state.own_range
    assert reading is not None
    assert reading.basis == "own"
    assert reading.threshold == 8.0


def test_timer_only_sessions_have_no_range():
    session = Session(P, timer_only=True)
    assert session.state.own_range is None
    assert session.state.to_dict()["range"] is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_shift": 2.0}, "minimum shift must be 3–15"),
        ({"target_shift": 50.0}, "target shift must be 3–40"),
        ({"min_shift": 8.0, "target_shift": 6.0}, "at least the minimum"),
        ({"target_shift": math.nan}, "number of degrees"),
    ],
)
def test_prescribed_shifts_are_bounded(kwargs, message):
    with pytest.raises(ProtocolError, match=message):
        P.prescribed(**kwargs)


def test_tracker_median_is_robust_to_a_stray_frame():
    tracker = OwnRangeTracker.for_protocol(P)
    assert tracker is not None
    for n in range(60):
        ext = 40.0 if n == 10 else 3.0  # one wild frame (ignored: past the absolute line)
        ext = -9.0 if n == 20 else ext  # one low outlier (outvoted by the median)
        a = Assessment(
            n * DT,
            View.OK,
            Posture.HALF_KNEELING,
            Side.LEFT,
            angles={"rear_hip_extension": ext},
        )
        tracker.observe_setup(a, DT, Side.LEFT)
    assert tracker.baselines[Side.LEFT] == pytest.approx(3.0)


def test_protocol_file_validation():
    text = protocol.resources.files("coach.protocols").joinpath("half_kneeling_psoas.toml")
    raw = text.read_text(encoding="utf-8")
    with pytest.raises(ProtocolError, match=r"own_range\.rule"):
        protocol.parse(raw.replace('rule = "pelvis_forward"', 'rule = "trunk_upright"'))
    with pytest.raises(ProtocolError, match="hysteresis"):
        protocol.parse(raw.replace("hysteresis = 2.0 ", "hysteresis = 3.5 "))
