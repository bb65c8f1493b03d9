"""Drawing what the coach saw onto the picture, so a person or a clinician can check its judgement.

Images are RGB throughout (as everywhere in :mod:`pose`); colours below are RGB too. OpenCV's
Hershey fonts only have ASCII glyphs, so panel text must arrive translated into ASCII.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np
import numpy.typing as npt

from coach.assessment import Assessment
from coach.geometry import LEFT_LEG, RIGHT_LEG
from coach.landmarks import SKELETON, BodyLandmark, PoseFrame
from pose.estimator import RgbImage
from pose.media import IMAGE_SUFFIXES, MediaError

Colour = tuple[int, int, int]

MIN_VISIBILITY = 0.5
NO_PERSON = "no person found"

BONE: Colour = (0, 230, 255)
OUTLINE: Colour = (0, 0, 0)
FAULT: Colour = (235, 30, 30)
GOOD: Colour = (40, 215, 60)
TEXT: Colour = (255, 255, 255)

_LEGS = frozenset(
    index for leg in (LEFT_LEG, RIGHT_LEG) for index in (leg.knee, leg.ankle, leg.heel, leg.toe)
)
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_PANEL_ALPHA = 0.6
# Suffix -> fourcc: codecs that every opencv-python wheel's bundled FFmpeg can encode.
VIDEO_CODECS: Mapping[str, str] = {".mp4": "mp4v", ".avi": "MJPG"}


def annotate(
    image: RgbImage,
    frame: PoseFrame | None,
    assessment: Assessment | None,
    *,
    lines: Sequence[str] = (),
    angle_at: Mapping[str, BodyLandmark] | None = None,
) -> RgbImage:
    """Return a copy of ``image`` with the skeleton, joint angles and a status panel drawn on.

    The legs turn red when the assessment has faults and green when the person is in position
    without any; otherwise they keep the neutral bone colour, because green on someone who is
    not yet in the stretch would read as "correct". Angles from ``assessment.angles`` are drawn
    at the landmark ``angle_at`` names for them, or at the landmark the angle is named after
    (``"left_knee"``); others are left off rather than placed somewhere misleading.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 image of shape (h, w, 3), got {image.shape}")
    out: RgbImage = np.ascontiguousarray(image).copy()
    height, width = out.shape[:2]
    scale = min(height, width)
    if frame is not None:
        points = _pixel_points(frame, width, height)
        visible = frame.landmarks[:, 3] >= MIN_VISIBILITY
        _draw_skeleton(out, points, visible, _leg_colour(assessment), scale)
        if assessment is not None:
            _draw_angles(
                out,
                points=points,
                visible=visible,
                angles=assessment.angles,
                angle_at=angle_at or {},
                scale=scale,
            )
    panel = [NO_PERSON, *lines] if frame is None else list(lines)
    _draw_panel(out, panel)
    return out


def _leg_colour(assessment: Assessment | None) -> Colour:
    if assessment is None:
        return BONE
    if assessment.faults:
        return FAULT
    return GOOD if assessment.in_position else BONE


def _pixel_points(frame: PoseFrame, width: int, height: int) -> list[tuple[int, int]]:
    # The normalised coordinates map onto whatever image is drawn on, even a resized one.
    xy = frame.landmarks[:, :2] * np.array([width, height], dtype=np.float64)
    return [(round(float(x)), round(float(y))) for x, y in xy]


def _draw_skeleton(
    out: RgbImage,
    points: Sequence[tuple[int, int]],
    visible: npt.NDArray[np.bool_],
    legs: Colour,
    scale: int,
) -> None:
    thickness = max(2, round(scale / 180))
    bones = [(a, b) for a, b in SKELETON if visible[a] and visible[b]]
    # A dark outline under every bone keeps it readable on light and dark backgrounds alike.
    for a, b in bones:
        cv2.line(out, points[a], points[b], OUTLINE, thickness + 2, cv2.LINE_AA)
    for a, b in bones:
        colour = legs if a in _LEGS or b in _LEGS else BONE
        cv2.line(out, points[a], points[b], colour, thickness, cv2.LINE_AA)
    radius = thickness + 1
    for index in {i for bone in bones for i in bone}:
        cv2.circle(out, points[index], radius + 1, OUTLINE, -1, cv2.LINE_AA)
        colour = legs if index in _LEGS else BONE
        cv2.circle(out, points[index], radius, colour, -1, cv2.LINE_AA)


def _draw_angles(
    out: RgbImage,
    *,
    points: Sequence[tuple[int, int]],
    visible: npt.NDArray[np.bool_],
    angles: Mapping[str, float],
    angle_at: Mapping[str, BodyLandmark],
    scale: int,
) -> None:
    font_scale = max(0.4, scale / 1400)
    thickness = max(1, round(font_scale * 2))
    for name, degrees in angles.items():
        anchor = angle_at.get(name)
        if anchor is None:
            anchor = BodyLandmark.__members__.get(name.upper())
        if anchor is None or not visible[anchor] or not np.isfinite(degrees):
            continue
        x, y = points[anchor]
        offset = round(10 * font_scale / 0.4)
        _label(out, f"{degrees:.0f} deg", (x + offset, y - offset), font_scale, thickness)


def _label(
    out: RgbImage, text: str, origin: tuple[int, int], font_scale: float, thick: int
) -> None:
    (w, h), base = cv2.getTextSize(text, _FONT, font_scale, thick)
    x, y = origin
    pad = max(2, h // 4)
    cv2.rectangle(out, (x - pad, y - h - pad), (x + w + pad, y + base + pad), OUTLINE, -1)
    cv2.putText(out, text, (x, y), _FONT, font_scale, TEXT, thick, cv2.LINE_AA)


def _draw_panel(out: RgbImage, lines: Sequence[str]) -> None:
    texts = [_ascii(line) for line in lines if line.strip()]
    if not texts:
        return
    height, width = out.shape[:2]
    margin = max(6, min(height, width) // 60)
    font_scale = max(0.45, min(height, width) / 800)
    thickness = max(1, round(font_scale * 2))
    widest = max(cv2.getTextSize(t, _FONT, font_scale, thickness)[0][0] for t in texts)
    room = width - 4 * margin
    if widest > room:
        # Shrink long status lines to fit rather than cut the end of a sentence off.
        font_scale = max(0.3, font_scale * room / widest)
        thickness = max(1, round(font_scale * 2))
    sizes = [cv2.getTextSize(t, _FONT, font_scale, thickness) for t in texts]
    line_height = max(h + base for (_, h), base in sizes) + margin // 2
    box_w = min(width - margin, max(w for (w, _), _ in sizes) + 2 * margin)
    box_h = min(height - margin, line_height * len(texts) + margin)
    x0, y0 = margin, margin
    region = out[y0 : y0 + box_h, x0 : x0 + box_w]
    region[:] = (region.astype(np.float32) * (1.0 - _PANEL_ALPHA)).astype(np.uint8)
    for i, text in enumerate(texts):
        baseline_y = y0 + margin // 2 + line_height * (i + 1) - sizes[i][1]
        cv2.putText(
            out, text, (x0 + margin, baseline_y), _FONT, font_scale, TEXT, thickness, cv2.LINE_AA
        )


def _ascii(text: str) -> str:
    # Hershey fonts draw every non-ASCII character as "?"; make that explicit and stable.
    return "".join(c if " " <= c <= "~" else "?" for c in text)


class AnnotatedVideoWriter:
    """Writes RGB frames to ``.mp4`` (mp4v) or ``.avi`` (MJPG).

    OpenCV's own writer fails silently (an unopenable path, or a frame of another size, just
    produces nothing), so this checks each of those and raises instead. The frame size is
    taken from ``size`` (width, height) or else from the first frame; odd sides are cut to
    even ones, which the encoders need.
    """

    def __init__(self, path: Path, fps: float, size: tuple[int, int] | None = None) -> None:
        suffix = path.suffix.lower()
        if suffix not in VIDEO_CODECS:
            raise MediaError(
                f"{path}: cannot write {suffix or 'a file without a suffix'} video; "
                f"use {' or '.join(sorted(VIDEO_CODECS))}"
            )
        if not (np.isfinite(fps) and 0 < fps <= 480):
            raise MediaError(f"{path}: frame rate must be between 0 and 480, got {fps}")
        _require_writable(path)
        self.path = path
        self.fps = float(fps)
        self.frames_written = 0
        self._closed = False
        self._fourcc = VIDEO_CODECS[suffix]
        self._open_as: tuple[cv2.VideoWriter, tuple[int, int]] | None = None
        if size is not None:
            self._open(*size)

    def _open(self, width: int, height: int) -> tuple[cv2.VideoWriter, tuple[int, int]]:
        even = (width - width % 2, height - height % 2)
        if min(even) < 2:
            raise MediaError(f"{self.path}: frame size {width}x{height} is too small to encode")
        writer = cv2.VideoWriter(
            str(self.path), cv2.VideoWriter.fourcc(*self._fourcc), self.fps, even
        )
        if not writer.isOpened():
            raise MediaError(f"{self.path}: cannot open for writing a {self._fourcc} video")
        self._open_as = (writer, even)
        return self._open_as

    def write(self, rgb: RgbImage) -> None:
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected an RGB image of shape (h, w, 3), got {rgb.shape}")
        if self._closed:
            raise ValueError(f"{self.path} is already closed")
        height, width = rgb.shape[:2]
        writer, (w, h) = self._open_as or self._open(width, height)
        if (width - width % 2, height - height % 2) != (w, h):
            raise ValueError(f"frame is {width}x{height} but this video is {w}x{h}")
        writer.write(cv2.cvtColor(np.ascontiguousarray(rgb[:h, :w]), cv2.COLOR_RGB2BGR))
        self.frames_written += 1

    def close(self) -> None:
        """Finish the file; one that got no frames is removed, as a video of nothing misleads."""
        self._closed = True
        if self._open_as is not None:
            self._open_as[0].release()
            self._open_as = None
            if self.frames_written == 0:
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> AnnotatedVideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def write_image(path: Path, rgb: RgbImage) -> None:
    """Encode in memory, then write: ``cv2.imwrite`` fails silently and mangles non-ASCII paths."""
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise MediaError(
            f"{path}: cannot write {suffix or 'a file without a suffix'} images; "
            f"use {', '.join(sorted(IMAGE_SUFFIXES))}"
        )
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 image of shape (h, w, 3), got {rgb.shape}")
    _require_writable(path)
    ok, encoded = cv2.imencode(suffix, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    if not ok:
        raise MediaError(f"{path}: OpenCV could not encode the image as {suffix}")
    try:
        path.write_bytes(encoded.tobytes())
    except OSError as exc:
        raise MediaError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _require_writable(path: Path) -> None:
    if path.is_dir():
        raise MediaError(f"{path}: is a directory")
    if not path.parent.is_dir():
        raise MediaError(f"{path}: the folder {path.parent} does not exist")
