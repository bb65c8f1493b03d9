from __future__ import annotations

import json
import math

import numpy as np
import pytest
import synthetic as syn
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.landmarks import (
    LANDMARK_COUNT,
    SKELETON,
    BodyLandmark,
    InvalidFrame,
    PoseFrame,
    check_order,
    frame_from_dict,
    frame_to_dict,
)


def good_landmarks() -> np.ndarray:
    lm = np.full((LANDMARK_COUNT, 4), 0.5)
    lm[:, 3] = 0.9
    return lm


def good_world() -> np.ndarray:
    return np.zeros((LANDMARK_COUNT, 3)) + 0.1


def create(**overrides) -> PoseFrame:
    kwargs = {
        "timestamp_ms": 0.0,
        "landmarks": good_landmarks(),
        "image_width": 640,
        "image_height": 480,
        "world": None,
    }
    kwargs.update(overrides)
    ts = kwargs.pop("timestamp_ms")
    lm = kwargs.pop("landmarks")
    return PoseFrame.create(ts, lm, **kwargs)


def good_dict() -> dict:
    return frame_to_dict(syn.half_kneeling(timestamp_ms=1234.5))


# -- PoseFrame.create --------------------------------------------------------------------------


def test_create_valid_copies_and_freezes():
    lm = good_landmarks()
    frame = create(landmarks=lm, world=good_world())
    lm[0, 0] = 0.9
    assert frame.landmarks[0, 0] == 0.5
    assert not frame.landmarks.flags.writeable
    assert frame.world is not None
    assert not frame.world.flags.writeable
    assert frame.aspect == pytest.approx(640 / 480)


def test_pixels_are_aspect_corrected():
    frame = create(image_width=1920, image_height=1080)
    px = frame.pixels()
    assert px[0, 0] == pytest.approx(0.5 * 1920 / 1080)
    assert px[0, 1] == pytest.approx(0.5)


def test_numpy_integer_sizes_accepted():
    frame = create(image_width=np.int64(320), image_height=np.int32(240))
    assert (frame.image_width, frame.image_height) == (320, 240)
    assert type(frame.image_width) is int


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"landmarks": np.zeros((32, 4))}, "33 rows of 4"),
        ({"landmarks": np.zeros((34, 4))}, "33 rows of 4"),
        ({"landmarks": np.zeros((33, 3))}, "33 rows of 4"),
        ({"landmarks": np.zeros((33, 5))}, "33 rows of 4"),
        ({"landmarks": np.zeros(33 * 4)}, "33 rows of 4"),
        ({"landmarks": [[0.5, 0.5]] * 33}, "33 rows of 4"),
        ({"landmarks": [[0.5, 0.5, 0.0, 1.0]] * 32 + [[0.5]]}, "landmarks must be numbers"),
        ({"landmarks": [["a", 0.5, 0.0, 1.0]] * 33}, "landmarks must be numbers"),
        ({"timestamp_ms": -1.0}, "timestamp_ms"),
        ({"timestamp_ms": math.nan}, "timestamp_ms"),
        ({"timestamp_ms": math.inf}, "timestamp_ms"),
        ({"image_width": 0}, "image_width"),
        ({"image_height": -5}, "image_height"),
        ({"image_width": 100_000}, "image_width"),
        ({"image_width": True}, "image_width"),
        ({"image_height": "480"}, "image_height"),
        ({"image_width": 640.0}, "image_width"),
        ({"world": np.zeros((33, 4))}, "world landmarks must be 33 rows of 3"),
        ({"world": np.zeros((30, 3))}, "world landmarks must be 33 rows of 3"),
        ({"world": np.full((33, 3), 50.0)}, "world landmarks must be metres"),
    ],
)
def test_create_rejects(overrides, message):
    with pytest.raises(InvalidFrame, match=message):
        create(**overrides)


@pytest.mark.parametrize("column", [0, 1, 2])
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_create_rejects_non_finite_naming_the_landmark(column, bad):
    lm = good_landmarks()
    lm[BodyLandmark.LEFT_KNEE, column] = bad
    with pytest.raises(InvalidFrame, match="left_knee is NaN or infinite"):
        create(landmarks=lm)


def test_create_rejects_nan_visibility():
    lm = good_landmarks()
    lm[5, 3] = math.nan
    with pytest.raises(InvalidFrame, match="NaN"):
        create(landmarks=lm)


def test_create_rejects_nan_world():
    w = good_world()
    w[BodyLandmark.NOSE, 1] = math.nan
    with pytest.raises(InvalidFrame, match="world landmarks: nose is NaN"):
        create(world=w)


@pytest.mark.parametrize(("column", "value"), [(0, 50.0), (1, -7.0), (2, 6.0)])
def test_create_rejects_absurd_coordinates(column, value):
    lm = good_landmarks()
    lm[BodyLandmark.RIGHT_ANKLE, column] = value
    with pytest.raises(InvalidFrame, match="right_ankle is far outside the image"):
        create(landmarks=lm)


def test_coordinates_slightly_outside_the_image_are_fine():
    lm = good_landmarks()
    lm[BodyLandmark.LEFT_FOOT_INDEX, :2] = (-0.2, 1.3)
    create(landmarks=lm)


@pytest.mark.parametrize("vis", [-0.01, 1.01, 2.0])
def test_create_rejects_visibility_out_of_range(vis):
    lm = good_landmarks()
    lm[3, 3] = vis
    with pytest.raises(InvalidFrame, match="visibility"):
        create(landmarks=lm)


@pytest.mark.parametrize("vis", [0.0, 1.0])
def test_visibility_bounds_inclusive(vis):
    lm = good_landmarks()
    lm[:, 3] = vis
    create(landmarks=lm)


# -- check_order -------------------------------------------------------------------------------


def test_check_order():
    a = create(timestamp_ms=100.0)
    check_order(None, a)
    check_order(a, create(timestamp_ms=100.001))
    with pytest.raises(InvalidFrame, match="backwards or repeated"):
        check_order(a, create(timestamp_ms=100.0))
    with pytest.raises(InvalidFrame, match="backwards or repeated"):
        check_order(a, create(timestamp_ms=50.0))


# -- frame_to_dict / frame_from_dict -----------------------------------------------------------


@pytest.mark.parametrize("world", [True, False])
def test_round_trip(world):
    frame = syn.half_kneeling(timestamp_ms=1234.5678, world=world)
    data = frame_to_dict(frame)
    # Through real JSON, as on a socket or in a file.
    back = frame_from_dict(json.loads(json.dumps(data)))
    assert back.timestamp_ms == pytest.approx(1234.568)
    assert (back.image_width, back.image_height) == (frame.image_width, frame.image_height)
    np.testing.assert_allclose(back.landmarks, frame.landmarks, atol=1e-5)
    if world:
        assert back.world is not None
        np.testing.assert_allclose(back.world, frame.world, atol=1e-5)
    else:
        assert back.world is None
        assert "world_landmarks" not in data
    assert frame_to_dict(back) == data


def test_from_dict_null_world_is_absent():
    data = good_dict()
    data["world_landmarks"] = None
    assert frame_from_dict(data).world is None


def _without(key: str) -> dict:
    data = good_dict()
    del data[key]
    return data


def _with(key: str, value: object) -> dict:
    data = good_dict()
    data[key] = value
    return data


def _landmark_value(row: int, col: int, value: object) -> dict:
    data = good_dict()
    data["landmarks"][row][col] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "JSON object"),
        ([], "JSON object"),
        ("frame", "JSON object"),
        (42, "JSON object"),
        ({}, "missing timestamp_ms, image_width, image_height, landmarks"),
        (_without("landmarks"), "missing landmarks"),
        (_without("timestamp_ms"), "missing timestamp_ms"),
        (_without("image_height"), "missing image_height"),
        (_with("image_width", True), "image_width must be a whole number"),
        (_with("image_width", "1280"), "image_width must be a whole number"),
        (_with("image_height", 720.0), "image_height must be a whole number"),
        (_with("image_height", None), "image_height must be a whole number"),
        (_with("image_width", 0), "image_width must be between"),
        (_with("timestamp_ms", "10"), "timestamp_ms must be a number"),
        (_with("timestamp_ms", True), "timestamp_ms must be a number"),
        (_with("timestamp_ms", None), "timestamp_ms must be a number"),
        (_with("timestamp_ms", -3), "timestamp_ms must be a finite number >= 0"),
        (_with("timestamp_ms", math.nan), "timestamp_ms must be a finite number >= 0"),
        (_with("landmarks", "x"), "landmarks must be a list of 33 lists"),
        (_with("landmarks", {"a": 1}), "landmarks must be a list of 33 lists"),
        (_with("landmarks", [1, 2, 3]), "landmarks must be a list of 33 lists"),
        (_with("landmarks", []), "landmarks must be 33 rows of 4"),
        (_with("landmarks", [[0.5, 0.5, 0.0, 1.0]] * 32), "landmarks must be 33 rows of 4"),
        (_with("landmarks", [[0.5, 0.5, 0.0]] * 33), "landmarks must be 33 rows of 4"),
        (_landmark_value(4, 1, "0.5"), "landmarks must be a number"),
        (_landmark_value(4, 1, None), "landmarks must be a number"),
        (_landmark_value(4, 1, False), "landmarks must be a number"),
        (_landmark_value(4, 1, [0.5]), "landmarks must be a number"),
        (_landmark_value(4, 0, math.nan), "right_eye_inner is NaN"),
        (_landmark_value(4, 0, 50), "far outside the image"),
        (_landmark_value(4, 3, 1.5), "visibility"),
        (_with("world_landmarks", [[0.0, 0.0, 0.0]] * 32), "world landmarks must be 33 rows"),
        (_with("world_landmarks", [[0.0, 0.0]] * 33), "world landmarks must be 33 rows"),
        (_with("world_landmarks", [[0.0, 0.0, 9.0]] * 33), "world landmarks must be metres"),
        (_with("world_landmarks", "none"), "world_landmarks must be a list"),
        (_with("world_landmarks", [[0.0, "0", 0.0]] * 33), "world_landmarks must be a number"),
    ],
)
def test_from_dict_rejects(data, message):
    with pytest.raises(InvalidFrame, match=message):
        frame_from_dict(data)


@pytest.mark.parametrize("where", ["timestamp_ms", "landmark", "world"])
def test_from_dict_huge_integer_is_invalid_frame(where):
    huge = 10**400  # valid JSON: json.loads("1" + "0" * 400) gives this int
    if where == "timestamp_ms":
        data = _with("timestamp_ms", huge)
    elif where == "landmark":
        data = _landmark_value(0, 0, huge)
    else:
        data = good_dict()
        data["world_landmarks"][0][0] = huge
    assert json.loads(json.dumps(data)) == data
    with pytest.raises(InvalidFrame):
        frame_from_dict(data)


# -- hypothesis: garbage only ever raises InvalidFrame -----------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
numbers = st.floats(-10, 10) | st.integers(-10, 10) | st.floats(allow_nan=True)
rows = st.lists(st.lists(numbers | json_scalars, min_size=2, max_size=5), min_size=0, max_size=34)
keys = ("timestamp_ms", "image_width", "image_height", "landmarks", "world_landmarks")


@st.composite
def near_frames(draw) -> dict:
    """Objects shaped like frames, with some fields broken."""
    data = good_dict()
    for key in keys:
        choice = draw(st.integers(0, 3))
        if choice == 1:
            data.pop(key, None)
        elif choice == 2:
            data[key] = draw(json_values)
        elif choice == 3:
            data[key] = draw(rows if key.endswith("landmarks") else json_scalars)
    if draw(st.booleans()) and isinstance(data.get("landmarks"), list) and data["landmarks"]:
        row = draw(st.integers(0, len(data["landmarks"]) - 1))
        if isinstance(data["landmarks"][row], list) and data["landmarks"][row]:
            data["landmarks"][row][0] = draw(json_values)
    return data


@settings(max_examples=300, deadline=None)
@given(data=json_values | near_frames())
def test_from_dict_garbage_only_raises_invalid_frame(data):
    message = None
    try:
        frame_from_dict(data)
    except InvalidFrame as exc:
        message = str(exc)
    assert message is None or message


def test_skeleton_uses_valid_landmarks():
    assert all(isinstance(a, BodyLandmark) and isinstance(b, BodyLandmark) for a, b in SKELETON)
    assert len(BodyLandmark) == LANDMARK_COUNT
