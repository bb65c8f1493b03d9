"""Pose estimators: the MediaPipe adapter and a replay fake, behind one small protocol.

The adapter is the only code that knows MediaPipe's result types; it converts them into the
engine's :class:`~coach.landmarks.PoseFrame` at once.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

from coach.landmarks import LANDMARK_COUNT, PoseFrame
from pose.models import DEFAULT_VARIANT, find_bundle

RgbImage = npt.NDArray[np.uint8]
Mode = Literal["image", "video"]


class PoseEstimator(Protocol):
    """Turns one RGB image taken at ``timestamp_ms`` into a frame, or None when nobody is seen."""

    def estimate(self, image: RgbImage, timestamp_ms: float) -> PoseFrame | None: ...

    def close(self) -> None: ...


class MediaPipePoseEstimator:
    """MediaPipe Tasks ``PoseLandmarker`` on a locally built bundle: offline, CPU.

    ``mode="video"`` tracks between frames (timestamps must increase); ``"image"`` treats
    each call alone, as for photos.
    """

    def __init__(
        self,
        mode: Mode = "video",
        variant: str = DEFAULT_VARIANT,
        *,
        model_path: Path | None = None,
        model_bytes: bytes | None = None,
        min_detection_confidence: float = 0.5,
    ) -> None:
        from mediapipe.tasks.python import BaseOptions, vision  # noqa: PLC0415 - slow import

        if model_bytes is None:
            model_bytes = (model_path or find_bundle(variant)).read_bytes()
        running_mode = vision.RunningMode.VIDEO if mode == "video" else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_buffer=model_bytes),
            running_mode=running_mode,
            num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
        )
        self._mode = mode
        self._landmarker: Any = vision.PoseLandmarker.create_from_options(options)
        self._last_ms = -1

    def estimate(self, image: RgbImage, timestamp_ms: float) -> PoseFrame | None:
        import mediapipe as mp  # noqa: PLC0415 - slow import

        height, width = image.shape[:2]
        mp_image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(image))
        if self._mode == "video":
            # MediaPipe wants strictly increasing whole milliseconds.
            ms = max(round(timestamp_ms), self._last_ms + 1)
            self._last_ms = ms
            result = self._landmarker.detect_for_video(mp_image, ms)
        else:
            result = self._landmarker.detect(mp_image)
        if not result.pose_landmarks:
            return None
        return frame_from_mediapipe(
            result.pose_landmarks[0],
            result.pose_world_landmarks[0] if result.pose_world_landmarks else None,
            timestamp_ms=timestamp_ms,
            image_width=width,
            image_height=height,
        )

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> MediaPipePoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def frame_from_mediapipe(
    landmarks: Iterable[Any],
    world: Iterable[Any] | None,
    *,
    timestamp_ms: float,
    image_width: int,
    image_height: int,
) -> PoseFrame:
    """MediaPipe's NormalizedLandmark / Landmark lists to a validated frame."""
    lm = np.array(
        [[p.x, p.y, p.z, _unit(p.visibility)] for p in landmarks], dtype=np.float64
    ).reshape(-1, 4)
    wl = None
    if world is not None:
        wl = np.array([[p.x, p.y, p.z] for p in world], dtype=np.float64).reshape(-1, 3)
        if len(wl) != LANDMARK_COUNT:
            wl = None
    return PoseFrame.create(
        timestamp_ms, lm, image_width=image_width, image_height=image_height, world=wl
    )


def _unit(value: float | None) -> float:
    return 1.0 if value is None else min(1.0, max(0.0, float(value)))


class ReplayEstimator:
    """Hands back recorded frames in order, ignoring the images: the fake for tests."""

    def __init__(self, frames: Iterable[PoseFrame | None]) -> None:
        self._frames: Iterator[PoseFrame | None] = iter(frames)

    def estimate(self, image: RgbImage, timestamp_ms: float) -> PoseFrame | None:
        return next(self._frames, None)

    def close(self) -> None:
        self._frames = iter(())


@contextlib.contextmanager
def quiet_native_logs() -> Iterator[None]:
    """Silence MediaPipe's C++ log lines (they write to file descriptor 2 directly).

    People running the CLI should see our messages, not TensorFlow Lite start-up chatter.
    Python's own ``sys.stderr`` keeps working: it is pointed at a copy of the real stream.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    python_stderr = sys.stderr
    try:
        sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1, closefd=True)
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        sys.stderr.close()
        sys.stderr = python_stderr
        os.close(saved)
        os.close(devnull)
