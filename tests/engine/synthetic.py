"""Side-view pose frames built from known joint geometry, for testing the engine.

The body is laid out in metres in its own sagittal plane: ``u`` forward (the way the person
faces), ``v`` up from the floor, and a depth offset per side of the body. The frame is then
projected orthographically into the image (normalised x and y, z on the x scale, nearer to the
camera = more negative) and, optionally, into MediaPipe-style world landmarks (metres around the
hip centre, x along the image x axis, y down, z toward the camera negative).

Because every leg lies in a plane parallel to the image, joint angles and inclinations measured
from the frame equal the angles the frame was built from (up to float rounding).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from coach.assessment import Side
from coach.landmarks import LANDMARK_COUNT, BodyLandmark, PoseFrame

L = BodyLandmark

# Adult proportions, metres.
THIGH = 0.45
SHIN = 0.43
TORSO = 0.50
NECK = 0.20
UPPER_ARM = 0.28
FOREARM = 0.25
ANKLE_HEIGHT = 0.08  # ankle joint above the floor with the foot flat
HIP_HALF = 0.09  # half the hip width: depth offset of each leg in a side view
SHOULDER_HALF = 0.18
FRONT_HIP_HALF = 0.15  # front view: hips this far either side of the middle
FRONT_SHOULDER_HALF = 0.19

# Every model-labelled left/right landmark pair.
LR_PAIRS: tuple[tuple[BodyLandmark, BodyLandmark], ...] = tuple(
    (lm, L[lm.name.replace("LEFT", "RIGHT")]) for lm in L if "LEFT" in lm.name
)

# One side of the body, by suffix name (the label is chosen per frame).
_SIDE_PARTS = (
    "EYE_INNER",
    "EYE",
    "EYE_OUTER",
    "EAR",
    "SHOULDER",
    "ELBOW",
    "WRIST",
    "PINKY",
    "INDEX",
    "THUMB",
    "HIP",
    "KNEE",
    "ANKLE",
    "HEEL",
    "FOOT_INDEX",
)


def _landmark(label: str, part: str) -> BodyLandmark:
    """BodyLandmark for a model label ("left"/"right") and a body part name."""
    if part == "MOUTH":
        return L[f"MOUTH_{label.upper()}"]
    return L[f"{label.upper()}_{part}"]


def true_side(facing: int, near: str) -> Side:
    """The person's kneeling side: facing image-left shows the camera the left side."""
    near_side = Side.LEFT if facing < 0 else Side.RIGHT
    return near_side if near == "rear" else near_side.other


def _circle_intersection_upper(
    a: tuple[float, float], ra: float, b: tuple[float, float], rb: float
) -> tuple[float, float]:
    """The higher (larger v) of the two points at distance ra from a and rb from b."""
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    d = math.hypot(dx, dy)
    if d > ra + rb or d < abs(ra - rb) or d == 0.0:
        raise ValueError("front leg cannot reach its foot: the geometry is impossible")
    along = (ra * ra - rb * rb + d * d) / (2.0 * d)
    h = math.sqrt(max(ra * ra - along * along, 0.0))
    mx, my = ax + along * dx / d, ay + along * dy / d
    p1 = (mx - h * dy / d, my + h * dx / d)
    p2 = (mx + h * dy / d, my - h * dx / d)
    return p1 if p1[1] >= p2[1] else p2


def _dir(angle_deg: float) -> tuple[float, float]:
    """Unit vector leaning ``angle_deg`` forward from straight up."""
    r = math.radians(angle_deg)
    return math.sin(r), math.cos(r)


def _add(p: tuple[float, float], d: tuple[float, float], k: float = 1.0) -> tuple[float, float]:
    return p[0] + k * d[0], p[1] + k * d[1]


def _upper_body(hip: tuple[float, float], trunk_lean_deg: float) -> dict[str, tuple[float, float]]:
    """Shoulders, head and hanging arms above a hip centre (u forward, v up)."""
    up = _dir(trunk_lean_deg)
    shoulder = _add(hip, up, TORSO)
    head = _add(_add(shoulder, up, NECK), (0.05, 0.0))
    elbow = (shoulder[0] + 0.02, shoulder[1] - UPPER_ARM)
    wrist = (elbow[0] + 0.04, elbow[1] - FOREARM)
    return {
        "NOSE": (head[0] + 0.10, head[1]),
        "EYE_INNER": (head[0] + 0.085, head[1] + 0.035),
        "EYE": (head[0] + 0.075, head[1] + 0.035),
        "EYE_OUTER": (head[0] + 0.065, head[1] + 0.035),
        "EAR": (head[0] - 0.01, head[1] + 0.01),
        "MOUTH": (head[0] + 0.085, head[1] - 0.045),
        "SHOULDER": shoulder,
        "ELBOW": elbow,
        "WRIST": wrist,
        "PINKY": (wrist[0] + 0.01, wrist[1] - 0.08),
        "INDEX": (wrist[0] + 0.03, wrist[1] - 0.09),
        "THUMB": (wrist[0] + 0.04, wrist[1] - 0.05),
    }


# Depth of each part (metres) on its own side of the body.
_DEPTH_M = {
    "EYE_INNER": 0.02,
    "EYE": 0.03,
    "EYE_OUTER": 0.04,
    "EAR": 0.07,
    "MOUTH": 0.025,
    "SHOULDER": SHOULDER_HALF,
    "ELBOW": SHOULDER_HALF + 0.02,
    "WRIST": SHOULDER_HALF + 0.02,
    "PINKY": SHOULDER_HALF + 0.02,
    "INDEX": SHOULDER_HALF + 0.02,
    "THUMB": SHOULDER_HALF + 0.01,
}


def _project(
    points: Mapping[BodyLandmark, tuple[float, float, float]],
    *,
    facing: int,
    image_width: int,
    image_height: int,
    scale: float | None,
    depth_gap: float,
    visibility: float,
    lower_body_visibility: float | None,
    timestamp_ms: float,
    world: bool,
    hip_centre: tuple[float, float],
    lateral: str = "depth",
) -> PoseFrame:
    """Points are (u, v, w): forward, up, depth (w < 0: nearer to the camera, metres).

    ``lateral="image"`` (front views) puts ``w`` along the image x axis instead of depth.
    """
    assert len(points) == LANDMARK_COUNT
    aspect = image_width / image_height
    us = [p[0] for p in points.values()]
    vs = [p[1] for p in points.values()]
    if lateral == "image":
        us = [p[2] for p in points.values()]
    width_m = max(us) - min(us)
    height_m = max(vs) + 0.12  # the top of the head
    if scale is None:
        scale = min(0.55, 0.8 / height_m, 0.8 * aspect / max(width_m, 1e-6))
    centre_u = 0.5 * (max(us) + min(us))
    floor_y = 0.92
    lm = np.zeros((LANDMARK_COUNT, 4))
    wl = np.zeros((LANDMARK_COUNT, 3))
    for index, (u, v, w) in points.items():
        if lateral == "image":
            across = w - centre_u
            x_units = aspect / 2.0 + across * scale
            z = -u * scale / aspect
            wx, wz = w, -u
        else:
            x_units = aspect / 2.0 + facing * (u - centre_u) * scale
            z = math.copysign(depth_gap / 2.0, w) if w != 0.0 else 0.0
            if index in _FACE:
                z *= 0.3
            wx, wz = facing * (u - hip_centre[0]), w
        lm[index] = (x_units / aspect, floor_y - v * scale, z, visibility)
        wl[index] = (wx, -(v - hip_centre[1]), wz)
    if lower_body_visibility is not None:
        for index in (L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE):
            lm[index, 3] = lower_body_visibility
        for index in (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL):
            lm[index, 3] = lower_body_visibility
        for index in (L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX):
            lm[index, 3] = lower_body_visibility
    return PoseFrame.create(
        timestamp_ms,
        lm,
        image_width=image_width,
        image_height=image_height,
        world=wl if world else None,
    )


_FACE = frozenset(
    {
        L.NOSE,
        L.LEFT_EYE_INNER,
        L.LEFT_EYE,
        L.LEFT_EYE_OUTER,
        L.RIGHT_EYE_INNER,
        L.RIGHT_EYE,
        L.RIGHT_EYE_OUTER,
        L.LEFT_EAR,
        L.RIGHT_EAR,
        L.MOUTH_LEFT,
        L.MOUTH_RIGHT,
    }
)


def _place_sides(
    parts: Mapping[str, tuple[float, float]],
    label: str,
    depth_sign: float,
    out: dict[BodyLandmark, tuple[float, float, float]],
    depth_m: Mapping[str, float],
) -> None:
    for part, (u, v) in parts.items():
        if part == "NOSE":
            continue
        out[_landmark(label, part)] = (u, v, depth_sign * depth_m[part])


def half_kneeling(
    *,
    facing: int = -1,
    kneeling_label: str = "left",
    near: str = "rear",
    front_knee_deg: float = 90.0,
    rear_hip_extension_deg: float = 30.0,
    trunk_lean_deg: float = 5.0,
    rear_knee_height: float = 0.0,
    image_width: int = 1280,
    image_height: int = 720,
    scale: float | None = None,
    depth_gap: float = 0.25,
    visibility: float = 0.99,
    lower_body_visibility: float | None = None,
    timestamp_ms: float = 0.0,
    world: bool = True,
) -> PoseFrame:
    """A half-kneeling side view.

    ``rear_knee_height`` is in thigh lengths above the floor; ``rear_hip_extension_deg`` is the
    rear thigh's forward inclination from vertical (the pelvis shift); ``trunk_lean_deg`` is
    positive forward. ``kneeling_label`` is which model-labelled leg is the rear one (the labels
    of the whole rear side of the body follow it); ``near`` says which leg is nearer the camera
    and sets landmark z (``depth_gap`` apart) and world z accordingly.
    """
    if facing not in (-1, 1) or kneeling_label not in ("left", "right"):
        raise ValueError("facing is -1 or +1; kneeling_label is left or right")
    if near not in ("rear", "front"):
        raise ValueError("near is rear or front")
    rear_label = kneeling_label
    front_label = "right" if rear_label == "left" else "left"
    rear_sign = -1.0 if near == "rear" else 1.0

    knee_v = rear_knee_height * THIGH
    rear_knee = (0.0, knee_v)
    hip = _add(rear_knee, _dir(rear_hip_extension_deg), THIGH)
    # Rear shin back toward the floor: lying on it when the knee is down, on the toes if raised.
    ankle_v = min(knee_v + 0.03, 0.10)
    shin_drop = knee_v - ankle_v
    rear_ankle = (-math.sqrt(max(SHIN * SHIN - shin_drop * shin_drop, 0.0)), ankle_v)
    rear_heel = (rear_ankle[0] + 0.01, ankle_v + 0.06)
    rear_toe = (rear_ankle[0] - 0.15, 0.0)

    # Front foot flat on the floor ahead, the knee bent front_knee_deg.
    reach = math.sqrt(
        THIGH**2 + SHIN**2 - 2.0 * THIGH * SHIN * math.cos(math.radians(front_knee_deg))
    )
    drop = hip[1] - ANKLE_HEIGHT
    if reach < abs(drop):
        raise ValueError("front foot cannot reach the floor with this knee angle")
    front_ankle = (hip[0] + math.sqrt(reach * reach - drop * drop), ANKLE_HEIGHT)
    front_knee = _circle_intersection_upper(hip, THIGH, front_ankle, SHIN)
    front_heel = (front_ankle[0] - 0.05, 0.0)
    front_toe = (front_ankle[0] + 0.15, 0.0)

    upper = _upper_body(hip, trunk_lean_deg)
    points: dict[BodyLandmark, tuple[float, float, float]] = {
        L.NOSE: (*upper["NOSE"], 0.0),
    }
    rear_parts = {
        **upper,
        "HIP": hip,
        "KNEE": rear_knee,
        "ANKLE": rear_ankle,
        "HEEL": rear_heel,
        "FOOT_INDEX": rear_toe,
    }
    front_parts = {
        **upper,
        "HIP": hip,
        "KNEE": front_knee,
        "ANKLE": front_ankle,
        "HEEL": front_heel,
        "FOOT_INDEX": front_toe,
    }
    leg_depth = {"HIP": HIP_HALF, "KNEE": HIP_HALF, "ANKLE": HIP_HALF}
    leg_depth |= {"HEEL": HIP_HALF, "FOOT_INDEX": HIP_HALF}
    depth = {**_DEPTH_M, **leg_depth}
    _place_sides(rear_parts, rear_label, rear_sign, points, depth)
    _place_sides(front_parts, front_label, -rear_sign, points, depth)
    return _project(
        points,
        facing=facing,
        image_width=image_width,
        image_height=image_height,
        scale=scale,
        depth_gap=depth_gap,
        visibility=visibility,
        lower_body_visibility=lower_body_visibility,
        timestamp_ms=timestamp_ms,
        world=world,
        hip_centre=hip,
    )


def standing(
    *,
    facing: int = -1,
    image_width: int = 1280,
    image_height: int = 720,
    depth_gap: float = 0.25,
    visibility: float = 0.99,
    timestamp_ms: float = 0.0,
    world: bool = True,
) -> PoseFrame:
    """Standing side-on, feet together: clearly not the stretch."""
    hip = (0.0, ANKLE_HEIGHT + SHIN + THIGH)
    legs = {
        "HIP": hip,
        "KNEE": (0.0, ANKLE_HEIGHT + SHIN),
        "ANKLE": (0.0, ANKLE_HEIGHT),
        "HEEL": (-0.05, 0.0),
        "FOOT_INDEX": (0.15, 0.0),
    }
    upper = _upper_body(hip, 0.0)
    points: dict[BodyLandmark, tuple[float, float, float]] = {L.NOSE: (*upper["NOSE"], 0.0)}
    depth = {**_DEPTH_M, **dict.fromkeys(legs, HIP_HALF)}
    _place_sides({**upper, **legs}, "left", -1.0, points, depth)
    _place_sides({**upper, **legs}, "right", 1.0, points, depth)
    return _project(
        points,
        facing=facing,
        image_width=image_width,
        image_height=image_height,
        scale=None,
        depth_gap=depth_gap,
        visibility=visibility,
        lower_body_visibility=None,
        timestamp_ms=timestamp_ms,
        world=world,
        hip_centre=hip,
    )


def front_facing(
    *,
    image_width: int = 1280,
    image_height: int = 720,
    visibility: float = 0.99,
    timestamp_ms: float = 0.0,
    world: bool = True,
) -> PoseFrame:
    """Standing facing the camera: shoulders and hips wide apart in the picture.

    The person's left appears on the image right. ``u`` here is toward the camera.
    """
    hip_v = ANKLE_HEIGHT + SHIN + THIGH
    points: dict[BodyLandmark, tuple[float, float, float]] = {}
    shoulder_v = hip_v + TORSO
    head_v = shoulder_v + NECK + 0.03
    points[L.NOSE] = (0.10, head_v, 0.0)
    for label, sign in (("left", 1.0), ("right", -1.0)):
        parts = {
            "EYE_INNER": (0.09, head_v + 0.035, 0.015),
            "EYE": (0.085, head_v + 0.035, 0.03),
            "EYE_OUTER": (0.08, head_v + 0.035, 0.045),
            "EAR": (0.0, head_v + 0.01, 0.075),
            "MOUTH": (0.09, head_v - 0.045, 0.025),
            "SHOULDER": (0.0, shoulder_v, FRONT_SHOULDER_HALF),
            "ELBOW": (0.0, shoulder_v - UPPER_ARM, FRONT_SHOULDER_HALF + 0.03),
            "WRIST": (0.02, shoulder_v - UPPER_ARM - FOREARM, FRONT_SHOULDER_HALF + 0.04),
            "PINKY": (0.03, shoulder_v - UPPER_ARM - FOREARM - 0.08, FRONT_SHOULDER_HALF + 0.05),
            "INDEX": (0.04, shoulder_v - UPPER_ARM - FOREARM - 0.09, FRONT_SHOULDER_HALF + 0.04),
            "THUMB": (0.05, shoulder_v - UPPER_ARM - FOREARM - 0.05, FRONT_SHOULDER_HALF + 0.02),
            "HIP": (0.0, hip_v, FRONT_HIP_HALF),
            "KNEE": (0.02, ANKLE_HEIGHT + SHIN, FRONT_HIP_HALF),
            "ANKLE": (0.0, ANKLE_HEIGHT, FRONT_HIP_HALF),
            "HEEL": (-0.05, 0.0, FRONT_HIP_HALF),
            "FOOT_INDEX": (0.15, 0.0, FRONT_HIP_HALF + 0.03),
        }
        for part, (u, v, w) in parts.items():
            points[_landmark(label, part)] = (u, v, sign * w)
    return _project(
        points,
        facing=1,
        image_width=image_width,
        image_height=image_height,
        scale=None,
        depth_gap=0.0,
        visibility=visibility,
        lower_body_visibility=None,
        timestamp_ms=timestamp_ms,
        world=world,
        hip_centre=(0.0, hip_v),
        lateral="image",
    )


def _rebuild(frame: PoseFrame, landmarks: np.ndarray, world: np.ndarray | None) -> PoseFrame:
    return PoseFrame.create(
        frame.timestamp_ms,
        landmarks,
        image_width=frame.image_width,
        image_height=frame.image_height,
        world=world,
    )


def mirror(frame: PoseFrame) -> PoseFrame:
    """Flip the picture left to right (x -> 1 - x; world x -> -x). Labels stay as they are."""
    lm = frame.landmarks.copy()
    lm[:, 0] = 1.0 - lm[:, 0]
    world = None
    if frame.world is not None:
        world = frame.world.copy()
        world[:, 0] = -world[:, 0]
    return _rebuild(frame, lm, world)


def swap_labels(frame: PoseFrame) -> PoseFrame:
    """The same picture with every LEFT_*/RIGHT_* landmark pair's labels exchanged."""
    order = list(range(LANDMARK_COUNT))
    for left, right in LR_PAIRS:
        order[left], order[right] = int(right), int(left)
    world = frame.world[order] if frame.world is not None else None
    return _rebuild(frame, frame.landmarks[order], world)


def at_time(frame: PoseFrame, timestamp_ms: float) -> PoseFrame:
    """The same landmarks at another time."""
    return PoseFrame(
        timestamp_ms, frame.image_width, frame.image_height, frame.landmarks, frame.world
    )


__all__ = [
    "LR_PAIRS",
    "SHIN",
    "THIGH",
    "TORSO",
    "at_time",
    "front_facing",
    "half_kneeling",
    "mirror",
    "standing",
    "swap_labels",
    "true_side",
]
