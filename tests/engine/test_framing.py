"""The camera set-up check (coach/framing.py) on synthetic frames with known framing."""

from __future__ import annotations

import json

import numpy as np
import pytest
from synthetic import front_facing, half_kneeling, standing

from coach.framing import CameraHeight, Framing, FramingCue, FramingMonitor, check_framing
from coach.landmarks import BodyLandmark, PoseFrame
from coach.protocol import DEFAULT_FRAMING, Band, ProtocolError, load, parse

P = load()
FLOOR = 0.92  # where synthetic.py puts the floor


def moved(frame: PoseFrame, *, dy: float = 0.0, dx: float = 0.0) -> PoseFrame:
    """The same body shifted in the picture (fractions of the frame)."""
    lm = frame.landmarks.copy()
    lm[:, 0] += dx
    lm[:, 1] += dy
    return PoseFrame.create(
        frame.timestamp_ms,
        lm,
        image_width=frame.image_width,
        image_height=frame.image_height,
        world=frame.world,
    )


def kneeling(scale: float, floor: float = FLOOR) -> PoseFrame:
    """A half-kneeling side view ``scale`` frame heights per metre, feet on row ``floor``."""
    return moved(half_kneeling(scale=scale), dy=floor - FLOOR)


def test_a_well_framed_kneeling_person_is_ok():
    f = check_framing(half_kneeling(), P)
    assert f.ok
    assert f.cue is FramingCue.OK
    assert f.person
    assert f.whole_body
    assert f.cut_off == ()
    assert f.edges == ()
    assert f.big_enough
    assert not f.too_close
    assert f.camera is CameraHeight.OK
    assert f.side_on is True
    assert f.issues == ()


def test_the_leg_share_is_the_same_standing_and_kneeling():
    """The size measure does not change when the person kneels down (same scale)."""
    knee = check_framing(half_kneeling(scale=0.4), P)
    stand = check_framing(standing(), P)  # standing builds its own scale: compare to it
    assert knee.leg == pytest.approx(0.4 * (0.45 + 0.43), abs=0.01)
    assert stand.leg is not None
    assert stand.ok, stand


def test_feet_out_of_the_bottom_of_the_picture():
    f = check_framing(kneeling(0.45, floor=1.04), P)
    assert not f.ok
    assert "feet" in f.cut_off
    assert "bottom" in f.edges
    assert f.cue is FramingCue.FEET_CUT_OFF
    # No floor, no scale: the camera's height is not guessed.
    assert f.camera is CameraHeight.UNKNOWN
    assert f.camera_height is None
    assert f.leg is None


def test_head_out_of_the_top_of_the_picture():
    f = check_framing(kneeling(0.45, floor=0.45), P)
    assert "head" in f.cut_off
    assert "top" in f.edges
    assert f.cue is FramingCue.HEAD_CUT_OFF


def test_a_foot_out_at_the_side_asks_to_move_to_the_middle():
    f = check_framing(moved(half_kneeling(scale=0.45), dx=0.4), P)
    assert "right" in f.edges
    assert f.cue is FramingCue.OFF_CENTRE


def test_a_small_person_is_asked_to_bring_the_phone_closer():
    # 0.2 frame heights per metre: a 0.88 m leg is 0.18 of the frame (the minimum is 0.25).
    f = check_framing(kneeling(0.2, floor=0.75), P)
    assert f.whole_body
    assert f.leg == pytest.approx(0.176, abs=0.005)
    assert not f.big_enough
    assert not f.ok
    assert f.cue is FramingCue.TOO_SMALL


def test_too_close_when_the_body_runs_off_the_top_and_the_bottom():
    f = check_framing(kneeling(0.95, floor=1.05), P)
    assert f.too_close
    assert f.cue is FramingCue.TOO_CLOSE


def test_too_close_when_the_leg_is_over_the_maximum_even_if_it_fits():
    f = check_framing(kneeling(0.72, floor=0.97), P)
    assert f.leg is not None
    assert f.leg > 0.6
    assert f.too_close
    assert f.issues[0] is FramingCue.TOO_CLOSE


def test_camera_too_high_when_the_floor_is_far_below_the_middle():
    # A level camera high above the person sees them low in the picture.
    f = check_framing(kneeling(0.3, floor=0.96), P)
    assert f.whole_body
    assert f.big_enough
    assert f.camera_height is not None
    assert f.camera_height > 1.35
    assert f.camera is CameraHeight.TOO_HIGH
    assert f.cue is FramingCue.CAMERA_TOO_HIGH


def test_camera_too_low_when_the_floor_is_near_the_middle():
    f = check_framing(kneeling(0.4, floor=0.6), P)
    assert f.whole_body
    assert f.camera_height is not None
    assert f.camera_height < 0.35
    assert f.camera is CameraHeight.TOO_LOW
    assert f.cue is FramingCue.CAMERA_TOO_LOW


def test_camera_at_standing_hip_height_reads_as_one_hip_height():
    leg = 0.4 * 0.88
    floor = 0.5 + 1.1 * leg  # the floor this far below the middle: camera at hip height
    f = check_framing(kneeling(0.4, floor=floor), P)
    assert f.camera_height == pytest.approx(1.0, abs=0.02)
    assert f.ok


def test_facing_the_camera_asks_to_turn_sideways():
    f = check_framing(front_facing(), P)
    assert f.side_on is False
    assert f.cue is FramingCue.NOT_SIDE_ON


def test_nobody_in_the_picture():
    f = check_framing(None, P)
    assert not f.ok
    assert not f.person
    assert not f.whole_body
    assert f.cue is FramingCue.NO_PERSON


def test_feet_in_the_frame_but_not_seen_are_hidden():
    frame = half_kneeling()
    lm = frame.landmarks.copy()
    feet = [
        BodyLandmark.LEFT_ANKLE,
        BodyLandmark.RIGHT_ANKLE,
        BodyLandmark.LEFT_HEEL,
        BodyLandmark.RIGHT_HEEL,
        BodyLandmark.LEFT_FOOT_INDEX,
        BodyLandmark.RIGHT_FOOT_INDEX,
    ]
    lm[feet, 3] = 0.2
    f = check_framing(PoseFrame.create(0.0, lm, image_width=1280, image_height=720), P)
    assert f.cut_off == ("feet",)
    assert f.edges == ()
    assert f.cue is FramingCue.HIDDEN


def test_the_size_threshold_has_hysteresis():
    # Leg 0.236 of the frame: under 0.25 to become ok, over 0.22 to stay ok.
    frame = kneeling(0.236 / 0.88, floor=0.78)
    assert not check_framing(frame, P).big_enough
    assert check_framing(frame, P, was_ok=True).big_enough


def test_the_same_frame_gives_the_same_verdict_and_it_is_json():
    frame = kneeling(0.3, floor=0.96)
    first, second = check_framing(frame, P), check_framing(frame, P)
    assert first == second
    data = json.loads(json.dumps(first.to_dict()))
    assert data["cue"] == "framing_camera_too_high"
    assert data["camera"] == "too_high"
    assert data["whole_body"] is True
    assert set(data) == {
        "ok",
        "cue",
        "person",
        "whole_body",
        "cut_off",
        "edges",
        "leg",
        "big_enough",
        "too_close",
        "camera_height",
        "camera",
        "side_on",
        "issues",
    }


def test_issues_come_most_useful_first():
    f = check_framing(kneeling(0.95, floor=1.05), P)
    order = list(FramingCue)
    assert [order.index(i) for i in f.issues] == sorted(order.index(i) for i in f.issues)
    assert isinstance(f, Framing)


# -- the [framing] table -----------------------------------------------------------------------

SHIPPED = (
    __import__("importlib.resources", fromlist=["files"])
    .files("coach.protocols")
    .joinpath("half_kneeling_psoas.toml")
    .read_text(encoding="utf-8")
)


def test_the_shipped_table_matches_the_defaults():
    assert P.framing == DEFAULT_FRAMING
    assert P.framing.min_leg == Band(0.25, 0.22)


def test_a_protocol_without_the_table_gets_the_defaults():
    start = SHIPPED.index("[framing]")
    end = SHIPPED.index("# Form rules")
    assert parse(SHIPPED[:start] + SHIPPED[end:]).framing == DEFAULT_FRAMING


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("edge = 0.02", "edge = 0.5", "framing.edge must be between"),
        ("min_leg = [0.25, 0.22]", "min_leg = 0.25", r"framing.min_leg must be \[enter, stay\]"),
        ("edge = 0.02", "edge = 0.02\nedges = 0.1", r"unknown keys in \[framing\]: edges"),
    ],
)
def test_a_bad_framing_table_is_refused(old, new, message):
    assert old in SHIPPED
    with pytest.raises(ProtocolError, match=message):
        parse(SHIPPED.replace(old, new, 1))


def test_the_thresholds_are_ordered():
    s = P.framing
    assert s.min_leg.enter < s.max_leg.enter
    assert s.min_camera_height.enter < 1.0 < s.max_camera_height.enter
    assert np.isclose(s.hip_height_per_leg, 1.1)


# -- settling and speaking ---------------------------------------------------------------------


def test_the_monitor_shows_a_verdict_once_it_has_held_and_says_it_once():
    monitor = FramingMonitor(P)
    good = half_kneeling()
    updates = [monitor.update(good, t) for t in range(0, 3000, 100)]
    assert all(u.now.ok for u in updates)
    assert [u.shown is not None for u in updates].index(True) == 10  # at 1000 ms
    assert sum(u.say for u in updates) == 1
    assert updates[10].say


def test_the_monitor_ignores_a_passing_bad_frame_and_repeats_a_lasting_problem():
    monitor = FramingMonitor(P)
    good, small = half_kneeling(), kneeling(0.2, floor=0.75)
    for t in range(0, 1500, 100):
        monitor.update(good, t)
    blip = monitor.update(small, 1500)
    assert not blip.now.ok
    assert blip.shown is not None
    assert blip.shown.ok  # one bad frame does not flip what is shown
    said = [(t, monitor.update(small, t).say) for t in range(1600, 25_000, 100)]
    times = [t for t, say in said if say]
    # Said once it has held a second, then again every 10 s while it lasts.
    assert times == [2500, 12_500, 22_500]
    assert monitor.shown is not None
    assert monitor.shown.cue is FramingCue.TOO_SMALL
