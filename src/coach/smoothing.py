"""Time-aware smoothing of landmark positions (the One-Euro filter).

Pose models jitter by a few pixels from frame to frame. Averaging over a fixed number of frames
would smear real movement at 30 frames/s and over-react at 10, so the filter works in seconds:
it smooths hard while the body is still and follows quickly when it moves (Casiez et al., CHI
2012). A gap longer than ``reset_after_s`` starts afresh instead of gliding across it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from coach.landmarks import LANDMARK_COUNT, FloatArray, PoseFrame


@dataclass(frozen=True, slots=True)
class OneEuroSettings:
    min_cutoff_hz: float = 1.5
    beta: float = 0.5
    derivative_cutoff_hz: float = 1.0
    reset_after_s: float = 1.0


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Filters an array of values element-wise; feed it with strictly increasing times."""

    def __init__(self, settings: OneEuroSettings | None = None) -> None:
        self.settings = settings or OneEuroSettings()
        self._value: FloatArray | None = None
        self._speed: FloatArray | None = None
        self._time_s = 0.0

    def reset(self) -> None:
        self._value = None
        self._speed = None

    def __call__(self, time_s: float, value: FloatArray) -> FloatArray:
        s = self.settings
        dt = time_s - self._time_s
        if (
            self._value is None
            or self._speed is None
            or dt <= 0.0
            or dt > s.reset_after_s
            or self._value.shape != value.shape
        ):
            self._value = value.copy()
            self._speed = np.zeros_like(value)
            self._time_s = time_s
            return self._value.copy()
        speed = (value - self._value) / dt
        a_d = _alpha(s.derivative_cutoff_hz, dt)
        self._speed = a_d * speed + (1.0 - a_d) * self._speed
        cutoff = s.min_cutoff_hz + s.beta * np.abs(self._speed)
        tau = 1.0 / (2.0 * np.pi * cutoff)
        a = 1.0 / (1.0 + tau / dt)
        self._value = a * value + (1.0 - a) * self._value
        self._time_s = time_s
        return self._value.copy()


def smooth_frame(smoother: OneEuroFilter, frame: PoseFrame) -> PoseFrame:
    """The frame with its positions (image and world) through the filter, in one call: half
    the per-frame overhead of filtering them apart."""
    raw = (
        np.concatenate((frame.landmarks[:, :3], frame.world))
        if frame.world is not None
        else frame.landmarks[:, :3]
    )
    smooth = smoother(frame.timestamp_ms / 1000.0, raw)
    lm = frame.landmarks.copy()
    lm[:, :3] = smooth[:LANDMARK_COUNT]
    world = smooth[LANDMARK_COUNT:] if frame.world is not None else None
    return PoseFrame(frame.timestamp_ms, frame.image_width, frame.image_height, lm, world)
