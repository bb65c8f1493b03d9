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


def leg_in_frame(frame: PoseFrame) -> float:
    """Hip to ankle in frame heights, the longer thigh plus the longer shin (as coach.framing
    measures the camera set-up): foreshortening only shortens a segment, and unlike the body's
    height it does not change when the person kneels."""
    p: list[list[float]] = frame.pixels().tolist()
    thigh = max(_distance(p[leg.hip], p[leg.knee]) for leg in (LEFT_LEG, RIGHT_LEG))
    shin = max(_distance(p[leg.knee], p[leg.ankle]) for leg in (LEFT_LEG, RIGHT_LEG))
    return thigh + shin


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
    # Measured in the body's own frame from the world landmarks (else in the image plane).
    in_3d: bool = False
    # The person's forward direction away from the image plane: 0 side-on, 90 facing the camera
    # or turned away from it (3-D only).
    view_yaw: float = 0.0
    # The rear leg's offset toward the person's own left of the front leg, in thigh lengths:
    # positive means the kneeling leg is their left (3-D only).
    rear_lateral: float = 0.0

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


def measure_world(frame: PoseFrame, rear: Leg, front: Leg) -> Measures:
    """The same measures in the body's own frame, from the world landmarks: any camera angle.

    The world landmarks are metres around the hips on the camera's axes (x right, y down, z away
    from the camera). Phones stand upright, so "up" is the camera's -y. "Forward" is the
    horizontal direction square to the hip line, toward the front leg; the person's left-right
    axis is the hip line, pointed to their left. Angles of the thigh, trunk and shin are taken in
    the sagittal plane (up, forward), which is exactly what a side-on camera sees, so side-on
    answers do not change and a camera turned toward or away from the person gives the same ones.
    The legs' own direction is not used for the angles: the pose model spreads them apart in
    depth, and a forward tilted 20-70 degrees toward the camera shrinks a gentle pelvis shift
    to nothing (a plane a few degrees off changes an angle in it by the cosine: little).
    """
    assert frame.world is not None
    w: list[list[float]] = frame.world.tolist()
    base = measure(frame, rear, front)  # image-plane facing, widths, depth and nose: fallback
    rk, ra, rh, rt = w[rear.knee], w[rear.ankle], w[rear.hip], w[rear.toe]
    fk, fa, fh = w[front.knee], w[front.ankle], w[front.hip]
    # The stride is measured along the legs' own horizontal direction (rear knee to front
    # ankle). The side, the view and the angles need the body's left-right axis instead: that is
    # the hip line (its direction, not its labels): the pose model spreads the legs apart in depth
    # by up to twice their real gap, which tilts the legs' direction 20-40 degrees toward the
    # camera axis in a side view, while the hip line stays square to the real forward direction.
    sx, sz = fa[0] - rk[0], fa[2] - rk[2]
    stride_m = math.hypot(sx, sz)
    fx, fz = (sx / stride_m, sz / stride_m) if stride_m > 1e-9 else (float(base.facing), 0.0)
    hx = w[BodyLandmark.LEFT_HIP][0] - w[BodyLandmark.RIGHT_HIP][0]
    hz = w[BodyLandmark.LEFT_HIP][2] - w[BodyLandmark.RIGHT_HIP][2]
    hip_line = math.hypot(hx, hz)
    # The person's left along the hip line: up x forward, with up = (0, -1, 0), is (-fz, 0, fx),
    # where forward here is square to the hip line, pointed the way the front knee and ankle lie
    # from the rear knee (the legs' own direction can lie almost along the hip line).
    lx, lz = (hx / hip_line, hz / hip_line) if hip_line > 1e-9 else (-fz, fx)
    ahead_x = fk[0] + fa[0] - 2.0 * rk[0]
    ahead_z = fk[2] + fa[2] - 2.0 * rk[2]
    # Square to (lx, lz) is (lz, -lx); the left of that forward is (lx, lz) itself.
    if ahead_x * lz - ahead_z * lx < 0.0:
        lx, lz = -lx, -lz

    ax, az = lz, -lx  # forward: square to the hip line, toward the front leg

    def sagittal(top: list[float], bottom: list[float]) -> float:
        """Inclination of bottom->top from vertical in the sagittal plane, + forward."""
        vx, vy, vz = top[0] - bottom[0], top[1] - bottom[1], top[2] - bottom[2]
        return math.degrees(math.atan2(vx * ax + vz * az, -vy))

    thigh = max(0.5 * (_length(rh, rk) + _length(fh, fk)), 1e-6)
    rear_shin = max(_length(rk, ra), 1e-6)
    floor = max(w[i][1] for i in _FEET)  # y is down: the lowest foot point
    ls, rs = w[BodyLandmark.LEFT_SHOULDER], w[BodyLandmark.RIGHT_SHOULDER]
    lh, rhip = w[BodyLandmark.LEFT_HIP], w[BodyLandmark.RIGHT_HIP]
    mid_shoulder = [0.5 * (a + b) for a, b in zip(ls, rs, strict=True)]
    mid_hip = [0.5 * (a + b) for a, b in zip(lh, rhip, strict=True)]
    lateral = sum(
        (w[r][0] - w[f][0]) * lx + (w[r][2] - w[f][2]) * lz
        for r, f in ((rear.hip, front.hip), (rear.knee, front.knee), (rear.ankle, front.ankle))
    ) / (3.0 * thigh)
    return Measures(
        facing=base.facing,
        front_knee=base.front_knee,
        rear_knee=base.rear_knee,
        rear_hip_extension=sagittal(rh, rk),
        trunk_lean=sagittal(mid_shoulder, mid_hip),
        front_shin_tilt=abs(sagittal(fk, fa)),
        rear_knee_height=(floor - rk[1]) / thigh,
        front_knee_height=(floor - fk[1]) / thigh,
        hip_height=(rk[1] - rh[1]) / thigh,
        rear_ankle_rise=(rk[1] - ra[1]) / rear_shin,
        rear_toe_rise=(rk[1] - rt[1]) / rear_shin,
        stride=stride_m / thigh,
        shoulder_width=base.shoulder_width,
        hip_width=base.hip_width,
        rear_depth=base.rear_depth,
        nose_facing=base.nose_facing,
        in_3d=True,
        # Side-on, the hip line points at the camera: its share across the picture is the turn.
        view_yaw=math.degrees(math.asin(min(1.0, abs(lx)))),
        rear_lateral=lateral,
    )


def _length(a: Point, b: Point) -> float:
    return math.sqrt(sum((float(x) - float(y)) ** 2 for x, y in zip(a, b, strict=True)))
