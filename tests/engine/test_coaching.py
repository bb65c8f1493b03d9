from __future__ import annotations

import pytest
import synthetic as syn

from coach import protocol
from coach.assessment import Assessment, Side, View
from coach.coaching import Coach, analyze_sequence
from coach.events import Cue, Phase
from coach.landmarks import PoseFrame
from coach.session import SessionState

P = protocol.load()
FPS = 30
DT = 1000.0 / FPS
STAND_S, KNEEL_S, STRETCH_S, UP_S = 3.0, 3.0, 10.0, 3.0
STRETCH_START = (STAND_S + KNEEL_S) * 1000.0
STRETCH_END = STRETCH_START + STRETCH_S * 1000.0  # first frame after the stretch


def recording(
    *, facing: int = -1, dropouts: tuple[float, ...] = ()
) -> list[tuple[float, PoseFrame | None]]:
    """Standing, kneeling without the pelvis shift, the stretch, standing up again."""
    standing = syn.standing(facing=facing)
    kneel = syn.half_kneeling(facing=facing, rear_hip_extension_deg=5.0)
    stretch = syn.half_kneeling(facing=facing, rear_hip_extension_deg=30.0)
    total = round((STAND_S + KNEEL_S + STRETCH_S + UP_S) * FPS)
    out: list[tuple[float, PoseFrame | None]] = []
    for n in range(total):
        t = n * DT
        if any(abs(t - d) < DT / 2 for d in dropouts):
            out.append((t, None))
            continue
        if t < STAND_S * 1000:
            frame = standing
        elif t < STRETCH_START - 1e-6:
            frame = kneel
        elif t < STRETCH_END - 1e-6:
            frame = stretch
        else:
            frame = standing
        out.append((t, syn.at_time(frame, t)))
    return out


def test_kneel_without_shift_is_gated():
    a = Coach(P).analyzer.assess(syn.half_kneeling(rear_hip_extension_deg=5.0))
    assert a.in_position
    assert [f.code for f in a.faults] == ["pelvis_not_forward"]


@pytest.mark.parametrize("facing", [-1, 1])
def test_analyze_sequence_finds_the_one_hold(facing):
    frames = recording(facing=facing)
    seen: list[tuple[Assessment, SessionState]] = []
    report = analyze_sequence(frames, P, on_frame=lambda a, s: seen.append((a, s)))

    assert len(seen) == len(frames) == report.frames
    assert [a.timestamp_ms for a, _ in seen] == [t for t, _ in frames]
    assert report.frames_with_person == len(frames)
    assert report.duration_s == pytest.approx((len(frames) - 1) * DT / 1000)

    assert len(report.holds) == 1
    hold = report.holds[0]
    assert hold.side is (Side.LEFT if facing < 0 else Side.RIGHT)
    assert abs(hold.start_ms - STRETCH_START) <= 200
    assert abs(hold.end_ms - (STRETCH_END - DT)) <= 200
    assert hold.good_form_ms / 1000 == pytest.approx(STRETCH_S, abs=0.1)
    assert report.good_form_s == pytest.approx(STRETCH_S, abs=0.1)
    # In 3-D, forward spans the legs' hip-width gap too: 0.7 degrees off the side-on 30.
    assert hold.max_rear_hip_extension == pytest.approx(30.0, abs=1.0)

    # No good-form time outside the stretch.
    for a, state in seen:
        if a.timestamp_ms < STRETCH_START - 1e-6:
            assert state.held_s == 0.0
            assert state.phase is Phase.SETUP
        if a.timestamp_ms > STRETCH_END + 200:
            assert state.held_s == pytest.approx(hold.good_form_ms / 1000)
        if a.timestamp_ms > STRETCH_END + P.timing.leave_grace_s * 1000 + 200:
            assert state.phase is Phase.SETUP

    # The kneel without the pelvis shift is in position but not a stretch.
    assert report.in_position_s == pytest.approx(KNEEL_S + STRETCH_S, abs=0.3)
    assert report.fault_s["pelvis_not_forward"] == pytest.approx(KNEEL_S, abs=0.3)
    assert not report.completed
    assert report.sets_done == 0
    assert report.sets_total == 2 * P.sets_per_side
    assert len(report.sets) == 1
    assert not report.sets[0].completed

    codes = [e.code for e in report.events if isinstance(e, Cue)]
    assert codes[0] == "get_into_position"
    assert "pelvis_not_forward" in codes
    assert "hold_start" in codes
    data = report.to_dict()
    assert data["holds"][0]["good_form_s"] == pytest.approx(STRETCH_S, abs=0.1)


def test_short_dropout_in_the_recording_keeps_one_hold():
    dropouts = tuple(STRETCH_START + 4000 + k * DT for k in range(5))  # ~0.17 s
    frames = recording(dropouts=dropouts)
    report = analyze_sequence(frames, P)
    assert report.frames_with_person == len(frames) - len(dropouts)
    assert len(report.holds) == 1
    assert report.good_form_s == pytest.approx(STRETCH_S, abs=0.3)
    assert report.good_form_s <= STRETCH_S + 0.05


def test_empty_recording():
    report = analyze_sequence([], P)
    assert report.frames == 0
    assert report.holds == []
    assert report.good_form_s == 0.0


def test_recording_without_a_person():
    report = analyze_sequence([(k * DT, None) for k in range(120)], P)
    assert report.frames == 120
    assert report.frames_with_person == 0
    assert report.holds == []
    codes = [e.code for e in report.events if isinstance(e, Cue)]
    assert "cant_see_you" in codes


def test_coach_feed_pairs_analyzer_and_session():
    coach = Coach(P)
    coach.start()
    a, _ = coach.feed(None, 0.0)
    assert a.view is View.NO_PERSON
    for k in range(1, 100):
        a, _ = coach.feed(syn.half_kneeling(timestamp_ms=k * DT))
    assert a.in_position
    assert coach.state.phase is Phase.HOLD
