"""Is the camera set up so that the engine can judge the stretch? One frame in, a verdict out.

Before the first hold the person places the phone: at about hip height, 2–3 m away, side-on (or
turned up to 45°), the whole body and the feet in the picture. This module judges one pose frame
against that advice and names the single most useful thing to change. It is pure and
deterministic; the only state is ``was_ok`` (hysteresis: once the framing is good, small wobbles
across a threshold do not flip it back), which the caller keeps.

What is measured (the numbers and their reasons are in the protocol's ``[framing]`` table):

- **Whole body**: each part (head, shoulders, hips, knees, feet) must be seen, that is inside
  the frame by ``edge`` and with its best landmark at least ``min_part_visibility``. Arms are
  left out: a hand on a chair may leave the picture without harm.
- **Size**: the leg (hip to ankle, thigh + shin, the longer of each pair) as a share of the
  frame's height. Unlike the body's height it does not change when the person kneels, so a
  person standing while they set up is judged for the kneeling stretch too. Too small and the
  landmarks' pixel error becomes degrees of error in the angles; too big and the kneeling body
  no longer fits with room to move.
- **Camera height**: with a level camera, points at the camera's height fall on the middle row
  of the picture, so the floor's distance below the middle, divided by the image scale, is the
  camera's height above the floor. The scale comes from the leg's length, and the result is
  expressed in the person's standing hip heights (1.0: the camera at standing hip height; a
  kneeling person's hips are at about 0.6). A tilted phone moves the middle row, so a phone
  held high and tilted down can pass: the picture alone cannot tell tilt from height.
- **Side-on**: the same widths as the position check (shoulders over torso, hips over thigh);
  a view is not side-on only when both are wide, so up to about 45° passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from coach.landmarks import BodyLandmark, PoseFrame
from coach.protocol import FramingSettings, Protocol

L = BodyLandmark

PARTS: dict[str, tuple[BodyLandmark, ...]] = {
    "head": (L.NOSE, L.LEFT_EYE, L.RIGHT_EYE, L.LEFT_EAR, L.RIGHT_EAR),
    "shoulders": (L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
    "hips": (L.LEFT_HIP, L.RIGHT_HIP),
    "knees": (L.LEFT_KNEE, L.RIGHT_KNEE),
    "feet": (
        L.LEFT_ANKLE,
        L.RIGHT_ANKLE,
        L.LEFT_HEEL,
        L.RIGHT_HEEL,
        L.LEFT_FOOT_INDEX,
        L.RIGHT_FOOT_INDEX,
    ),
}
_FEET = PARTS["feet"]
_LEGS = ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE))


class FramingCue(StrEnum):
    """What to say, by cue id (texts in data/cues.toml), most useful first."""

    NO_PERSON = "framing_no_person"
    TOO_CLOSE = "framing_too_close"
    FEET_CUT_OFF = "framing_feet_cut_off"
    HEAD_CUT_OFF = "framing_head_cut_off"
    OFF_CENTRE = "framing_off_centre"
    HIDDEN = "cant_see_you"  # a part inside the frame but not seen (dark, covered)
    TOO_SMALL = "framing_too_small"
    CAMERA_TOO_HIGH = "framing_camera_too_high"
    CAMERA_TOO_LOW = "framing_camera_too_low"
    NOT_SIDE_ON = "turn_sideways"
    OK = "framing_ok"


class CameraHeight(StrEnum):
    OK = "ok"
    TOO_HIGH = "too_high"
    TOO_LOW = "too_low"
    UNKNOWN = "unknown"  # the feet or legs are not seen: no floor, no scale


@dataclass(frozen=True, slots=True)
class Framing:
    """The verdict on one frame. Shares are of the frame's height; None when not measurable."""

    ok: bool
    cue: FramingCue
    person: bool = False
    cut_off: tuple[str, ...] = ()  # parts not seen, in PARTS order
    edges: tuple[str, ...] = ()  # edges the body runs over: top, bottom, left, right
    leg: float | None = None  # hip to ankle, share of the frame's height
    big_enough: bool = False
    too_close: bool = False
    camera_height: float | None = None  # in standing hip heights above the floor
    camera: CameraHeight = CameraHeight.UNKNOWN
    side_on: bool | None = None
    issues: tuple[FramingCue, ...] = ()  # every problem found, most useful first

    @property
    def whole_body(self) -> bool:
        return self.person and not self.cut_off

    def to_dict(self) -> dict[str, Any]:
        """The JSON form the live socket sends (docs/live-protocol.md)."""
        return {
            "ok": self.ok,
            "cue": self.cue.value,
            "person": self.person,
            "whole_body": self.whole_body,
            "cut_off": list(self.cut_off),
            "edges": list(self.edges),
            "leg": None if self.leg is None else round(self.leg, 3),
            "big_enough": self.big_enough,
            "too_close": self.too_close,
            "camera_height": None if self.camera_height is None else round(self.camera_height, 2),
            "camera": self.camera.value,
            "side_on": self.side_on,
            "issues": [i.value for i in self.issues],
        }


NO_PERSON = Framing(ok=False, cue=FramingCue.NO_PERSON, issues=(FramingCue.NO_PERSON,))


def check_framing(frame: PoseFrame | None, protocol: Protocol, *, was_ok: bool = False) -> Framing:
    """Judge the camera set-up from one frame (``None``: the pose model found nobody)."""
    if frame is None:
        return NO_PERSON
    s = protocol.framing
    lm = frame.landmarks
    edges_hit: set[str] = set()
    cut: list[str] = []
    for name, indices in PARTS.items():
        hit = _edges(lm[list(indices), :2], s.edge)
        seen = float(np.max(lm[list(indices), 3])) >= s.min_part_visibility
        if hit or not seen:
            cut.append(name)
            edges_hit |= hit
    edges = tuple(e for e in ("top", "bottom", "left", "right") if e in edges_hit)

    px = frame.pixels()
    leg = _leg(px) if not {"hips", "knees", "feet"} & set(cut) else None
    big_enough = leg is not None and leg >= s.min_leg.value(was_ok)
    too_close = ("top" in edges and "bottom" in edges) or (
        leg is not None and leg > s.max_leg.value(was_ok)
    )
    camera_height, camera = _camera_height(lm, leg, s, was_ok)
    side_on = _side_on(px, protocol) if not {"shoulders", "hips"} & set(cut) else None

    issues: list[FramingCue] = []
    if too_close:
        issues.append(FramingCue.TOO_CLOSE)
    if "bottom" in edges:
        issues.append(FramingCue.FEET_CUT_OFF)
    if "top" in edges:
        issues.append(FramingCue.HEAD_CUT_OFF)
    if "left" in edges or "right" in edges:
        issues.append(FramingCue.OFF_CENTRE)
    if cut and not edges:
        issues.append(FramingCue.HIDDEN)
    if leg is not None and not big_enough:
        issues.append(FramingCue.TOO_SMALL)
    if camera is CameraHeight.TOO_HIGH:
        issues.append(FramingCue.CAMERA_TOO_HIGH)
    if camera is CameraHeight.TOO_LOW:
        issues.append(FramingCue.CAMERA_TOO_LOW)
    if side_on is False:
        issues.append(FramingCue.NOT_SIDE_ON)
    ok = not issues
    return Framing(
        ok=ok,
        cue=issues[0] if issues else FramingCue.OK,
        person=True,
        cut_off=tuple(cut),
        edges=edges,
        leg=leg,
        big_enough=big_enough,
        too_close=too_close,
        camera_height=camera_height,
        camera=camera,
        side_on=side_on,
        issues=tuple(issues),
    )


def _edges(xy: np.ndarray[Any, Any], edge: float) -> set[str]:
    hit: set[str] = set()
    if float(np.min(xy[:, 1])) < edge:
        hit.add("top")
    if float(np.max(xy[:, 1])) > 1.0 - edge:
        hit.add("bottom")
    if float(np.min(xy[:, 0])) < edge:
        hit.add("left")
    if float(np.max(xy[:, 0])) > 1.0 - edge:
        hit.add("right")
    return hit


def _length(px: np.ndarray[Any, Any], a: int, b: int) -> float:
    return float(np.hypot(*(px[a] - px[b])))


def _leg(px: np.ndarray[Any, Any]) -> float:
    """Hip to ankle in frame heights: the longer thigh plus the longer shin.

    Foreshortening only ever shortens a segment, so the longer of each pair is the truer one.
    """
    thigh = max(_length(px, hip, knee) for hip, knee, _ in _LEGS)
    shin = max(_length(px, knee, ankle) for _, knee, ankle in _LEGS)
    return thigh + shin


def _camera_height(
    lm: np.ndarray[Any, Any], leg: float | None, s: FramingSettings, was_ok: bool
) -> tuple[float | None, CameraHeight]:
    if leg is None or leg <= 0.0:
        return None, CameraHeight.UNKNOWN
    floor = float(np.max(lm[list(_FEET), 1]))
    height = (floor - 0.5) / (s.hip_height_per_leg * leg)
    if height > s.max_camera_height.value(was_ok):
        return height, CameraHeight.TOO_HIGH
    if height < s.min_camera_height.value(was_ok):
        return height, CameraHeight.TOO_LOW
    return height, CameraHeight.OK


def _side_on(px: np.ndarray[Any, Any], protocol: Protocol) -> bool:
    """Not side-on only when both the shoulders and the hips look wide (as position.py)."""
    mid_shoulder = (px[L.LEFT_SHOULDER] + px[L.RIGHT_SHOULDER]) / 2.0
    mid_hip = (px[L.LEFT_HIP] + px[L.RIGHT_HIP]) / 2.0
    torso = float(np.hypot(*(mid_shoulder - mid_hip)))
    thigh = max(_length(px, hip, knee) for hip, knee, _ in _LEGS)
    if torso <= 0.0 or thigh <= 0.0:
        return True
    shoulders = abs(float(px[L.LEFT_SHOULDER, 0] - px[L.RIGHT_SHOULDER, 0])) / torso
    hips = abs(float(px[L.LEFT_HIP, 0] - px[L.RIGHT_HIP, 0])) / thigh
    p = protocol.position
    return not (shoulders > p.max_shoulder_width and hips > p.max_hip_width)


# A person setting up a phone moves it through many bad framings on the way to a good one: a
# verdict is shown (and spoken) only once it has held this long, so the indicator does not
# flicker and a screen reader is not read every passing state.
SETTLE_MS = 1000.0
# A problem still there is said again after this long: setting a phone up takes older adults a
# while, and a reminder every few seconds would nag.
REPEAT_MS = 10_000.0


@dataclass(frozen=True, slots=True)
class FramingUpdate:
    """One frame's verdict, the settled verdict to show, and whether to say its cue now."""

    now: Framing
    shown: Framing | None  # None until a verdict has settled
    say: bool


class FramingMonitor:
    """Frames in time order → settled verdicts and when to speak them. Deterministic."""

    def __init__(
        self, protocol: Protocol, *, settle_ms: float = SETTLE_MS, repeat_ms: float = REPEAT_MS
    ) -> None:
        self.protocol = protocol
        self.settle_ms = settle_ms
        self.repeat_ms = repeat_ms
        self._candidate: Framing | None = None
        self._since = 0.0
        self._shown: Framing | None = None
        self._said: FramingCue | None = None
        self._said_at = 0.0

    @property
    def shown(self) -> Framing | None:
        return self._shown

    def update(self, frame: PoseFrame | None, timestamp_ms: float) -> FramingUpdate:
        was_ok = self._shown is not None and self._shown.ok
        now = check_framing(frame, self.protocol, was_ok=was_ok)
        if self._candidate is None or now.cue is not self._candidate.cue:
            self._since = timestamp_ms
        self._candidate = now
        if timestamp_ms - self._since >= self.settle_ms:
            self._shown = now
        shown = self._shown
        say = shown is not None and (
            shown.cue is not self._said
            or (not shown.ok and timestamp_ms - self._said_at >= self.repeat_ms)
        )
        if shown is not None and say:
            self._said = shown.cue
            self._said_at = timestamp_ms
        return FramingUpdate(now=now, shown=shown, say=say)
