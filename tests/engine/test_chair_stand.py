"""The 30-second chair stand counter on synthetic side views built from known joint angles."""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Iterable
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest
from chair_poses import DT_MS, Cycle, at_progress, frames, keyframes, pose
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import front_facing, mirror

import coach.chair_stand as chair_stand_module
from coach.assessment import View
from coach.chair_stand import (
    FAULT_CUES,
    METHOD_CAMERA,
    SHARED_CUES,
    ChairStandCounter,
    ChairStandPhase,
    ChairStandReport,
    StandState,
    StartMode,
    chair_stand_cue_text,
    chair_stand_cues,
    count_chair_stands,
    measure_stand,
)
from coach.chair_stand_protocol import (
    DEFAULT_CHAIR_STAND,
    load_chair_stand,
    load_chair_stand_file,
    parse_chair_stand,
)
from coach.cues import parse
from coach.events import Cue
from coach.landmarks import InvalidFrame, PoseFrame
from coach.protocol import LANGUAGES, ProtocolError

P = load_chair_stand()
SHIPPED = resources.files("coach.protocols").joinpath("chair_stand_30s.toml").read_text("utf-8")
Pairs = Iterable[tuple[float, PoseFrame | None]]


def run(
    pairs: Pairs,
    *,
    start_ms: float | None = None,
    finish: bool = True,
    start: StartMode = StartMode.FIRST_RISE,
) -> tuple[ChairStandCounter, list[Cue], list[int]]:
    """Feed a counter; return it, every cue it gave, and the count after each frame."""
    counter = ChairStandCounter(P, start_ms=start_ms, start=start)
    cues: list[Cue] = []
    counts: list[int] = []
    last = 0.0
    for t, frame in pairs:
        update = counter.update(frame, t)
        cues.extend(update.cues)
        counts.append(update.count)
        last = t
    if finish:
        cues.extend(counter.finish(last + DT_MS))
    return counter, cues, counts


def codes(cues: Iterable[Cue]) -> set[str]:
    return {c.code for c in cues}


# -- counting --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3, 8])
def test_counts_every_full_stand_exactly(n: int) -> None:
    report = count_chair_stands(frames(keyframes([Cycle()] * n)))
    assert report.count == n
    assert [s.number for s in report.stands] == list(range(1, n + 1))
    for stand in report.stands:
        assert stand.end_ms is not None
        assert stand.start_ms < stand.standing_ms <= stand.peak_ms < stand.end_ms
        assert stand.faults == ()
        assert not stand.halfway
    assert report.partial_stands == ()
    assert report.method == METHOD_CAMERA == "camera"


def test_the_stand_times_follow_the_movement() -> None:
    cycle = Cycle(rise_s=0.8, top_s=0.6, down_s=0.8, seated_s=1.0)
    [stand] = count_chair_stands(frames(keyframes([cycle], lead_s=1.0))).stands
    # Rise 1.0-1.8 s, full stand 1.8-2.4 s, back on the seat at 3.2 s.
    assert 1.0 < stand.start_ms / 1000 < 1.6
    assert 1.4 < stand.standing_ms / 1000 < 2.0
    assert 1.8 <= stand.peak_ms / 1000 <= 2.6
    assert stand.end_ms is not None
    assert 2.6 < stand.end_ms / 1000 < 3.4


@pytest.mark.parametrize("peak", [0.3, 0.45, 0.55])
def test_partial_stands_are_not_counted_and_cued(peak: float) -> None:
    counter, cues, _ = run(frames(keyframes([Cycle(peak=peak)] * 2)))
    report = counter.report()
    assert report.count == 0
    assert len(report.partial_stands) == 2
    assert all(p.best_rise < 0.9 for p in report.partial_stands)
    assert "stand_up_fully" in codes(cues)


def test_full_and_partial_stands_mixed() -> None:
    cycles = [Cycle(), Cycle(peak=0.5), Cycle(), Cycle(peak=0.4), Cycle()]
    report = count_chair_stands(frames(keyframes(cycles)))
    assert report.count == 3
    assert len(report.partial_stands) == 2


def test_a_small_wobble_on_the_seat_is_not_even_a_partial_stand() -> None:
    report = count_chair_stands(frames(keyframes([Cycle(peak=0.15)] * 3)))
    assert report.count == 0
    assert report.partial_stands == ()


def test_standing_at_the_start_counts_nothing_until_seated() -> None:
    keys = [(0.0, 1.0), (1.5, 1.0), (2.2, 0.0), (3.0, 0.0), (3.7, 1.0), (4.2, 1.0), (4.9, 0.0)]
    counter, cues, _ = run(frames(keys))
    assert counter.count == 1  # the one stand that began from the seat
    assert "sit_to_start" in codes(cues)


@pytest.mark.parametrize(("dip", "cued"), [(0.75, False), (0.5, False), (0.3, True)])
def test_dipping_without_sitting_does_not_count_again(dip: float, cued: bool) -> None:
    # Up, then five dips out of the standing band and back up, without sitting down.
    keys = [(0.0, 0.0), (1.0, 0.0), (1.7, 1.0)]
    t = 1.7
    for _ in range(5):
        keys += [(t + 0.3, dip), (t + 0.5, dip), (t + 0.8, 1.0)]
        t += 0.8
    keys += [(t + 0.7, 0.0), (t + 1.5, 0.0)]
    counter, cues, _ = run(frames(keys))
    assert counter.count == 1
    # Sinking below half-way and straight back up is a stand that skipped the seat.
    assert ("sit_down_fully" in codes(cues)) is cued


def test_hovering_above_the_seat_does_not_count() -> None:
    # Bobbing between the seated band and the bottom of the standing band, never upright.
    keys = [(0.0, 0.0), (1.0, 0.0)]
    t = 1.0
    for _ in range(6):
        keys += [(t + 0.3, 0.6), (t + 0.6, 0.05)]
        t += 0.6
    assert count_chair_stands(frames(keys)).count == 0


def test_jitter_at_the_thresholds_does_not_double_count() -> None:
    report = count_chair_stands(frames(keyframes([Cycle()] * 4), jitter_deg=6.0, seed=3))
    assert report.count == 4


def test_counts_facing_either_way_and_without_world_landmarks() -> None:
    keys = keyframes([Cycle()] * 3)
    assert count_chair_stands(frames(keys, facing=1)).count == 3
    assert count_chair_stands(frames(keys, world=False)).count == 3
    mirrored = ((t, mirror(f) if f else None) for t, f in frames(keys))
    assert count_chair_stands(mirrored).count == 3


def test_counts_at_low_frame_rates() -> None:
    assert count_chair_stands(frames(keyframes([Cycle()] * 4), fps=10)).count == 4


def test_two_stands_closer_than_the_minimum_interval_are_one() -> None:
    quick = Cycle(rise_s=0.4, top_s=0.1, down_s=0.4, seated_s=0.3)  # one stand every 1.2 s
    assert count_chair_stands(frames(keyframes([quick] * 3))).count == 3
    slow = replace(P, test=replace(P.test, min_stand_interval_s=2.0))
    assert count_chair_stands(frames(keyframes([quick] * 3)), slow).count == 2


# -- property: never more than the full cycles, never negative, never going down ------------

# Progress at the top of a cycle: clearly a full stand, clearly a partial one (off the seat,
# not upright), or a wobble on the seat. Between them lie the thresholds.
full_peaks = st.floats(min_value=0.93, max_value=1.0)
partial_peaks = st.floats(min_value=0.35, max_value=0.55)
wobbles = st.floats(min_value=0.0, max_value=0.15)
cycles_strategy = st.lists(
    st.builds(
        Cycle,
        peak=st.floats(min_value=0.0, max_value=1.0),
        rise_s=st.floats(min_value=0.3, max_value=1.5),
        top_s=st.floats(min_value=0.0, max_value=1.0),
        down_s=st.floats(min_value=0.3, max_value=1.5),
        seated_s=st.floats(min_value=0.1, max_value=1.5),
    ),
    max_size=6,
)


@settings(max_examples=40, deadline=None)
@given(
    cycles=cycles_strategy,
    jitter=st.floats(min_value=0.0, max_value=8.0),
    seed=st.integers(0, 1000),
    fps=st.sampled_from([10.0, 15.0, 30.0]),
)
def test_count_never_exceeds_the_full_cycles(
    cycles: list[Cycle], jitter: float, seed: int, fps: float
) -> None:
    _, _, counts = run(frames(keyframes(cycles), jitter_deg=jitter, seed=seed, fps=fps))
    # A cycle that does not get near upright can never count, whatever the jitter.
    possible = sum(1 for c in cycles if c.peak >= 0.55)
    assert all(c >= 0 for c in counts)
    assert counts == sorted(counts)  # monotone in time
    assert counts[-1] <= possible


@settings(max_examples=30, deadline=None)
@given(
    cycles=st.lists(
        st.builds(
            Cycle,
            peak=st.one_of(full_peaks, partial_peaks, wobbles),
            rise_s=st.floats(min_value=0.4, max_value=1.2),
            top_s=st.floats(min_value=0.2, max_value=0.8),
            down_s=st.floats(min_value=0.4, max_value=1.2),
            seated_s=st.floats(min_value=0.4, max_value=1.2),
        ),
        max_size=6,
    ),
    jitter=st.floats(min_value=0.0, max_value=4.0),
    seed=st.integers(0, 1000),
)
def test_clear_full_and_partial_cycles_count_exactly(
    cycles: list[Cycle], jitter: float, seed: int
) -> None:
    report = count_chair_stands(frames(keyframes(cycles), jitter_deg=jitter, seed=seed))
    assert report.count == sum(1 for c in cycles if c.peak >= 0.93)
    assert len(report.partial_stands) == sum(1 for c in cycles if 0.35 <= c.peak <= 0.55)


# -- dropouts and what the camera cannot see ---------------------------------------------------


def test_a_short_dropout_during_a_rise_still_counts() -> None:
    # The rise runs 1.0-1.7 s; nobody is seen for 0.4 s in the middle of it.
    report = count_chair_stands(frames(keyframes([Cycle()] * 2), gaps=[(1.2, 1.6)]))
    assert report.count == 2
    assert report.frames_with_person < report.frames


def test_a_long_dropout_is_never_guessed() -> None:
    # Nobody seen from 0.8 s to 3.5 s: the first stand (1.0-2.7 s) happened unseen.
    counter, cues, _ = run(frames(keyframes([Cycle()] * 2), gaps=[(0.8, 3.5)]))
    assert counter.count == 1  # only the stand seen from the seat up
    assert "cant_see_you" in codes(cues)


def test_unseen_test_time_is_reported() -> None:
    pairs = frames(keyframes([Cycle()] * 2), gaps=[(0.8, 3.5)])
    report = count_chair_stands(pairs, start_ms=0.0)
    assert report.unseen_s == pytest.approx(2.7, abs=0.05)
    assert count_chair_stands(frames(keyframes([Cycle()] * 2)), start_ms=0.0).unseen_s == 0.0


def test_a_long_dropout_while_seated_waits_to_see_the_seat_again() -> None:
    # Lost while seated, seen again already standing: that stand is not counted.
    keys = keyframes([Cycle(seated_s=2.0)] * 2)  # seated 2.8-4.8 s, up again at 5.5 s
    counter, _, _ = run(frames(keys, gaps=[(2.8, 5.6)]))
    assert counter.count == 1


def test_low_visibility_means_cant_see_you_not_a_guess() -> None:
    counter = ChairStandCounter(P)
    update = counter.update(at_progress(0.0, near_visibility=0.3, far_visibility=0.3))
    assert update.view is View.LOW_VISIBILITY
    assert update.measures is None
    assert [c.code for c in update.cues] == ["cant_see_you"]
    assert counter.state is StandState.WAITING
    many = [(t, at_progress(0.0, t, near_visibility=0.3)) for t in range(0, 3000, 33)]
    assert count_chair_stands(many).count == 0


def test_the_better_seen_leg_is_measured() -> None:
    frame = at_progress(0.0, near_visibility=0.95, far_visibility=0.1)
    m = measure_stand(frame, P)
    assert not isinstance(m, View)
    assert m.leg == "left"
    assert m.knee == pytest.approx(90.0, abs=0.5)
    assert m.rise == pytest.approx(0.0, abs=0.02)


def test_a_front_view_is_not_judged() -> None:
    counter = ChairStandCounter(P)
    update = counter.update(front_facing(timestamp_ms=0.0))
    assert update.view is View.NOT_SIDE_ON
    assert [c.code for c in update.cues] == ["turn_sideways"]


def test_body_outside_the_picture_is_not_judged() -> None:
    frame = at_progress(0.0)
    lm = frame.landmarks.copy()
    lm[:, 1] += 0.4  # feet well below the bottom edge
    moved = PoseFrame.create(0.0, lm, image_width=frame.image_width, image_height=720)
    assert measure_stand(moved, P) is View.LOW_VISIBILITY


def test_time_must_move_forward() -> None:
    counter = ChairStandCounter(P)
    counter.update(at_progress(0.0, 100.0))
    with pytest.raises(InvalidFrame, match="backwards"):
        counter.update(at_progress(0.0, 50.0))


# -- the 30-second clock and the half-way rule -----------------------------------------------


def steady(n: int, *, lead_s: float = 1.0) -> list[tuple[float, float]]:
    """n stands, 2.4 s each: rises start at lead_s, lead_s + 2.4, ..."""
    return keyframes([Cycle(rise_s=0.7, top_s=0.4, down_s=0.7, seated_s=0.6)] * n, lead_s=lead_s)


def test_the_clock_starts_at_the_first_rise_and_stops_counting_at_30_s() -> None:
    counter, cues, _ = run(frames(steady(16)))  # 16 stands take 38 s
    report = counter.report()
    assert report.started_ms is not None
    assert 1000.0 <= report.started_ms <= 1400.0
    assert report.time_elapsed
    end = report.started_ms + 30_000.0
    assert all(s.standing_ms <= end for s in report.stands)
    assert report.count == 13  # stands 1-13 are up by 30 s; the 14th is still on the seat
    assert counter.state is StandState.DONE
    assert {"seconds_left", "time_up"} <= codes(cues)
    [warning] = [c for c in cues if c.code == "seconds_left"]
    assert dict(warning.params) == {"seconds": "10"}


def test_start_sets_the_clock_once() -> None:
    counter = ChairStandCounter(P)
    counter.start(2000.0)
    counter.start(5000.0)
    assert counter.started_ms == 2000.0
    assert counter.end_ms == 32_000.0
    update = counter.update(at_progress(0.0, 12_000.0))
    assert update.elapsed_s == pytest.approx(10.0)
    assert update.remaining_s == pytest.approx(20.0)


def test_the_report_says_when_the_time_was_not_watched() -> None:
    report = count_chair_stands(frames(steady(3)))
    assert report.count == 3
    assert not report.time_elapsed


def test_an_explicit_start_time_runs_the_clock_from_there() -> None:
    # Two practice stands before "go" at 6 s do not count.
    report = count_chair_stands(frames(steady(6)), start_ms=6000.0)
    assert report.started_ms == 6000.0
    assert report.count == 4
    assert all(s.standing_ms >= 6000.0 for s in report.stands)


def end_in_rise(progress_at_end: float) -> ChairStandReport:
    """Seated, go at 1 s, and at 31 s the person is ``progress_at_end`` of the way up."""
    keys = [(0.0, 0.0), (30.5, 0.0), (31.0, progress_at_end), (31.5, 1.0), (32.0, 1.0)]
    return count_chair_stands(frames(keys), start_ms=1000.0)


def test_a_stand_more_than_halfway_up_at_the_end_counts() -> None:
    report = end_in_rise(0.7)
    assert report.count == 1
    [stand] = report.stands
    assert stand.halfway
    assert stand.standing_ms == 31_000.0
    assert report.to_dict()["stands"][0]["halfway"] is True


def test_a_stand_less_than_halfway_up_at_the_end_does_not() -> None:
    assert end_in_rise(0.3).count == 0


def test_the_halfway_rule_applies_when_the_recording_stops_at_the_end() -> None:
    keys = [(0.0, 0.0), (30.5, 0.0), (31.0, 0.6)]  # at 31 s: knee 144°, hips 80 % up
    pairs = [(t, f) for t, f in frames(keys) if t <= 31_000.0]
    counter, _, _ = run(pairs, start_ms=1000.0, finish=False)
    assert counter.finish(31_000.0) == [Cue("time_up")]
    assert counter.count == 1
    assert counter.report().stands[0].halfway


def test_frames_after_the_end_change_nothing() -> None:
    counter, _, _ = run(frames(steady(3)), start_ms=0.0)
    assert counter.count == 3
    update = counter.update(at_progress(1.0, 60_000.0), 60_000.0)
    assert update.state is StandState.DONE
    assert update.count == 3
    assert update.remaining_s == 0.0


# -- "Ready", 3, 2, 1, "Go": the counter starts the clock ---------------------------------------


def said(cues: Iterable[Cue]) -> list[str]:
    """The cues in order, countdown numbers as themselves."""
    return [dict(c.params)["seconds"] if c.code == "countdown" else c.code for c in cues]


def live(pairs: Pairs) -> tuple[ChairStandCounter, list[tuple[float, Cue]], list[str]]:
    """A live counter (it says "Go"); every cue with its time, and the phase after each frame."""
    counter = ChairStandCounter(P)
    timed: list[tuple[float, Cue]] = []
    phases: list[str] = []
    for t, frame in pairs:
        update = counter.update(frame, t)
        timed += [(t, c) for c in update.cues]
        phases.append(update.phase.value)
    return counter, timed, phases


def changes(values: list[str]) -> list[str]:
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def test_go_is_said_after_ready_and_a_countdown_once_the_person_sits_still() -> None:
    # Seated and still from 0 s; stands only after "Go" (rises at 7.0, 9.4, 11.8 s).
    counter, timed, phases = live(frames(keyframes([Cycle()] * 3, lead_s=7.0)))
    countdown = [(t, c) for t, c in timed if c.code in ("ready", "countdown", "go")]
    assert said(c for _, c in countdown) == ["ready", "3", "2", "1", "go"]
    ready_t, go_t = countdown[0][0], countdown[-1][0]
    assert 1000.0 <= ready_t <= 1000.0 + 2 * DT_MS  # seated and still for 1 s
    assert [round((t - ready_t) / 1000.0, 1) for t, _ in countdown] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert changes(phases) == ["setup", "countdown", "test"]
    report = counter.report()
    assert report.started_ms == go_t  # the clock starts on "Go"...
    assert report.count == 3  # ...and every stand after it counts
    assert all(s.start_ms > go_t for s in report.stands)


def test_the_update_says_how_long_until_go() -> None:
    counter = ChairStandCounter(P)
    updates = [counter.update(f, t) for t, f in frames([(0.0, 0.0), (6.0, 0.0)])]
    countdown = [u for u in updates if u.phase is ChairStandPhase.COUNTDOWN]
    assert countdown[0].starts_in_s == pytest.approx(4.0)
    assert countdown[-1].starts_in_s is not None
    assert countdown[-1].starts_in_s <= DT_MS / 1000.0
    assert all(u.remaining_s is None for u in countdown)
    [go] = [u for u in updates if any(c.code == "go" for c in u.cues)]
    assert go.phase is ChairStandPhase.TEST
    assert go.remaining_s == 30.0
    assert go.to_dict()["phase"] == "test"


def test_the_30_seconds_run_from_go() -> None:
    # "Go" at ~5 s; steady stands every 2.4 s from 6 s: those up by go + 30 s count.
    counter, timed, _ = live(frames(steady(16, lead_s=6.0)))
    [(go_t, _)] = [(t, c) for t, c in timed if c.code == "go"]
    report = counter.report()
    assert report.started_ms == go_t
    assert report.time_elapsed
    assert all(s.standing_ms <= go_t + 30_000.0 for s in report.stands)
    ups = [6.0 + 0.7 * 0.6 + 2.4 * k for k in range(16)]  # about when each stand is upright
    assert report.count == sum(1 for u in ups if u * 1000.0 < go_t + 30_000.0 - 200.0)
    [(end_t, _)] = [(t, c) for t, c in timed if c.code == "time_up"]
    assert end_t == pytest.approx(go_t + 30_000.0, abs=DT_MS)


def test_rising_before_go_calls_the_countdown_off_and_counts_nothing() -> None:
    # Still from 0 s ("Ready" ~1 s, "Go" due ~5 s) but up at 3.0 s; seated again by 5.4 s.
    keys = [(0.0, 0.0), (3.0, 0.0), (3.7, 1.0), (4.0, 1.0), (4.7, 0.0), (14.0, 0.0)]
    keys += [(14.7, 1.0), (15.0, 1.0), (15.7, 0.0), (17.0, 0.0)]
    counter, timed, phases = live(frames(keys))
    order = said(c for _, c in timed if c.code in ("ready", "countdown", "go", "wait_for_go"))
    assert order[:4] == ["ready", "3", "2", "wait_for_go"]  # called off at the rise
    assert order[4:] == ["ready", "3", "2", "1", "go"]  # again once seated and still
    assert changes(phases) == ["setup", "countdown", "setup", "countdown", "test"]
    report = counter.report()
    assert report.count == 1  # only the stand after "Go"
    assert report.partial_stands == ()  # the early rise is not a partial stand either
    [(go_t, _)] = [(t, c) for t, c in timed if c.code == "go"]
    assert report.stands[0].start_ms > go_t


def test_no_ready_while_fidgeting() -> None:
    # Rocking on the seat (hip angle ±8°, a 16° swing) for 4 s, then still.
    pairs = []
    for i in range(int(7.0 * 30)):
        t = i * DT_MS
        sway = 8.0 * math.sin(2 * math.pi * t / 1500.0) if t < 4000.0 else 0.0
        pairs.append((t, pose(knee_deg=90.0, hip_deg=85.0 + sway, timestamp_ms=t)))
    _, timed, _ = live(pairs)
    [(ready_t, _)] = [(t, c) for t, c in timed if c.code == "ready"]
    assert 4000.0 < ready_t <= 5000.0 + 2 * DT_MS


def test_arms_not_crossed_hold_the_countdown_until_they_are() -> None:
    # Hands on the thighs for the first 3 s of sitting still.
    _, timed, _ = live(frames([(0.0, 0.0), (6.0, 0.0)], arms_during=[(0.0, 3.0, "thighs")]))
    assert "hands_off_legs" in codes(c for _, c in timed)
    [(ready_t, _)] = [(t, c) for t, c in timed if c.code == "ready"]
    assert 4000.0 <= ready_t <= 4000.0 + 2 * DT_MS


def test_unseen_wrists_do_not_hold_the_countdown() -> None:
    _, timed, _ = live(frames([(0.0, 0.0), (6.0, 0.0)], arms="hanging", wrist_visibility=0.2))
    assert said(c for _, c in timed if c.code in ("ready", "go")) == ["ready", "go"]


def test_losing_sight_during_the_countdown_starts_it_again() -> None:
    # Nobody seen 2.0-3.5 s (longer than the 1-s gap allowed), still seated afterwards.
    _, timed, _ = live(frames([(0.0, 0.0), (10.0, 0.0)], gaps=[(2.0, 3.5)]))
    readies = [t for t, c in timed if c.code == "ready"]
    [(go_t, _)] = [(t, c) for t, c in timed if c.code == "go"]
    assert len(readies) == 2
    assert readies[1] >= 4500.0  # seen again at 3.5 s, then 1 s still
    assert go_t == pytest.approx(readies[1] + 4000.0, abs=DT_MS)


def test_standing_people_are_asked_to_sit_down_first() -> None:
    _, timed, phases = live(frames([(0.0, 1.0), (3.0, 1.0)]))
    assert "sit_to_start" in codes(c for _, c in timed)
    assert set(phases) == {"setup"}


def test_finishing_before_go_saves_nothing() -> None:
    counter, _, _ = live(frames([(0.0, 0.0), (3.0, 0.0)]))
    assert counter.finish(3100.0) == []
    report = counter.report()
    assert report.started_ms is None
    assert not report.time_elapsed


# -- form: arms on the chest, hands off the legs ---------------------------------------------


def test_arms_crossed_gives_no_arm_cue() -> None:
    counter, cues, _ = run(frames(keyframes([Cycle()] * 2)))
    assert not codes(cues) & {"cross_arms", "hands_off_legs"}
    assert counter.report().faults == {}


def test_arms_not_crossed_is_cued_and_scores_zero() -> None:
    # Arms swung forward at shoulder height: the momentum helps the rise.
    counter, cues, _ = run(frames(keyframes([Cycle()] * 2), arms="forward"))
    assert "cross_arms" in codes(cues)
    report = counter.report()
    assert report.count == 2  # the full stands are kept for the clinician...
    assert all("arms_not_crossed" in s.faults and s.hands_used for s in report.stands)
    assert report.hands_used
    assert report.score == 0  # ...and the test scores 0 (STEADI)
    assert report.to_dict()["score"] == 0


@pytest.mark.parametrize("arms", ["thighs", "knees", "seat", "hanging"])
@pytest.mark.parametrize("lean", [0.0, 35.0])
def test_hands_on_the_legs_or_the_seat_is_cued_and_scores_zero(arms: str, lean: float) -> None:
    counter, cues, _ = run(frames(keyframes([Cycle()] * 3), arms=arms, lean_deg=lean))
    assert "hands_off_legs" in codes(cues)
    report = counter.report()
    assert report.count == 3
    assert report.faults["hands_on_legs"] == 3
    assert all(s.hands_used and s.arms_seen for s in report.stands)
    assert report.hands_used
    assert (report.score, report.arms_checked) == (0, 3)
    data = report.to_dict()
    assert (data["hands_used"], data["score"], data["count"]) == (True, 0, 3)


@pytest.mark.parametrize("lean", [0.0, 20.0, 35.0, 45.0])
def test_crossed_arms_are_never_hands_used_however_far_the_trunk_leans(lean: float) -> None:
    # Leaning over the knees brings crossed wrists close to the thighs; they stay on the chest.
    counter, cues, _ = run(frames(keyframes([Cycle()] * 3), lean_deg=lean, jitter_deg=3.0))
    report = counter.report()
    assert report.count == 3
    assert not codes(cues) & {"cross_arms", "hands_off_legs"}
    assert report.faults == {}
    assert not report.hands_used
    assert report.score == 3


def test_only_the_stand_that_used_the_hands_is_marked_but_the_test_scores_zero() -> None:
    # Three stands (rises at 1.0, 3.4, 5.8 s); the hands press the thighs through the second.
    keys = keyframes([Cycle()] * 3)
    counter, _, _ = run(frames(keys, arms_during=[(3.0, 4.6, "thighs")]))
    report = counter.report()
    assert [s.hands_used for s in report.stands] == [False, True, False]
    assert (report.count, report.score) == (3, 0)
    assert report.faults["hands_on_legs"] == 1
    assert report.stands[0].faults == report.stands[2].faults == ()


def test_hands_on_the_thighs_while_seated_but_crossed_before_rising_is_fine() -> None:
    # Seated 2.8-3.4 s between stands; the hands rest on the thighs until 3.2 s.
    keys = keyframes([Cycle()] * 2)
    counter, cues, _ = run(frames(keys, arms_during=[(2.6, 3.2, "thighs")]))
    report = counter.report()
    assert "hands_off_legs" in codes(cues)  # said while they rested there
    assert report.count == 2
    assert not report.hands_used
    assert report.score == 2


def test_arms_dropped_only_at_the_top_are_recorded_but_not_hands_used() -> None:
    # Standing 1.7-2.1 s: the arms hang there, crossed again before sitting.
    keys = keyframes([Cycle(top_s=0.8)] * 2)
    counter, cues, _ = run(frames(keys, arms_during=[(1.8, 2.4, "hanging")]))
    report = counter.report()
    assert "cross_arms" in codes(cues)
    assert report.stands[0].faults == ("arms_not_crossed",)
    assert not report.stands[0].hands_used
    assert (report.count, report.score) == (2, 2)


def test_unseen_wrists_are_not_judged() -> None:
    counter, cues, _ = run(frames(keyframes([Cycle()] * 2), arms="hanging", wrist_visibility=0.2))
    assert not codes(cues) & {"cross_arms", "hands_off_legs"}
    assert counter.report().faults == {}


def test_a_brief_arm_movement_is_not_a_fault() -> None:
    keys = keyframes([Cycle()] * 2)
    pairs = [
        (
            t,
            pose(knee_deg=90.0, hip_deg=85.0, arms="hanging", timestamp_ms=t)
            if f and t < 200
            else f,
        )
        for t, f in frames(keys)
    ]
    _, cues, _ = run(pairs)
    assert not codes(cues) & {"cross_arms", "hands_off_legs"}


# -- the live answer and the report ------------------------------------------------------------


def test_updates_carry_state_measures_and_clock() -> None:
    counter = ChairStandCounter(P, start=StartMode.FIRST_RISE)
    states = [counter.state]
    counted = []
    for t, frame in frames(keyframes([Cycle()])):
        update = counter.update(frame, t)
        states.append(update.state)
        if update.counted:
            counted.append(update)
        json.dumps(update.to_dict())
    assert [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]] == [
        StandState.WAITING,
        StandState.SEATED,
        StandState.RISING,
        StandState.STANDING,
        StandState.SITTING,
        StandState.SEATED,
    ]
    [first] = counted
    assert first.count == 1
    assert first.measures is not None
    assert first.elapsed_s is not None
    assert first.remaining_s == pytest.approx(30.0 - first.elapsed_s)


def test_none_frames_without_time_keep_time_moving_forward() -> None:
    counter = ChairStandCounter(P)
    counter.update(at_progress(0.0, 500.0))
    update = counter.update(None)
    assert update.view is View.NO_PERSON
    assert update.timestamp_ms > 500.0


def test_report_to_dict_is_json_with_the_documented_keys() -> None:
    report = count_chair_stands(frames(keyframes([Cycle(), Cycle(peak=0.4)])))
    data = json.loads(json.dumps(report.to_dict()))
    assert set(data) == {
        "method",
        "protocol",
        "score",
        "count",
        "time_elapsed",
        "duration_s",
        "started_s",
        "stands",
        "partial_stands",
        "faults",
        "hands_used",
        "arms_checked",
        "unseen_s",
        "frames",
        "frames_with_person",
    }
    assert data["method"] == "camera"
    assert data["protocol"] == "chair_stand_30s"
    assert data["duration_s"] == 30.0
    assert set(data["stands"][0]) == {
        "number",
        "start_s",
        "standing_s",
        "peak_s",
        "end_s",
        "faults",
        "halfway",
        "hands_used",
        "arms_seen",
    }
    assert set(data["partial_stands"][0]) == {"start_s", "end_s", "best_rise"}


def test_count_chair_stands_takes_bare_frames_too() -> None:
    bare = [f for _, f in frames(keyframes([Cycle()] * 2)) if f is not None]
    assert count_chair_stands(bare).count == 2
    assert count_chair_stands([]).count == 0


# -- the protocol file -------------------------------------------------------------------------


def test_the_shipped_protocol_loads() -> None:
    assert P.id == DEFAULT_CHAIR_STAND == "chair_stand_30s"
    assert P.test.duration_s == 30.0
    assert P.test.halfway_fraction == 0.5
    assert P.name.get("ja")
    assert len(P.setup_steps) >= 3
    assert all(step.en and step.ja for step in (*P.setup_steps, *P.tips))


def edited(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("duration_s = 30.0", "duration_s = 3.0", r"test\.duration_s must be between"),
        ("duration_s = 30.0", 'duration_s = "30"', r"test\.duration_s must be a number"),
        ("[arms]", "[arms]\nelbow = 1", r"unknown keys in \[arms\]: elbow"),
        ("knee_max = [115.0, 125.0]", "knee_max = [125.0, 115.0]", r"seated\.knee_max: the value"),
        ("knee_min = [140.0, 130.0]", "knee_min = [120.0, 110.0]", r"must lie below standing"),
        ("hip_min = [150.0, 140.0]", "hip_min = [150.0]", r"standing\.hip_min must be \[enter"),
        ("min_leg = 0.5", "min_leg = 1.5", r"visibility\.min_leg must be between"),
        ("[seated]", "[sitting]", r"unknown keys: sitting"),
        ('ja = "30秒椅子立ち上がりテスト"\n', "", r"name needs ja text"),
        ("warn_before_end_s = 10.0", "warn_before_end_s = 30.0", r"warn_before_end_s must be"),
        ("level_max = [0.6, 0.7]", "level_max = [0.7, 0.6]", r"arms\.level_max: the value"),
        ("forward_min = [0.0, -0.1]", "forward_min = [0.7, 0.6]", r"forward_min \(0\.7\) must"),
        ("seat_level = 0.8", "seat_level = 0.65", r"arms\.seat_level \(0\.65\) must lie below"),
        ("countdown = 3 ", "countdown = 2.5 ", r"start\.countdown must be a whole number"),
        ("still_s = 1.0", "still_s = -1.0", r"start\.still_s must be between"),
        ("\n[start]\n", "\n[begin]\n", r"unknown keys: begin"),
    ],
)
def test_protocol_errors_name_the_field(old: str, new: str, message: str) -> None:
    with pytest.raises(ProtocolError, match=message) as info:
        parse_chair_stand(edited(old, new), origin="cs.toml")
    assert str(info.value).startswith("cs.toml: ")


def test_a_missing_table_is_named() -> None:
    without = re.sub(r"\[standing\]\n(?:[a-z].*\n)+", "", SHIPPED)
    assert "knee_min" not in without
    with pytest.raises(ProtocolError, match=r"missing table \[standing\]"):
        parse_chair_stand(without)


def test_protocol_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ProtocolError, match="not valid TOML"):
        parse_chair_stand("id = ")
    with pytest.raises(ProtocolError, match="no protocol named 'nope'"):
        load_chair_stand("nope")
    with pytest.raises(ProtocolError, match=r"missing\.toml"):
        load_chair_stand_file(tmp_path / "missing.toml")
    path = tmp_path / "mine.toml"
    path.write_text(edited("duration_s = 30.0", "duration_s = 60.0"), encoding="utf-8")
    assert load_chair_stand_file(path).test.duration_s == 60.0


# -- cues --------------------------------------------------------------------------------------


def said_codes() -> set[str]:
    """Every string literal given as the cue code to ``_say(`` in coach/chair_stand.py."""
    tree = ast.parse(Path(chair_stand_module.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "_say"
            and len(node.args) >= 3
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            found.add(node.args[1].value)
    return found


def counter_codes() -> set[str]:
    return said_codes() | set(FAULT_CUES.values()) | set(SHARED_CUES)


def test_the_ast_scan_finds_the_cues() -> None:
    assert {"sit_to_start", "stand_up_fully", "time_up", "seconds_left"} <= said_codes()


@pytest.mark.parametrize("code", sorted(counter_codes()))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cue_the_counter_gives_has_text(code: str, language: str) -> None:
    texts = chair_stand_cues().texts
    assert code in texts, f"cue {code!r} has no text"
    assert texts[code][language].strip()
    text = chair_stand_cue_text(Cue(code, (("seconds", "10"),)), language)
    assert "{" not in text


def test_every_chair_stand_cue_is_used() -> None:
    assert set(chair_stand_cues().texts) == counter_codes()


def test_cue_texts_in_both_languages() -> None:
    assert chair_stand_cue_text(Cue("cross_arms")).startswith("Cross your arms")
    assert chair_stand_cue_text(Cue("cross_arms"), "ja") == "両腕を胸の前で組みましょう。"
    assert chair_stand_cue_text(Cue("seconds_left", (("seconds", "10"),)), "ja") == "残り10秒です。"
    assert "picture" in chair_stand_cue_text(Cue("cant_see_you"))


def test_the_cue_file_needs_both_languages() -> None:
    text = resources.files("coach.data").joinpath("chair_stand_cues.toml").read_text("utf-8")
    parse(text)
    broken = text.replace('ja = "終了です。座って休みましょう。"', "")
    with pytest.raises(ValueError, match="time_up"):
        parse(broken)
