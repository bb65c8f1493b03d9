"""The session timeline: phases and fault episodes, the same for live sessions and recordings."""

from __future__ import annotations

import itertools

import pytest
import synthetic as syn
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import protocol
from coach.assessment import Side
from coach.coaching import analyze_sequence
from coach.events import Phase
from coach.landmarks import PoseFrame
from coach.timeline import (
    JOIN_GAP_MS,
    MAX_SPANS,
    InvalidTimeline,
    Span,
    TimelineBuilder,
    parse_timeline,
    timeline_dict,
)

P = protocol.load()
L = Side.LEFT


def faults_of(spans: list[Span]) -> list[tuple[str, float, float]]:
    return [(s.code, s.start_ms, s.end_ms) for s in spans if s.kind == "fault"]


def test_a_fault_inside_a_hold_is_one_episode_with_its_times() -> None:
    b = TimelineBuilder()
    b.add(0, Phase.SETUP, None, 1)
    for t in range(1000, 5001, 100):
        lean = 2000 <= t <= 3000
        b.add(t, Phase.HOLD, L, 1, ["trunk_leaning_forward"] if lean else ())
    spans = b.finish(5000)
    assert [(s.code, s.start_ms, s.end_ms) for s in spans if s.kind == "phase"] == [
        ("setup", 0, 1000),
        ("hold", 1000, 5000),
    ]
    assert faults_of(spans) == [("trunk_leaning_forward", 2000, 3000)]


def test_a_short_gap_joins_and_a_long_gap_splits() -> None:
    b = TimelineBuilder()
    pattern = dict.fromkeys(range(0, 1001, 100), True)
    pattern.update(dict.fromkeys(range(1100, 1101 + int(JOIN_GAP_MS) - 200, 100), False))
    pattern.update(dict.fromkeys(range(1500, 2001, 100), True))
    pattern.update(dict.fromkeys(range(2100, 4001, 100), False))
    pattern.update(dict.fromkeys(range(4100, 4501, 100), True))
    for t in sorted(pattern):
        b.add(t, Phase.HOLD, L, 1, ["knee_past_toes"] if pattern[t] else ())
    assert faults_of(b.finish(4500)) == [
        ("knee_past_toes", 0, 2000),
        ("knee_past_toes", 4100, 4500),
    ]


def test_faults_outside_holds_are_not_kept_but_a_back_dated_hold_claims_its_settling() -> None:
    b = TimelineBuilder()
    for t in range(0, 3001, 100):
        b.add(t, Phase.SETUP, None, 1, ["trunk_leaning_forward"] if t <= 1000 else ())
    # Settling began at 2000 ms: the hold is dated from there, as the session dates it.
    for t in range(3100, 6001, 100):
        b.add(t, Phase.HOLD, L, 1, ["lower_back_arched"] if t < 3500 else (), phase_since_ms=2000)
    spans = b.finish(6000)
    phases = [(s.code, s.start_ms, s.end_ms) for s in spans if s.kind == "phase"]
    assert phases == [("setup", 0, 2000), ("hold", 2000, 6000)]
    assert faults_of(spans) == [("lower_back_arched", 3100, 3400)]


def test_rest_pause_and_done_judge_no_form() -> None:
    b = TimelineBuilder()
    for t in range(0, 1001, 100):
        b.add(t, Phase.HOLD, L, 1, ["trunk_leaning_forward"])
    for phase, start in ((Phase.REST, 1100), (Phase.PAUSED, 3000), (Phase.DONE, 5000)):
        for t in range(start, start + 1001, 100):
            b.add(t, phase, L, 2, ["trunk_leaning_forward"])
    assert faults_of(b.finish(6000)) == [("trunk_leaning_forward", 0, 1000)]


def test_a_fault_lasting_one_frame_has_no_span() -> None:
    b = TimelineBuilder()
    b.add(0, Phase.HOLD, L, 1)
    b.add(100, Phase.HOLD, L, 1, ["knee_past_toes"])
    for t in range(200, 2001, 100):
        b.add(t, Phase.HOLD, L, 1)
    assert faults_of(b.finish(2000)) == []


def test_out_of_order_samples_are_ignored() -> None:
    b = TimelineBuilder()
    b.add(1000, Phase.HOLD, L, 1)
    b.add(500, Phase.SETUP, None, 1)
    b.add(2000, Phase.HOLD, L, 1)
    assert [s.code for s in b.finish(2000)] == ["hold"]


def test_round_trip_and_continuing_after_a_reconnect() -> None:
    b = TimelineBuilder()
    for t in range(0, 2001, 100):
        b.add(t, Phase.HOLD, L, 1, ["trunk_leaning_forward"] if t >= 1000 else ())
    stored = b.to_dict()
    assert parse_timeline(stored) == b.spans()
    again = TimelineBuilder.from_dict(stored)
    for t in range(2100, 4001, 100):
        again.add(t, Phase.HOLD, Side.RIGHT, 1)
    spans = again.finish(4000)
    assert [s.code for s in spans if s.kind == "phase"] == ["hold", "hold"]
    assert spans[-1].side is Side.RIGHT


@pytest.mark.parametrize(
    "data",
    [
        {"version": 99, "spans": []},
        {"version": 1, "spans": "nope"},
        {"version": 1, "spans": [{"kind": "weird", "code": "x", "set": 1}]},
        {"version": 1, "spans": [{"kind": "phase", "code": "hold", "set": 1, "start_s": 2}]},
        {
            "version": 1,
            "spans": [
                {"kind": "phase", "code": "hold", "set": 1, "side": "up", "start_s": 0, "end_s": 1}
            ],
        },
        {
            "version": 1,
            "spans": [
                {"kind": "phase", "code": "hold", "set": 1, "side": None, "start_s": 3, "end_s": 1}
            ],
        },
    ],
)
def test_damaged_stored_timelines_are_refused_clearly(data: dict[str, object]) -> None:
    with pytest.raises(InvalidTimeline):
        parse_timeline(data)


def test_empty_stored_timeline_is_empty() -> None:
    assert parse_timeline({}) == []
    assert parse_timeline(None) == []
    assert timeline_dict([]) == {"version": 1, "spans": [], "truncated": False}


def test_a_very_long_session_is_bounded_and_says_so() -> None:
    b = TimelineBuilder()
    t = 0.0
    for _ in range(MAX_SPANS + 50):
        b.add(t, Phase.HOLD, L, 1, ["knee_past_toes"])
        b.add(t + 100, Phase.HOLD, L, 1, ["knee_past_toes"])
        t += 100 + JOIN_GAP_MS + 100
        b.add(t, Phase.HOLD, L, 1)
    b.finish(t)
    assert b.truncated
    assert b.to_dict()["truncated"] is True
    assert len(b.to_dict()["spans"]) <= MAX_SPANS + 2


PHASES = [Phase.SETUP, Phase.HOLD, Phase.REST, Phase.SWITCH_SIDE, Phase.PAUSED]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 400),
            st.sampled_from(PHASES),
            st.sampled_from([None, Side.LEFT, Side.RIGHT]),
            st.integers(1, 3),
            st.sets(st.sampled_from(["a", "b", "c"]), max_size=2),
        ),
        max_size=80,
    )
)
def test_spans_are_well_formed_for_any_samples(
    samples: list[tuple[int, Phase, Side | None, int, set[str]]],
) -> None:
    b = TimelineBuilder()
    t = 0
    for dt, phase, side, number, faults in samples:
        t += dt
        b.add(t, phase, side, number, faults)
    spans = b.finish(t)
    phases = [s for s in spans if s.kind == "phase"]
    holds = [s for s in phases if s.code == Phase.HOLD.value]
    for s in spans:
        assert 0 <= s.start_ms <= s.end_ms <= t
    for before, after in itertools.pairwise(phases):
        assert before.end_ms <= after.start_ms
    for f in (s for s in spans if s.kind == "fault"):
        assert f.duration_ms > 0
        assert any(h.start_ms <= f.start_ms and f.end_ms <= h.end_ms for h in holds)


def recording(lean_from_s: float, lean_to_s: float) -> list[tuple[float, PoseFrame | None]]:
    fps = 30
    dt = 1000.0 / fps
    standing = syn.standing()
    good = syn.half_kneeling(rear_hip_extension_deg=30.0)
    leaning = syn.half_kneeling(rear_hip_extension_deg=30.0, trunk_lean_deg=35.0)
    out: list[tuple[float, PoseFrame | None]] = []
    for n in range(int(20 * fps)):
        t = n * dt
        if t < 2000 or t >= 18000:
            frame = standing
        elif lean_from_s * 1000 <= t < lean_to_s * 1000:
            frame = leaning
        else:
            frame = good
        out.append((t, syn.at_time(frame, t)))
    return out


def test_a_recording_gets_holds_dated_like_its_hold_records() -> None:
    report = analyze_sequence(recording(99, 99), P.prescribed(hold_s=60, sets_per_side=1))
    holds = [s for s in report.timeline if s.kind == "phase" and s.code == "hold"]
    assert len(holds) == len(report.holds) == 1
    assert holds[0].start_ms == pytest.approx(report.holds[0].start_ms)
    assert holds[0].side is report.holds[0].side


def test_a_recording_shows_when_the_trunk_leaned() -> None:
    report = analyze_sequence(recording(8, 12), P.prescribed(hold_s=60, sets_per_side=1))
    leans = [s for s in report.timeline if s.kind == "fault"]
    assert leans, report.timeline
    assert {s.code for s in leans} == {"trunk_leaning_forward"}
    first, last = leans[0], leans[-1]
    assert 7500 <= first.start_ms <= 9500
    assert 11000 <= last.end_ms <= 13000
    total = sum(s.duration_ms for s in leans) / 1000.0
    assert total == pytest.approx(report.holds[0].fault_ms["trunk_leaning_forward"] / 1000, abs=1.5)
