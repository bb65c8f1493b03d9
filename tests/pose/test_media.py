from __future__ import annotations

import itertools
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from pose.media import MediaError, VideoReader, kind_of, read_image


def read_all(path: Path) -> list[tuple[float, np.ndarray]]:
    with VideoReader(path) as reader:
        return list(reader.frames())


def test_corrupt_image(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(MediaError, match="not a readable image"):
        read_image(path)


def test_empty_image(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.touch()
    with pytest.raises(MediaError, match="empty"):
        read_image(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="no such file"):
        read_image(tmp_path / "nothing.jpg")
    with pytest.raises(MediaError, match="no such file"):
        VideoReader(tmp_path / "nothing.mp4")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "clip.mp4"
    folder.mkdir()
    with pytest.raises(MediaError, match="not a file"):
        VideoReader(folder)


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match=r"unsupported file type \.txt"):
        kind_of(tmp_path / "notes.txt")
    with pytest.raises(MediaError, match="unsupported file type"):
        kind_of(tmp_path / "no_suffix")


def test_kinds() -> None:
    assert kind_of(Path("a.JPG")) == "image"
    assert kind_of(Path("a.mp4")) == "video"
    assert kind_of(Path("a.jsonl")) == "landmarks"


def test_corrupt_video(tmp_path: Path) -> None:
    path = tmp_path / "garbage.mp4"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(MediaError, match=r"not a readable video|no readable frames"):
        read_all(path)


def test_empty_video(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(MediaError, match="empty"):
        read_all(path)


def test_valid_video(tmp_path: Path) -> None:
    path = tmp_path / "tiny.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), 10.0, (64, 48))
    assert writer.isOpened()
    for i in range(10):
        writer.write(np.full((48, 64, 3), (i * 20, 0, 255 - i * 20), dtype=np.uint8))
    writer.release()

    with VideoReader(path) as reader:
        assert reader.info.fps == pytest.approx(10.0)
        assert (reader.info.width, reader.info.height) == (64, 48)
        frames = list(reader.frames())
    assert len(frames) == 10
    times = [ms for ms, _ in frames]
    assert times[0] == pytest.approx(0.0)
    assert all(b > a for a, b in itertools.pairwise(times))
    assert times[1] == pytest.approx(100.0)
    for _, rgb in frames:
        assert rgb.shape == (48, 64, 3)
        assert rgb.dtype == np.uint8
    # Written as BGR (0, 0, 255) first: red in BGR, so the RGB frame must be red.
    first = frames[0][1].reshape(-1, 3).mean(axis=0)
    assert first[0] > 200
    assert first[2] < 60


@pytest.mark.real_data
def test_truncated_real_video(tmp_path: Path, pose_data: Path) -> None:
    source = pose_data / "videos" / "musclewiki_hip_flexor.mp4"
    if not source.is_file():
        pytest.skip(f"{source} is absent")
    path = tmp_path / "truncated.mp4"
    with source.open("rb") as handle:
        path.write_bytes(handle.read(20_000))
    with pytest.raises(MediaError, match=r"not a readable video|no readable frames"):
        read_all(path)


@pytest.mark.real_data
def test_real_photo(pose_data: Path) -> None:
    rgb = read_image(pose_data / "half_kneeling" / "cornell_kneeling_hip_flexor_f0300.jpg")
    assert rgb.ndim == 3
    assert rgb.shape[2] == 3
    assert rgb.dtype == np.uint8
