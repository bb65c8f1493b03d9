"""Is this the half-kneeling stretch position, and which hip is being stretched?

The stretched hip is the one whose knee is down. The pose model's left/right labels are not
trusted on their own: in a side view it sometimes swaps them. Laterality follows from two things
it gets right far more often, the direction the person faces and which leg is nearer the camera:
someone facing image-left shows the camera their left side, so if the kneeling leg is the near
one it is their left. Only when depth is unclear does the label decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.assessment import Posture, Side, View
from coach.geometry import LEFT_LEG, LOWER_BODY, RIGHT_LEG, Leg, Measures, measure
from coach.landmarks import PoseFrame
from coach.protocol import PositionSettings

# Position requirements, in the order a person fixes them; each has a cue of the same id.
REQUIREMENTS = (
    "rear_knee_down",
    "front_foot_forward",
    "front_shin_upright",
    "hips_up",
    "rear_foot_behind",
    "trunk_up",
)


@dataclass(frozen=True, slots=True)
class Recognition:
    view: View
    posture: Posture = Posture.UNKNOWN
    side: Side | None = None
    measures: Measures | None = None
    unmet: tuple[str, ...] = ()
    label_disagrees: bool = False
    anchors: dict[str, int] | None = None


def can_see(frame: PoseFrame, min_visibility: float, margin: float) -> bool:
    """Hips, knees and ankles visible and inside the picture: else we do not judge."""
    lower = frame.landmarks[list(LOWER_BODY)]
    if float(np.min(lower[:, 3])) < min_visibility:
        return False
    xy = lower[:, :2]
    return bool(np.all(xy >= -margin) and np.all(xy <= 1.0 + margin))


def recognise(
    frame: PoseFrame,
    settings: PositionSettings,
    *,
    min_visibility: float,
    margin: float,
    was_in_position: bool = False,
) -> Recognition:
    if not can_see(frame, min_visibility, margin):
        return Recognition(View.LOW_VISIBILITY)
    p = frame.landmarks
    # The rear leg is the one whose knee is lower in the picture.
    rear, front = (
        (LEFT_LEG, RIGHT_LEG)
        if p[LEFT_LEG.knee, 1] >= p[RIGHT_LEG.knee, 1]
        else (
            RIGHT_LEG,
            LEFT_LEG,
        )
    )
    m = measure(frame, rear, front)
    if m.shoulder_width > settings.max_shoulder_width and m.hip_width > settings.max_hip_width:
        return Recognition(View.NOT_SIDE_ON, measures=m)
    unmet = _unmet(m, settings, was_in_position)
    posture = Posture.OTHER if unmet else Posture.HALF_KNEELING
    side, disagrees = _stretched_side(m, rear, settings.min_depth_for_side)
    return Recognition(
        View.OK,
        posture=posture,
        side=side if posture is Posture.HALF_KNEELING else None,
        measures=m,
        unmet=unmet,
        label_disagrees=disagrees,
        anchors={
            "front_knee": front.knee,
            "rear_knee": rear.knee,
            "rear_hip_extension": rear.hip,
            "trunk_lean": rear.shoulder,
        },
    )


def _unmet(m: Measures, s: PositionSettings, staying: bool) -> tuple[str, ...]:
    rear_foot_flat = m.rear_ankle_rise <= s.rear_ankle_max_rise.value(staying)
    rear_foot_propped = m.rear_ankle_rise >= s.propped_ankle_min_rise.value(
        staying
    ) and m.rear_toe_rise >= s.propped_toe_min_rise.value(staying)
    checks = {
        "rear_knee_down": m.rear_knee_height <= s.rear_knee_max_height.value(staying),
        "front_foot_forward": m.stride >= s.min_stride.value(staying)
        and m.front_knee_height >= s.front_knee_min_height.value(staying),
        "front_shin_upright": m.front_shin_tilt <= s.front_shin_max_tilt.value(staying),
        "hips_up": m.hip_height >= s.min_hip_height.value(staying),
        "rear_foot_behind": rear_foot_flat or rear_foot_propped,
        "trunk_up": -s.max_trunk_backward.value(staying)
        <= m.trunk_lean
        <= s.max_trunk_forward.value(staying),
    }
    return tuple(name for name in REQUIREMENTS if not checks[name])


def _stretched_side(m: Measures, rear: Leg, min_depth: float) -> tuple[Side, bool]:
    labelled = Side.LEFT if rear is LEFT_LEG else Side.RIGHT
    if abs(m.rear_depth) < min_depth:
        return labelled, False
    near_side = Side.LEFT if m.facing < 0 else Side.RIGHT
    rear_is_near = m.rear_depth < 0
    side = near_side if rear_is_near else near_side.other
    return side, side is not labelled
