"""Is this the half-kneeling stretch position, and which hip is being stretched?

The stretched hip is the one whose knee is down. The pose model's left/right labels are not
trusted on their own: in a side view it sometimes swaps them. With world landmarks (any camera
angle) the side is read from the body's own frame: which way the kneeling leg lies from the
front leg along the person's left-right axis (up x forward), whatever the legs are called.
Without them, or when the legs are too close sideways to tell, laterality follows from the
direction the person faces and which leg is nearer the camera: someone facing image-left shows
the camera their left side, so if the kneeling leg is the near one it is their left. Only when
depth is unclear too does the label decide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.assessment import Posture, Side, View
from coach.framing import FramingCue
from coach.geometry import (
    LEFT_LEG,
    LOWER_BODY,
    RIGHT_LEG,
    Leg,
    Measures,
    leg_in_frame,
    measure,
    measure_world,
)
from coach.landmarks import PoseFrame
from coach.protocol import PositionSettings

# Framing problems found while judging, each with the camera set-up's own cue (coach.framing):
# the person is asked to fix the picture, not the pose.
FEET_CUT_OFF_CUE = FramingCue.FEET_CUT_OFF.value
SIDE_CUT_OFF_CUE = FramingCue.OFF_CENTRE.value
TOO_SMALL_CUE = FramingCue.TOO_SMALL.value

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
    return framing(frame, min_visibility, margin) is View.OK


def framing(frame: PoseFrame, min_visibility: float, margin: float, min_leg: float = 0.0) -> View:
    """Whether the picture lets us judge at all: cut off, unseen, too small, or OK.

    Cut off comes first: a foot outside the picture is also "not visible" to the pose model, and
    the person can fix it by stepping back or tilting the phone, which "can't see you" does not
    say.
    """
    lower = frame.landmarks[list(LOWER_BODY)]
    xy = lower[:, :2]
    if not (np.all(xy >= -margin) and np.all(xy <= 1.0 + margin)):
        return View.CUT_OFF
    if float(np.min(lower[:, 3])) < min_visibility:
        return View.LOW_VISIBILITY
    if min_leg > 0.0 and leg_in_frame(frame) < min_leg:
        return View.TOO_SMALL
    return View.OK


def recognise(
    frame: PoseFrame,
    settings: PositionSettings,
    *,
    min_visibility: float,
    margin: float,
    was_in_position: bool = False,
    min_leg: float = 0.0,
) -> Recognition:
    view = framing(frame, min_visibility, margin, min_leg)
    if view is View.CUT_OFF:
        low = bool(np.max(frame.landmarks[list(LOWER_BODY), 1]) > 1.0 + margin)
        return Recognition(view, unmet=(FEET_CUT_OFF_CUE if low else SIDE_CUT_OFF_CUE,))
    if view is View.TOO_SMALL:
        return Recognition(view, unmet=(TOO_SMALL_CUE,))
    if view is not View.OK:
        return Recognition(view)
    # The rear leg is the one whose knee is lower: along the vertical in 3-D (y is down in both).
    p = frame.world if frame.world is not None else frame.landmarks
    rear, front = (
        (LEFT_LEG, RIGHT_LEG)
        if p[LEFT_LEG.knee, 1] >= p[RIGHT_LEG.knee, 1]
        else (
            RIGHT_LEG,
            LEFT_LEG,
        )
    )
    if frame.world is not None:
        m = measure_world(frame, rear, front)
        too_frontal = m.view_yaw > settings.max_view_yaw
    else:
        m = measure(frame, rear, front)
        too_frontal = (
            m.shoulder_width > settings.max_shoulder_width and m.hip_width > settings.max_hip_width
        )
    if too_frontal:
        return Recognition(View.NOT_SIDE_ON, measures=m)
    unmet = _unmet(m, settings, was_in_position)
    posture = Posture.OTHER if unmet else Posture.HALF_KNEELING
    side, disagrees = _stretched_side(
        m, rear, settings.min_depth_for_side, settings.min_lateral_for_side
    )
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


def _stretched_side(
    m: Measures, rear: Leg, min_depth: float, min_lateral: float = 0.0
) -> tuple[Side, bool]:
    labelled = Side.LEFT if rear is LEFT_LEG else Side.RIGHT
    if m.in_3d and abs(m.rear_lateral) >= min_lateral:
        side = Side.LEFT if m.rear_lateral > 0.0 else Side.RIGHT
        return side, side is not labelled
    if abs(m.rear_depth) < min_depth:
        return labelled, False
    near_side = Side.LEFT if m.facing < 0 else Side.RIGHT
    rear_is_near = m.rear_depth < 0
    side = near_side if rear_is_near else near_side.other
    return side, side is not labelled
