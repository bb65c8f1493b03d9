"""The judgement holds from side-on to 60 degrees toward or away from the camera.

Real frames (the Cornell clip's recorded world landmarks, a physiotherapist holding the stretch
side-on) are turned about the vertical axis and seen through a pinhole camera 2.5 m away at hip
height, which makes the image landmarks a phone at that angle would see. Position, side and
angles must agree with the side-on answer within the stated tolerances; where the engine finds
the view too frontal it may only say so ("turn a little sideways"), never give another answer.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from coach import protocol
from coach.analyzer import FrameAnalyzer
from coach.assessment import Assessment, View
from coach.landmarks import PoseFrame, frame_from_dict

P = protocol.load()
CLIP = Path(__file__).parents[1] / "fixtures/frames/cornell_kneeling_hip_flexor.jsonl"
WIDTH, HEIGHT, FOCAL_PX, DISTANCE_M = 1280, 720, 1000.0, 2.5
TOLERANCE = {"rear_hip_extension": 6.0, "trunk_lean": 6.0, "front_knee": 8.0, "rear_knee": 8.0}


def _hold_frames() -> list[PoseFrame]:
    lines = CLIP.read_text(encoding="utf-8").splitlines()[1:]
    frames = [frame_from_dict(json.loads(line)) for line in lines]
    # Every 45th frame of the hold (about 9-19 s): 6 poses of the stretch.
    return [f for f in frames if 9000.0 <= f.timestamp_ms <= 19000.0][::45]


def seen_from(frame: PoseFrame, yaw_deg: float, *, mirrored: bool = False) -> PoseFrame:
    """The same body turned ``yaw_deg`` about the vertical, through a pinhole camera."""
    assert frame.world is not None
    world = frame.world.copy()
    if mirrored:
        world[:, 0] = -world[:, 0]
    a = math.radians(yaw_deg)
    turn = np.array(
        [[math.cos(a), 0.0, math.sin(a)], [0.0, 1.0, 0.0], [-math.sin(a), 0.0, math.cos(a)]]
    )
    world = world @ turn.T
    depth = world[:, 2] + DISTANCE_M
    lm = np.empty((world.shape[0], 4))
    lm[:, 0] = (WIDTH / 2 + FOCAL_PX * world[:, 0] / depth) / WIDTH
    lm[:, 1] = (HEIGHT / 2 + FOCAL_PX * world[:, 1] / depth) / HEIGHT
    lm[:, 2] = world[:, 2] * FOCAL_PX / (DISTANCE_M * WIDTH)
    lm[:, 3] = frame.landmarks[:, 3]
    return PoseFrame.create(
        frame.timestamp_ms, lm, image_width=WIDTH, image_height=HEIGHT, world=world
    )


def judge(frame: PoseFrame) -> Assessment:
    return FrameAnalyzer(P, smoothing=None).assess(frame)


@pytest.mark.parametrize("mirrored", [False, True], ids=["faces-left", "faces-right"])
@pytest.mark.parametrize("yaw", [-60, -45, -30, -15, 15, 30, 45, 60])
def test_position_side_and_angles_hold_when_the_camera_turns(yaw: int, mirrored: bool) -> None:
    judged = 0
    for frame in _hold_frames():
        side_on = judge(seen_from(frame, 0.0, mirrored=mirrored))
        assert side_on.view is View.OK
        turned = judge(seen_from(frame, yaw, mirrored=mirrored))
        if turned.view is View.NOT_SIDE_ON:
            continue  # honest: asks to turn, gives no answer
        judged += 1
        assert turned.view is View.OK
        assert turned.in_position == side_on.in_position
        assert turned.side is side_on.side
        for name, tolerance in TOLERANCE.items():
            assert turned.angles[name] == pytest.approx(side_on.angles[name], abs=tolerance), name
    # The clip's own hip line reads ~21 degrees off side-on, so turning it 60 degrees one way
    # reads ~81 there, past the protocol's max_view_yaw (70): asked to turn, not judged.
    if abs(yaw) <= 45:
        assert judged == len(_hold_frames())


def test_a_mirror_image_flips_the_side() -> None:
    for frame in _hold_frames():
        for yaw in (-45.0, 0.0, 45.0):
            a, b = judge(seen_from(frame, yaw)), judge(seen_from(frame, -yaw, mirrored=True))
            if View.NOT_SIDE_ON in (a.view, b.view):
                continue
            assert a.side is not None
            assert b.side is a.side.other


def test_left_and_right_hip_extension_agree_from_two_cameras() -> None:
    """One pose seen from two cameras 60 degrees apart gives the same rear-hip extension."""
    for frame in _hold_frames():
        a, b = judge(seen_from(frame, -30.0)), judge(seen_from(frame, 30.0))
        assert a.view is View.OK
        assert b.view is View.OK
        assert a.angles["rear_hip_extension"] == pytest.approx(
            b.angles["rear_hip_extension"], abs=6.0
        )
