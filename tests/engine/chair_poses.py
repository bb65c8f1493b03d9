"""Side-view sit-to-stand poses built from known knee and hip angles, and whole test sequences.

Same body and projection as :mod:`synthetic` (its proportions and ``_project``): the shins stay
upright over the feet, the thighs turn about the knees, and the trunk follows from the hip
angle (trunk lean = knee angle - hip angle). ``progress`` 0 is seated (knee 90°, thigh level),
1 is standing straight; the hip height rises as ``-cos(knee)`` thigh lengths, so progress and
the counter's rise fraction agree only roughly, as on a real body.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from synthetic import (
    _DEPTH_M,
    ANKLE_HEIGHT,
    FOREARM,
    HIP_HALF,
    SHIN,
    THIGH,
    TORSO,
    UPPER_ARM,
    _add,
    _dir,
    _place_sides,
    _project,
    _upper_body,
)

from coach.landmarks import BodyLandmark, PoseFrame

L = BodyLandmark
FPS = 30.0
DT_MS = 1000.0 / FPS

SEATED_KNEE = 90.0
SEATED_HIP = 85.0
# Where the wrists are: crossed on the chest (the test's position), hanging at the sides,
# pressing on the middle of the thighs, gripping the knees, pushing on the seat beside the
# hips, or swung forward at shoulder height (momentum).
ARMS = ("crossed", "hanging", "thighs", "knees", "seat", "forward")
# Crossed wrists: on the sternum a third of the way down the trunk, and in front of the trunk
# line by half a chest depth (0.11 m) and half a forearm (0.03 m).
CROSSED_DOWN = 0.3 * TORSO
CROSSED_FORWARD = 0.14


def knee_hip(progress: float, lean_deg: float = 0.0) -> tuple[float, float]:
    """Knee and hip angles at ``progress`` of the way from seated (0) to standing (1).

    ``lean_deg`` adds the forward lean of a real sit-to-stand: the trunk bends over the knees
    as the seat is left (most at progress 0.3), and is upright again by 0.6.
    """
    extra = lean_deg * math.sin(math.pi * min(progress / 0.6, 1.0))
    return (
        SEATED_KNEE + progress * (180.0 - SEATED_KNEE),
        SEATED_HIP + progress * (180.0 - SEATED_HIP) - extra,
    )


def pose(
    *,
    knee_deg: float,
    hip_deg: float,
    arms: str = "crossed",
    facing: int = -1,
    timestamp_ms: float = 0.0,
    near_visibility: float = 0.99,
    far_visibility: float = 0.6,
    wrist_visibility: float = 0.9,
    world: bool = True,
    image_width: int = 720,
    image_height: int = 1280,
) -> PoseFrame:
    """One side view: knee and hip angles in degrees (180 = straight)."""
    if arms not in ARMS:
        raise ValueError(f"arms must be one of {ARMS}")
    knee = (0.0, ANKLE_HEIGHT + SHIN)
    a = math.radians(180.0 - knee_deg)  # thigh from straight down, knee ahead of the hip
    hip = (knee[0] - THIGH * math.sin(a), knee[1] + THIGH * math.cos(a))
    lean = knee_deg - hip_deg
    upper = dict(_upper_body(hip, lean))
    shoulder = upper["SHOULDER"]
    if arms == "crossed":
        down = _dir(lean + 180.0)
        chest = _add(shoulder, down, CROSSED_DOWN)
        wrist = _add(chest, _dir(lean + 90.0), CROSSED_FORWARD)
        elbow = _add(_add(chest, down, 0.12), _dir(lean + 90.0), 0.16)
    elif arms in ("thighs", "knees", "seat"):
        # The palm on the top of the thigh (half a thigh's thickness, 0.08 m, plus the hand
        # above its axis), on the knee, or on the seat a little behind the hip.
        ux, uy = (knee[0] - hip[0]) / THIGH, (knee[1] - hip[1]) / THIGH
        normal = (-uy, ux) if ux >= 0 else (uy, -ux)  # up from the thigh
        if arms == "thighs":
            wrist = _add((0.5 * (hip[0] + knee[0]), 0.5 * (hip[1] + knee[1])), normal, 0.1)
        elif arms == "knees":
            wrist = _add(_add(knee, normal, 0.08), (ux, uy), -0.04)
        else:
            wrist = (hip[0] - 0.06, hip[1] - 0.06)
        elbow = _add(shoulder, _dir(180.0 + lean), UPPER_ARM)
    elif arms == "forward":
        elbow = _add(shoulder, _dir(lean + 90.0), UPPER_ARM)
        wrist = _add(elbow, _dir(lean + 90.0), FOREARM)
    else:
        elbow = (shoulder[0] + 0.02, shoulder[1] - UPPER_ARM)
        wrist = (elbow[0] + 0.04, elbow[1] - FOREARM)
    upper |= {
        "ELBOW": elbow,
        "WRIST": wrist,
        "PINKY": (wrist[0] + 0.01, wrist[1] - 0.03),
        "INDEX": (wrist[0] + 0.03, wrist[1] - 0.02),
        "THUMB": (wrist[0] + 0.02, wrist[1] + 0.01),
    }
    legs = {
        "HIP": hip,
        "KNEE": knee,
        "ANKLE": (0.0, ANKLE_HEIGHT),
        "HEEL": (-0.05, 0.0),
        "FOOT_INDEX": (0.15, 0.0),
    }
    points: dict[BodyLandmark, tuple[float, float, float]] = {L.NOSE: (*upper["NOSE"], 0.0)}
    depth = {**_DEPTH_M, **dict.fromkeys(legs, HIP_HALF)}
    _place_sides({**upper, **legs}, "left", -1.0, points, depth)  # left is the near side
    _place_sides({**upper, **legs}, "right", 1.0, points, depth)
    frame = _project(
        points,
        facing=facing,
        image_width=image_width,
        image_height=image_height,
        scale=0.45,
        depth_gap=0.25,
        visibility=0.99,
        lower_body_visibility=None,
        timestamp_ms=timestamp_ms,
        world=world,
        hip_centre=hip,
    )
    lm = frame.landmarks.copy()
    for index in (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX):
        lm[index, 3] = near_visibility
    for index in (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX):
        lm[index, 3] = far_visibility
    lm[L.LEFT_WRIST, 3] = lm[L.RIGHT_WRIST, 3] = wrist_visibility
    return PoseFrame.create(
        timestamp_ms,
        lm,
        image_width=frame.image_width,
        image_height=frame.image_height,
        world=frame.world,
    )


def at_progress(
    progress: float, timestamp_ms: float = 0.0, *, lean_deg: float = 0.0, **kwargs: Any
) -> PoseFrame:
    knee, hip = knee_hip(progress, lean_deg)
    return pose(knee_deg=knee, hip_deg=hip, timestamp_ms=timestamp_ms, **kwargs)


@dataclass(frozen=True)
class Cycle:
    """One repetition: rise to ``peak`` (1 = full stand), hold, sit back, rest on the seat."""

    peak: float = 1.0
    rise_s: float = 0.7
    top_s: float = 0.4
    down_s: float = 0.7
    seated_s: float = 0.6


def keyframes(cycles: Sequence[Cycle], *, lead_s: float = 1.0) -> list[tuple[float, float]]:
    """(time in s, progress) corners of a sequence that starts and ends seated."""
    t = lead_s
    keys = [(0.0, 0.0), (t, 0.0)]
    for c in cycles:
        t += c.rise_s
        keys.append((t, c.peak))
        t += c.top_s
        keys.append((t, c.peak))
        t += c.down_s
        keys.append((t, 0.0))
        t += c.seated_s
        keys.append((t, 0.0))
    return keys


def progress_at(keys: Sequence[tuple[float, float]], t_s: float) -> float:
    times = [k[0] for k in keys]
    values = [k[1] for k in keys]
    return float(np.interp(t_s, times, values))


def frames(
    keys: Sequence[tuple[float, float]],
    *,
    fps: float = FPS,
    jitter_deg: float = 0.0,
    seed: int = 0,
    gaps: Sequence[tuple[float, float]] = (),
    start_s: float = 0.0,
    lean_deg: float = 0.0,
    arms_during: Sequence[tuple[float, float, str]] = (),
    **kwargs: Any,
) -> Iterator[tuple[float, PoseFrame | None]]:
    """(timestamp_ms, frame) at ``fps`` along the keyframes; ``None`` inside the ``gaps`` (s).

    ``arms_during``: (from s, to s, arms) spans where the arms are held otherwise.
    """
    rng = np.random.default_rng(seed)
    end = keys[-1][0]
    n = int(end * fps) + 1
    for i in range(n):
        t_s = start_s + i / fps
        ms = t_s * 1000.0
        if any(a <= t_s < b for a, b in gaps):
            yield ms, None
            continue
        knee, hip = knee_hip(progress_at(keys, t_s - start_s), lean_deg)
        if jitter_deg:
            knee += float(rng.uniform(-jitter_deg, jitter_deg))
            hip += float(rng.uniform(-jitter_deg, jitter_deg))
        knee, hip = min(knee, 180.0), min(hip, 180.0)
        extra = dict(kwargs)
        for a, b, arms in arms_during:
            if a <= t_s < b:
                extra["arms"] = arms
        yield ms, pose(knee_deg=knee, hip_deg=hip, timestamp_ms=ms, **extra)
