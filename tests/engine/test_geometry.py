from __future__ import annotations

import math

import numpy as np
import pytest
import synthetic as syn
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from coach.geometry import LEFT_LEG, RIGHT_LEG, Leg, Measures, inclination, joint_angle, measure
from coach.landmarks import PoseFrame


def v(*xs: float) -> np.ndarray:
    return np.array(xs, dtype=np.float64)


def measured(frame: PoseFrame, rear_label: str = "left") -> Measures:
    rear, front = (LEFT_LEG, RIGHT_LEG) if rear_label == "left" else (RIGHT_LEG, LEFT_LEG)
    return measure(frame, rear, front)


# -- joint_angle and inclination on known vectors ---------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "c", "expected"),
    [
        ((1, 0), (0, 0), (0, 1), 90.0),
        ((1, 0), (0, 0), (-1, 0), 180.0),
        ((1, 0), (0, 0), (2, 0), 0.0),
        ((1, 0), (0, 0), (1, 1), 45.0),
        ((1, 0), (0, 0), (-1, math.sqrt(3)), 120.0),
        ((3, 4), (3, 0), (10, 0), 90.0),
        ((1, 0, 0), (0, 0, 0), (0, 0, 5), 90.0),
        ((1, 1, 0), (0, 0, 0), (0, 1, 1), 60.0),
    ],
)
def test_joint_angle_known(a, b, c, expected):
    assert joint_angle(v(*a), v(*b), v(*c)) == pytest.approx(expected, abs=1e-9)


def test_joint_angle_degenerate_is_nan():
    assert math.isnan(joint_angle(v(0, 0), v(0, 0), v(1, 0)))
    assert math.isnan(joint_angle(v(1, 1), v(0, 0), v(0, 0)))


def test_joint_angle_clamps_rounding():
    # Collinear vectors whose cosine rounds just beyond 1 must not raise.
    a = v(0.1 + 0.2, 0.0)
    assert joint_angle(a, v(0, 0), v(0.3, 0.0)) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize(
    ("top", "bottom", "expected"),
    [
        ((0, 0), (0, 1), 0.0),  # straight up (image y grows downward)
        ((1, 0), (0, 1), 45.0),  # up and toward +x
        ((-1, 0), (0, 1), -45.0),
        ((1, 1), (0, 1), 90.0),  # horizontal toward +x
        ((-1, 1), (0, 1), -90.0),
        ((0, 2), (0, 1), 180.0),  # straight down
        ((math.sqrt(3), 0), (0, 1), 60.0),
    ],
)
def test_inclination_known(top, bottom, expected):
    assert inclination(v(*top), v(*bottom)) == pytest.approx(expected, abs=1e-9)


# -- the synthetic builder's angles come back from measure -----------------------------------

angles = st.fixed_dictionaries(
    {
        "front_knee_deg": st.floats(60.0, 140.0),
        "rear_hip_extension_deg": st.floats(-10.0, 50.0),
        "trunk_lean_deg": st.floats(-30.0, 40.0),
        "rear_knee_height": st.floats(0.0, 0.3),
    }
)
framing = st.fixed_dictionaries(
    {
        "facing": st.sampled_from([-1, 1]),
        "kneeling_label": st.sampled_from(["left", "right"]),
        "near": st.sampled_from(["rear", "front"]),
        "image_width": st.sampled_from([640, 1280, 1920, 720, 1080, 480]),
        "image_height": st.sampled_from([480, 720, 1080, 1280, 1920]),
    }
)


def build(a: dict, f: dict, *, world: bool) -> PoseFrame:
    try:
        frame = syn.half_kneeling(**a, **f, world=world)
    except ValueError:
        assume(False)
        raise
    # Facing is read from the stride: a front foot drawn back behind the kneeling knee (a very
    # bent front knee over a thigh that leans back) is not the stretch, and has no facing.
    label = f.get("kneeling_label", "left")
    rear, front = (LEFT_LEG, RIGHT_LEG) if label == "left" else (RIGHT_LEG, LEFT_LEG)
    px = frame.pixels()
    assume(f.get("facing", -1) * (px[front.ankle][0] - px[rear.knee][0]) > 1e-3)
    return frame


def check_angles(m: Measures, a: dict) -> None:
    assert m.front_knee == pytest.approx(a["front_knee_deg"], abs=1.0)
    assert m.rear_hip_extension == pytest.approx(a["rear_hip_extension_deg"], abs=1.0)
    assert m.trunk_lean == pytest.approx(a["trunk_lean_deg"], abs=1.0)
    assert m.rear_knee_height == pytest.approx(a["rear_knee_height"], abs=0.01)


@settings(max_examples=60, deadline=None)
@given(a=angles, f=framing)
def test_measure_recovers_angles_2d(a, f):
    frame = build(a, f, world=False)
    assert frame.world is None
    m = measured(frame, f["kneeling_label"])
    check_angles(m, a)
    assert m.facing == f["facing"]


@settings(max_examples=60, deadline=None)
@given(a=angles, f=framing)
def test_measure_recovers_angles_with_world(a, f):
    frame = build(a, f, world=True)
    assert frame.world is not None
    m = measured(frame, f["kneeling_label"])
    check_angles(m, a)
    assert m.facing == f["facing"]
    # The image-only measure agrees with the world one.
    flat = measured(build(a, f, world=False), f["kneeling_label"])
    assert m.front_knee == pytest.approx(flat.front_knee, abs=0.5)
    assert m.rear_knee == pytest.approx(flat.rear_knee, abs=0.5)


def test_depth_sign_follows_near_leg():
    near_rear = measured(syn.half_kneeling(near="rear"))
    near_front = measured(syn.half_kneeling(near="front"))
    assert near_rear.rear_depth < 0 < near_front.rear_depth


def test_side_on_widths_are_small_and_front_view_wide():
    side = measured(syn.half_kneeling())
    assert side.shoulder_width < 0.1
    assert side.hip_width < 0.1
    front = measured(syn.front_facing())
    assert front.shoulder_width > 0.55
    assert front.hip_width > 0.55


# -- invariance: image scale, aspect ratio, mirroring -----------------------------------------

ANGLE_NAMES = ("front_knee", "rear_knee", "rear_hip_extension", "trunk_lean")


def angle_tuple(m: Measures) -> tuple[float, ...]:
    return tuple(getattr(m, n) for n in ANGLE_NAMES)


@settings(max_examples=30, deadline=None)
@given(a=angles, scale=st.floats(0.15, 0.5), world=st.booleans())
def test_angles_invariant_to_image_scale(a, scale, world):
    base = build(a, {}, world=world)
    scaled = build({**a, "scale": scale}, {}, world=world)
    assert angle_tuple(measured(scaled)) == pytest.approx(angle_tuple(measured(base)), abs=1e-6)
    # Lengths in thigh lengths do not change either.
    assert measured(scaled).stride == pytest.approx(measured(base).stride, abs=1e-9)


@pytest.mark.parametrize(
    ("width", "height"), [(1280, 720), (720, 1280), (1000, 1000), (1920, 1080), (480, 640)]
)
@pytest.mark.parametrize("world", [False, True])
def test_angles_invariant_to_aspect(width, height, world):
    reference = measured(syn.half_kneeling(image_width=1000, image_height=1000, world=world))
    frame = syn.half_kneeling(
        image_width=width, image_height=height, world=world, trunk_lean_deg=10.0
    )
    m = measured(frame)
    assert m.front_knee == pytest.approx(90.0, abs=1e-6)
    assert m.rear_hip_extension == pytest.approx(30.0, abs=1e-6)
    assert m.trunk_lean == pytest.approx(10.0, abs=1e-6)
    assert m.rear_knee_height == pytest.approx(reference.rear_knee_height, abs=1e-9)
    assert m.stride == pytest.approx(reference.stride, abs=1e-6)


def test_aspect_correction_matters():
    """Measured on raw normalised coordinates, a 16:9 frame would give the wrong angles."""
    frame = syn.half_kneeling(image_width=1920, image_height=1080, world=False)
    raw = frame.landmarks[:, :2]
    knee = syn.L.RIGHT_KNEE
    uncorrected = joint_angle(raw[syn.L.RIGHT_HIP], raw[knee], raw[syn.L.RIGHT_ANKLE])
    assert abs(uncorrected - 90.0) > 5.0
    assert measured(frame).front_knee == pytest.approx(90.0, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(a=angles, f=framing, world=st.booleans())
def test_mirror_keeps_angles_and_flips_facing(a, f, world):
    frame = build(a, f, world=world)
    flipped = syn.mirror(frame)
    m = measured(frame, f["kneeling_label"])
    mm = measured(flipped, f["kneeling_label"])
    assert angle_tuple(mm) == pytest.approx(angle_tuple(m), abs=1e-6)
    assert mm.facing == -m.facing
    assert mm.rear_depth == pytest.approx(m.rear_depth)
    assert mm.nose_facing == -m.nose_facing


def test_nose_facing_follows_the_head():
    assert measured(syn.half_kneeling(facing=-1)).nose_facing == -1
    assert measured(syn.half_kneeling(facing=1)).nose_facing == 1


def test_angles_rounded_for_display():
    m = measured(syn.half_kneeling(front_knee_deg=91.234, trunk_lean_deg=3.21))
    shown = m.angles()
    assert set(shown) == set(ANGLE_NAMES)
    assert shown["front_knee"] == 91.2
    assert shown["trunk_lean"] == 3.2


def test_legs_are_labelled_by_model():
    assert isinstance(LEFT_LEG, Leg)
    assert LEFT_LEG.knee == syn.L.LEFT_KNEE
    assert RIGHT_LEG.toe == syn.L.RIGHT_FOOT_INDEX


def test_joint_angles_use_world_landmarks_when_present():
    """A knee misplaced in the image (camera slightly off the side) does not move the 3-D angle."""
    for world in (True, False):
        frame = syn.half_kneeling(world=world)
        lm = frame.landmarks.copy()
        lm[syn.L.RIGHT_KNEE, 0] += 0.03  # the front knee, in the image only
        moved = PoseFrame.create(
            0.0,
            lm,
            image_width=frame.image_width,
            image_height=frame.image_height,
            world=frame.world,
        )
        m = measured(moved)
        if world:
            assert m.front_knee == pytest.approx(90.0, abs=1e-6)
        else:
            assert abs(m.front_knee - 90.0) > 2.0
        # Inclinations are image measures either way.
        assert m.rear_hip_extension == pytest.approx(30.0, abs=1e-6)
