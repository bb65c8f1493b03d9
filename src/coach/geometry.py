"""Angles of the body, measured so that they mean the same at any image size or camera distance.

Image-plane measures use :meth:`PoseFrame.pixels` (aspect-corrected), because inclinations to the
vertical only exist in the image: the world landmarks are centred on the hips, not levelled to
gravity. Joint angles use the world landmarks when present, because a knee angle in 3-D does not
change when the camera sits a little in front of or behind the person, as it often does at home.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from coach.landmarks import BodyLandmark, PoseFrame


@dataclass(frozen=True, slots=True)
class Leg:
    """Landmark indices of one leg, under the pose model's label."""

    hip: int
    knee: int
    ankle: int
    heel: int
    toe: int
    shoulder: int


LEFT_LEG = Leg(
    BodyLandmark.LEFT_HIP,
    BodyLandmark.LEFT_KNEE,
    BodyLandmark.LEFT_ANKLE,
    BodyLandmark.LEFT_HEEL,
    BodyLandmark.LEFT_FOOT_INDEX,
    BodyLandmark.LEFT_SHOULDER,
)
RIGHT_LEG = Leg(
    BodyLandmark.RIGHT_HIP,
    BodyLandmark.RIGHT_KNEE,
    BodyLandmark.RIGHT_ANKLE,
    BodyLandmark.RIGHT_HEEL,
    BodyLandmark.RIGHT_FOOT_INDEX,
    BodyLandmark.RIGHT_SHOULDER,
)
LOWER_BODY = (
    BodyLandmark.LEFT_HIP,
    BodyLandmark.RIGHT_HIP,
    BodyLandmark.LEFT_KNEE,
    BodyLandmark.RIGHT_KNEE,
    BodyLandmark.LEFT_ANKLE,
    BodyLandmark.RIGHT_ANKLE,
)
_FEET = (
    BodyLandmark.LEFT_ANKLE,
    BodyLandmark.RIGHT_ANKLE,
    BodyLandmark.LEFT_HEEL,
    BodyLandmark.RIGHT_HEEL,
    BodyLandmark.LEFT_FOOT_INDEX,
    BodyLandmark.RIGHT_FOOT_INDEX,
)


Point = Sequence[float]


def joint_angle(a: Point, b: Point, c: Point) -> float:
    """The angle at ``b`` between ``b->a`` and ``b->c`` in degrees (180 = straight), 2-D or 3-D.

    Plain Python on purpose: for a handful of coordinates it is several times faster than
    numpy, and it runs for every frame of every live session.
    """
    v1 = [float(x) - float(y) for x, y in zip(a, b, strict=True)]
    v2 = [float(x) - float(y) for x, y in zip(c, b, strict=True)]
    n = math.sqrt(sum(x * x for x in v1) * sum(x * x for x in v2))
    if n == 0.0:
        return float("nan")
    dot = sum(x * y for x, y in zip(v1, v2, strict=True))
    return math.degrees(math.acos(max(-1.0, min(1.0, dot / n))))


def inclination(top: Point, bottom: Point) -> float:
    """Signed angle of ``bottom->top`` from straight up in the image, positive toward +x."""
    dx = float(top[0]) - float(bottom[0])
    dy = float(top[1]) - float(bottom[1])
    return math.degrees(math.atan2(dx, -dy))


def _distance(a: Point, b: Point) -> float:
    return math.hypot(float(a[0]) - float(b[0]), float(a[1]) - float(b[1]))


@dataclass(frozen=True, slots=True)
class Measures:
    """Everything position and form rules look at, for one frame and one choice of rear leg.

    Lengths are in thigh lengths so that they hold at any distance from the camera; angles in
    degrees. "Forward" is the direction the person faces (toward the front foot).
    """

    facing: int  # -1: facing image left, +1: facing image right
    front_knee: float
    rear_knee: float
    rear_hip_extension: float  # rear thigh's forward inclination from vertical
    trunk_lean: float  # shoulders ahead of hips: + forward, - backward
    front_shin_tilt: float  # |front shin inclination|, 0 = vertical
    rear_knee_height: float  # above the lowest foot point
    front_knee_height: float
    hip_height: float  # rear hip above rear knee
    rear_ankle_rise: float  # rear ankle above rear knee, in shin lengths
    rear_toe_rise: float
    stride: float  # front ankle ahead of rear knee, along the image x axis
    shoulder_width: float  # in torso lengths: ~0 side-on, ~0.8 facing the camera
    hip_width: float  # in thigh lengths
    rear_depth: float  # rear leg's z minus front leg's z (negative: rear leg nearer)
    nose_facing: int  # -1/+1 from the nose against the shoulders, 0 when unclear

    def angles(self) -> dict[str, float]:
        """The angles reported to people and clinicians, rounded for display."""
        return {
            "front_knee": round(self.front_knee, 1),
            "rear_knee": round(self.rear_knee, 1),
            "rear_hip_extension": round(self.rear_hip_extension, 1),
            "trunk_lean": round(self.trunk_lean, 1),
        }


def measure(frame: PoseFrame, rear: Leg, front: Leg) -> Measures:
    p: list[list[float]] = frame.pixels().tolist()
    z = frame.landmarks[:, 2].tolist()
    joints: list[list[float]] = frame.world.tolist() if frame.world is not None else p
    thigh = max(
        0.5 * (_distance(p[rear.hip], p[rear.knee]) + _distance(p[front.hip], p[front.knee])),
        1e-6,
    )
    rear_shin = max(_distance(p[rear.knee], p[rear.ankle]), 1e-6)
    floor = max(p[i][1] for i in _FEET)
    stride_x = p[front.ankle][0] - p[rear.knee][0]
    facing = -1 if stride_x < 0 else 1
    ls, rs = p[BodyLandmark.LEFT_SHOULDER], p[BodyLandmark.RIGHT_SHOULDER]
    lh, rh = p[BodyLandmark.LEFT_HIP], p[BodyLandmark.RIGHT_HIP]
    mid_shoulder = [0.5 * (ls[0] + rs[0]), 0.5 * (ls[1] + rs[1])]
    mid_hip = [0.5 * (lh[0] + rh[0]), 0.5 * (lh[1] + rh[1])]
    torso = max(_distance(mid_shoulder, mid_hip), 1e-6)
    nose_dx = (p[BodyLandmark.NOSE][0] - mid_shoulder[0]) / torso
    nose_facing = 0 if abs(nose_dx) < 0.03 else (1 if nose_dx > 0 else -1)
    return Measures(
        facing=facing,
        front_knee=joint_angle(joints[front.hip], joints[front.knee], joints[front.ankle]),
        rear_knee=joint_angle(joints[rear.hip], joints[rear.knee], joints[rear.ankle]),
        rear_hip_extension=facing * inclination(p[rear.hip], p[rear.knee]),
        trunk_lean=facing * inclination(mid_shoulder, mid_hip),
        front_shin_tilt=abs(inclination(p[front.knee], p[front.ankle])),
        rear_knee_height=(floor - p[rear.knee][1]) / thigh,
        front_knee_height=(floor - p[front.knee][1]) / thigh,
        hip_height=(p[rear.knee][1] - p[rear.hip][1]) / thigh,
        rear_ankle_rise=(p[rear.knee][1] - p[rear.ankle][1]) / rear_shin,
        rear_toe_rise=(p[rear.knee][1] - p[rear.toe][1]) / rear_shin,
        stride=abs(stride_x) / thigh,
        shoulder_width=abs(ls[0] - rs[0]) / torso,
        hip_width=abs(lh[0] - rh[0]) / thigh,
        rear_depth=(z[rear.hip] + z[rear.knee] + z[rear.ankle]) / 3.0
        - (z[front.hip] + z[front.knee] + z[front.ankle]) / 3.0,
        nose_facing=nose_facing,
    )
