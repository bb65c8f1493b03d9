"""The engine's one input type: a timestamped frame of the 33 BlazePose body landmarks.

Every pose source (MediaPipe in Python, MediaPipe in the browser, a JSON Lines file from another
engine) is converted into :class:`PoseFrame` at the edge, and validated there, so that nothing
deeper in the engine has to guard against NaN, short arrays or time running backwards.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

LANDMARK_COUNT = 33
# Normalised coordinates may leave the image a little (a foot out of frame is still estimated);
# anything beyond this is not a body but a bug upstream.
_NORMALISED_LIMIT = 5.0
_WORLD_LIMIT_M = 5.0
_MAX_IMAGE_SIDE = 16384


class BodyLandmark(IntEnum):
    """BlazePose indices. LEFT/RIGHT are the pose model's labels, not verified laterality."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Bones drawn by annotators and the browser overlay.
SKELETON: tuple[tuple[BodyLandmark, BodyLandmark], ...] = (
    (BodyLandmark.LEFT_SHOULDER, BodyLandmark.RIGHT_SHOULDER),
    (BodyLandmark.LEFT_SHOULDER, BodyLandmark.LEFT_ELBOW),
    (BodyLandmark.LEFT_ELBOW, BodyLandmark.LEFT_WRIST),
    (BodyLandmark.RIGHT_SHOULDER, BodyLandmark.RIGHT_ELBOW),
    (BodyLandmark.RIGHT_ELBOW, BodyLandmark.RIGHT_WRIST),
    (BodyLandmark.LEFT_SHOULDER, BodyLandmark.LEFT_HIP),
    (BodyLandmark.RIGHT_SHOULDER, BodyLandmark.RIGHT_HIP),
    (BodyLandmark.LEFT_HIP, BodyLandmark.RIGHT_HIP),
    (BodyLandmark.LEFT_HIP, BodyLandmark.LEFT_KNEE),
    (BodyLandmark.LEFT_KNEE, BodyLandmark.LEFT_ANKLE),
    (BodyLandmark.LEFT_ANKLE, BodyLandmark.LEFT_HEEL),
    (BodyLandmark.LEFT_HEEL, BodyLandmark.LEFT_FOOT_INDEX),
    (BodyLandmark.LEFT_ANKLE, BodyLandmark.LEFT_FOOT_INDEX),
    (BodyLandmark.RIGHT_HIP, BodyLandmark.RIGHT_KNEE),
    (BodyLandmark.RIGHT_KNEE, BodyLandmark.RIGHT_ANKLE),
    (BodyLandmark.RIGHT_ANKLE, BodyLandmark.RIGHT_HEEL),
    (BodyLandmark.RIGHT_HEEL, BodyLandmark.RIGHT_FOOT_INDEX),
    (BodyLandmark.RIGHT_ANKLE, BodyLandmark.RIGHT_FOOT_INDEX),
)


class InvalidFrame(ValueError):
    """A frame that cannot be judged; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True, eq=False)
class PoseFrame:
    """One pose estimate.

    ``landmarks`` is (33, 4): x and y normalised to the image (0..1 inside it), z on the x scale
    (negative is toward the camera), and visibility 0..1. ``world`` is (33, 3) in metres around
    the hip centre, when the pose model gives it. Build frames with :meth:`create` or
    :func:`frame_from_dict`; both validate.
    """

    timestamp_ms: float
    image_width: int
    image_height: int
    landmarks: FloatArray
    world: FloatArray | None = None

    @classmethod
    def create(
        cls,
        timestamp_ms: float,
        landmarks: npt.ArrayLike,
        *,
        image_width: int,
        image_height: int,
        world: npt.ArrayLike | None = None,
    ) -> PoseFrame:
        """Validate and copy; raise :class:`InvalidFrame` with the reason."""
        ts = _check_timestamp(timestamp_ms)
        width = _check_side("image_width", image_width)
        height = _check_side("image_height", image_height)
        lm = _as_array("landmarks", landmarks, 4)
        if not np.all(np.abs(lm[:, :3]) <= _NORMALISED_LIMIT):
            worst = int(np.argmax(np.max(np.abs(lm[:, :3]), axis=1)))
            raise InvalidFrame(
                f"landmark {BodyLandmark(worst).name.lower()} is far outside the image "
                f"({lm[worst, 0]:.3g}, {lm[worst, 1]:.3g}): coordinates must be normalised to 0..1"
            )
        if np.any(lm[:, 3] < 0.0) or np.any(lm[:, 3] > 1.0):
            raise InvalidFrame("landmark visibility must lie between 0 and 1")
        world_arr: FloatArray | None = None
        if world is not None:
            world_arr = _as_array("world landmarks", world, 3)
            if not np.all(np.abs(world_arr) <= _WORLD_LIMIT_M):
                raise InvalidFrame(
                    f"world landmarks must be metres around the hips (|value| <= {_WORLD_LIMIT_M})"
                )
            world_arr.setflags(write=False)
        lm.setflags(write=False)
        return cls(ts, width, height, lm, world_arr)

    @property
    def aspect(self) -> float:
        """Width over height: normalised x and y are on different scales unless it is 1."""
        return self.image_width / self.image_height

    def pixels(self) -> FloatArray:
        """Image-plane positions on one scale (units of image height), so angles are true."""
        out = self.landmarks[:, :2].copy()
        out[:, 0] *= self.aspect
        return out

    def visibility(self, *indices: BodyLandmark) -> FloatArray:
        return self.landmarks[list(indices), 3]


def check_order(previous: PoseFrame | None, frame: PoseFrame) -> None:
    """Refuse a frame whose time does not move forward: smoothing and hold time depend on it."""
    if previous is not None and frame.timestamp_ms <= previous.timestamp_ms:
        raise InvalidFrame(
            f"timestamp went backwards or repeated: {frame.timestamp_ms:g} ms after "
            f"{previous.timestamp_ms:g} ms"
        )


def frame_to_dict(frame: PoseFrame, *, digits: int = 5) -> dict[str, Any]:
    """The JSON form shared by landmark files and the live socket (docs/landmarks-format.md)."""
    out: dict[str, Any] = {
        "timestamp_ms": round(frame.timestamp_ms, 3),
        "image_width": frame.image_width,
        "image_height": frame.image_height,
        "landmarks": np.round(frame.landmarks, digits).tolist(),
    }
    if frame.world is not None:
        out["world_landmarks"] = np.round(frame.world, digits).tolist()
    return out


def frame_from_dict(data: object) -> PoseFrame:
    """Parse the JSON form; any wrong field becomes :class:`InvalidFrame`, never a TypeError."""
    if not isinstance(data, Mapping):
        raise InvalidFrame("a frame must be a JSON object")
    missing = [
        k for k in ("timestamp_ms", "image_width", "image_height", "landmarks") if k not in data
    ]
    if missing:
        raise InvalidFrame(f"frame is missing {', '.join(missing)}")
    for key in ("image_width", "image_height"):
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidFrame(f"{key} must be a whole number of pixels")
    return PoseFrame.create(
        _number("timestamp_ms", data["timestamp_ms"]),
        _rows("landmarks", data["landmarks"]),
        image_width=data["image_width"],
        image_height=data["image_height"],
        world=_rows("world_landmarks", data["world_landmarks"])
        if data.get("world_landmarks") is not None
        else None,
    )


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidFrame(f"{name} must be a number")
    try:
        return float(value)
    except OverflowError:
        raise InvalidFrame(f"{name}: {str(value)[:20]}… is too large") from None


def _rows(name: str, value: object) -> FloatArray:
    """JSON rows to an array, in one numpy pass: this runs for every live frame."""
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise InvalidFrame(f"{name} must be a list of {LANDMARK_COUNT} lists of numbers")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError):
        raise InvalidFrame(f"{name} must be a number in each place of equal rows") from None
    # Strings, nulls and integers too large for a machine number land here; numpy would turn a
    # stray true/false into 1/0, so those are looked for by type.
    if arr.dtype.kind not in "fiu" or any(type(x) is bool for row in value for x in row):
        raise InvalidFrame(f"{name} must be a number in each place")
    return arr.astype(np.float64, copy=False)


def _check_timestamp(value: float) -> float:
    try:
        ts = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidFrame(f"timestamp_ms must be a number, got {value!r}") from None
    if not math.isfinite(ts) or ts < 0:
        raise InvalidFrame(f"timestamp_ms must be a finite number >= 0, got {value!r}")
    return ts


def _check_side(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InvalidFrame(f"{name} must be a whole number of pixels")
    if not 1 <= int(value) <= _MAX_IMAGE_SIDE:
        raise InvalidFrame(f"{name} must be between 1 and {_MAX_IMAGE_SIDE} pixels, got {value}")
    return int(value)


def _as_array(name: str, value: npt.ArrayLike, columns: int) -> FloatArray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidFrame(f"{name} must be numbers: {exc}") from None
    if arr.shape != (LANDMARK_COUNT, columns):
        raise InvalidFrame(
            f"{name} must be {LANDMARK_COUNT} rows of {columns} numbers, got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        row = int(np.argmax(~np.all(np.isfinite(arr), axis=1)))
        raise InvalidFrame(f"{name}: {BodyLandmark(row).name.lower()} is NaN or infinite")
    return arr
