"""Reading photos and videos into RGB arrays with timestamps, with clear errors for bad files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pose.estimator import RgbImage

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".webm", ".avi", ".mov", ".mkv", ".m4v"})
LANDMARK_SUFFIXES = frozenset({".jsonl"})


class MediaError(Exception):
    """A file that cannot be read as the photo or video it claims to be."""


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    if suffix in LANDMARK_SUFFIXES:
        return "landmarks"
    supported = sorted(IMAGE_SUFFIXES | VIDEO_SUFFIXES | LANDMARK_SUFFIXES)
    raise MediaError(
        f"{path}: unsupported file type {suffix or '(none)'}; use {', '.join(supported)}"
    )


def _require_file(path: Path) -> None:
    if not path.exists():
        raise MediaError(f"{path}: no such file")
    if not path.is_file():
        raise MediaError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise MediaError(f"{path}: the file is empty")


def read_image(path: Path) -> RgbImage:
    import cv2  # noqa: PLC0415 - landmark files must not need OpenCV

    _require_file(path)
    data = np.fromfile(str(path), dtype=np.uint8)
    bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if bgr is None:
        raise MediaError(f"{path}: not a readable image (corrupt or not an image)")
    rgb: RgbImage = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.uint8, copy=False)
    return rgb


@dataclass(frozen=True, slots=True)
class VideoInfo:
    fps: float
    frame_count: int
    width: int
    height: int


class VideoReader:
    """Decodes a video frame by frame; timestamps come from the container, else from fps."""

    def __init__(self, path: Path) -> None:
        import cv2  # noqa: PLC0415 - landmark files must not need OpenCV

        _require_file(path)
        self.path = path
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            raise MediaError(f"{path}: not a readable video (corrupt or unsupported codec)")
        fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 0.0)
        self.info = VideoInfo(
            fps=fps if 1.0 <= fps <= 480.0 else 30.0,
            frame_count=int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0),
            width=int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0),
            height=int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0),
        )

    def frames(self) -> Iterator[tuple[float, RgbImage]]:
        import cv2  # noqa: PLC0415 - landmark files must not need OpenCV

        index = 0
        last_ms = -1.0
        while True:
            ok, bgr = self._cap.read()
            if not ok or bgr is None:
                break
            # Container timestamps can repeat or jump backwards; keep them strictly increasing.
            ms = max(index * 1000.0 / self.info.fps, last_ms + 1e-3)
            last_ms = ms
            index += 1
            rgb: RgbImage = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB).astype(np.uint8, copy=False)
            yield ms, rgb
        if index == 0:
            raise MediaError(f"{self.path}: the video has no readable frames (corrupt or empty)")

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> VideoReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
