from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from coach.assessment import Assessment, Fault, Posture, View
from coach.landmarks import LANDMARK_COUNT, BodyLandmark, PoseFrame
from pose.annotate import (
    BONE,
    FAULT,
    GOOD,
    AnnotatedVideoWriter,
    annotate,
    write_image,
)
from pose.media import MediaError, VideoReader, read_image

WIDTH, HEIGHT = 720, 540
Image = npt.NDArray[np.uint8]

# A rough side-on half-kneel, kept to the right half so the panel (top left) stays clear.
POINTS = {
    BodyLandmark.LEFT_SHOULDER: (0.60, 0.30),
    BodyLandmark.RIGHT_SHOULDER: (0.62, 0.31),
    BodyLandmark.LEFT_ELBOW: (0.62, 0.45),
    BodyLandmark.RIGHT_ELBOW: (0.64, 0.46),
    BodyLandmark.LEFT_WRIST: (0.65, 0.55),
    BodyLandmark.RIGHT_WRIST: (0.67, 0.56),
    BodyLandmark.LEFT_HIP: (0.60, 0.55),
    BodyLandmark.RIGHT_HIP: (0.62, 0.56),
    BodyLandmark.LEFT_KNEE: (0.75, 0.55),
    BodyLandmark.RIGHT_KNEE: (0.55, 0.85),
    BodyLandmark.LEFT_ANKLE: (0.76, 0.85),
    BodyLandmark.RIGHT_ANKLE: (0.35, 0.86),
    BodyLandmark.LEFT_HEEL: (0.74, 0.87),
    BodyLandmark.RIGHT_HEEL: (0.33, 0.85),
    BodyLandmark.LEFT_FOOT_INDEX: (0.82, 0.88),
    BodyLandmark.RIGHT_FOOT_INDEX: (0.31, 0.88),
}


def person(timestamp_ms: float = 0.0, *, hidden: tuple[BodyLandmark, ...] = ()) -> PoseFrame:
    landmarks = np.zeros((LANDMARK_COUNT, 4))
    landmarks[:, :2] = (0.6, 0.2)
    landmarks[:, 3] = 0.9
    for index, (x, y) in POINTS.items():
        landmarks[index, :2] = (x, y)
    for index in hidden:
        landmarks[index, 3] = 0.1
    return PoseFrame.create(timestamp_ms, landmarks, image_width=WIDTH, image_height=HEIGHT)


def grey() -> Image:
    return np.full((HEIGHT, WIDTH, 3), 90, np.uint8)


def at(a: BodyLandmark, b: BodyLandmark) -> tuple[int, int]:
    """Pixel (row, column) halfway along the bone a-b."""
    (xa, ya), (xb, yb) = POINTS[a], POINTS[b]
    return round((ya + yb) / 2 * HEIGHT), round((xa + xb) / 2 * WIDTH)


def near(image: Image, where: tuple[int, int], colour: tuple[int, int, int]) -> bool:
    row, col = where
    patch = image[row - 2 : row + 3, col - 2 : col + 3].reshape(-1, 3).astype(int)
    return bool(np.any(np.abs(patch - np.array(colour)).max(axis=1) <= 30))


THIGH = (BodyLandmark.LEFT_HIP, BodyLandmark.LEFT_KNEE)
SHIN = (BodyLandmark.RIGHT_KNEE, BodyLandmark.RIGHT_ANKLE)
UPPER_ARM = (BodyLandmark.LEFT_SHOULDER, BodyLandmark.LEFT_ELBOW)
IN_POSITION = Assessment(0.0, View.OK, Posture.HALF_KNEELING)


def test_returns_new_image_with_skeleton() -> None:
    image = grey()
    out = annotate(image, person(), None)
    assert out.shape == image.shape
    assert out.dtype == np.uint8
    assert out is not image
    assert np.all(image == 90), "the input must not be drawn on"
    assert near(out, at(*UPPER_ARM), BONE)
    assert near(out, at(*THIGH), BONE)
    assert not np.any(out[HEIGHT - 20 :, :40] != 90), "nothing drawn far from the body"


def test_invisible_landmarks_are_not_drawn() -> None:
    out = annotate(grey(), person(hidden=(BodyLandmark.LEFT_ELBOW,)), None)
    row, col = at(*UPPER_ARM)
    assert np.all(out[row - 2 : row + 3, col - 2 : col + 3] == 90)


def test_legs_red_with_faults() -> None:
    faulty = Assessment(
        0.0, View.OK, Posture.HALF_KNEELING, faults=(Fault("pelvis_tilt", 20.0, 0.0, 10.0),)
    )
    out = annotate(grey(), person(), faulty)
    assert near(out, at(*THIGH), FAULT)
    assert near(out, at(*SHIN), FAULT)
    assert near(out, at(*UPPER_ARM), BONE)


def test_legs_green_in_good_form() -> None:
    out = annotate(grey(), person(), IN_POSITION)
    assert near(out, at(*THIGH), GOOD)
    assert near(out, at(*SHIN), GOOD)


def test_legs_neutral_when_not_in_position() -> None:
    out = annotate(grey(), person(), Assessment(0.0, View.OK, Posture.OTHER))
    assert near(out, at(*THIGH), BONE)


def test_angle_labels() -> None:
    plain = annotate(grey(), person(), IN_POSITION)
    angles = Assessment(
        0.0,
        View.OK,
        Posture.HALF_KNEELING,
        angles={"left_knee": 92.0, "rear_hip": 10.0, "nowhere": 5.0},
    )
    labelled = annotate(grey(), person(), angles, angle_at={"rear_hip": BodyLandmark.RIGHT_HIP})
    changed = np.any(labelled != plain, axis=2)
    knee_x, knee_y = POINTS[BodyLandmark.LEFT_KNEE]
    row, col = round(knee_y * HEIGHT), round(knee_x * WIDTH)
    assert changed[row - 60 : row, col : col + 120].any()
    hip_x, hip_y = POINTS[BodyLandmark.RIGHT_HIP]
    row, col = round(hip_y * HEIGHT), round(hip_x * WIDTH)
    assert changed[row - 60 : row, col : col + 120].any()


def test_panel_and_no_person() -> None:
    image = grey()
    with_lines = annotate(image, person(), None, lines=("Hold 12 s", "Knee down"))
    assert np.any(with_lines[:60, :200] != 90)
    assert with_lines[20:40, 10:20].mean() < 90, "the panel darkens what is behind it"
    nobody = annotate(image, None, None)
    assert nobody.shape == image.shape
    assert np.any(nobody[:60, :300] != 90)
    assert np.all(nobody[HEIGHT // 2 :] == 90)
    assert np.all(annotate(image, person(), None)[:60, :200] == 90), "no lines, no panel"


def test_non_ascii_and_long_lines_do_not_fail() -> None:
    tiny = np.zeros((60, 80, 3), np.uint8)
    out = annotate(tiny, None, None, lines=("膝を床につけてください", "x" * 300))
    assert out.shape == tiny.shape


def test_rejects_non_rgb() -> None:
    with pytest.raises(ValueError, match="RGB"):
        annotate(np.zeros((10, 10), np.uint8), None, None)


@pytest.mark.parametrize("suffix", [".mp4", ".avi"])
def test_video_round_trip(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"annotated{suffix}"
    with AnnotatedVideoWriter(path, fps=15.0) as writer:
        for i in range(6):
            writer.write(annotate(grey(), person(i * 66.7), IN_POSITION, lines=(f"frame {i}",)))
    assert writer.frames_written == 6
    with VideoReader(path) as reader:
        assert reader.info.fps == pytest.approx(15.0)
        frames = list(reader.frames())
    assert len(frames) == 6
    assert frames[0][1].shape == (HEIGHT, WIDTH, 3)
    assert near(frames[3][1], at(*THIGH), GOOD)


def test_odd_size_video(tmp_path: Path) -> None:
    path = tmp_path / "odd.mp4"
    with AnnotatedVideoWriter(path, fps=10.0, size=(65, 47)) as writer:
        for _ in range(3):
            writer.write(np.zeros((47, 65, 3), np.uint8))
        with pytest.raises(ValueError, match="this video is 64x46"):
            writer.write(np.zeros((50, 50, 3), np.uint8))
    with VideoReader(path) as reader:
        assert len(list(reader.frames())) == 3


def test_video_writer_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"cannot write \.mov video; use \.avi or \.mp4"):
        AnnotatedVideoWriter(tmp_path / "out.mov", fps=30.0)
    with pytest.raises(MediaError, match="does not exist"):
        AnnotatedVideoWriter(tmp_path / "missing" / "out.mp4", fps=30.0)
    (tmp_path / "dir.mp4").mkdir()
    with pytest.raises(MediaError, match="is a directory"):
        AnnotatedVideoWriter(tmp_path / "dir.mp4", fps=30.0)
    with pytest.raises(MediaError, match="frame rate"):
        AnnotatedVideoWriter(tmp_path / "out.mp4", fps=0.0)


def test_video_without_frames_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.mp4"
    with AnnotatedVideoWriter(path, fps=30.0, size=(64, 48)):
        pass
    assert not path.exists()


def test_write_image_round_trip(tmp_path: Path) -> None:
    out = annotate(grey(), person(), IN_POSITION)
    path = tmp_path / "frame.png"
    write_image(path, out)
    assert np.array_equal(read_image(path), out)


def test_write_image_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"cannot write \.txt images"):
        write_image(tmp_path / "frame.txt", grey())
    with pytest.raises(MediaError, match="does not exist"):
        write_image(tmp_path / "missing" / "frame.png", grey())
