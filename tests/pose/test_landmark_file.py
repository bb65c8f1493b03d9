from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from coach.landmarks import LANDMARK_COUNT, PoseFrame, frame_to_dict
from pose.landmark_file import FORMAT, VERSION, LandmarkFileError, read, write

HEADER = json.dumps({"format": FORMAT, "version": VERSION, "source": "test", "fps": 30})


def synthetic(timestamp_ms: float, seed: int, *, world: bool = True) -> PoseFrame:
    rng = np.random.default_rng(seed)
    landmarks = np.column_stack(
        [
            rng.uniform(0.05, 0.95, LANDMARK_COUNT),
            rng.uniform(0.05, 0.95, LANDMARK_COUNT),
            rng.uniform(-0.5, 0.5, LANDMARK_COUNT),
            rng.uniform(0.0, 1.0, LANDMARK_COUNT),
        ]
    )
    world_lm = rng.uniform(-0.9, 0.9, (LANDMARK_COUNT, 3)) if world else None
    return PoseFrame.create(
        timestamp_ms, landmarks, image_width=640, image_height=480, world=world_lm
    )


def frame_line(frame: PoseFrame) -> str:
    return json.dumps(frame_to_dict(frame))


def write_lines(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "frames.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_round_trip(tmp_path: Path) -> None:
    frames: list[tuple[float, PoseFrame | None]] = [
        (0.0, synthetic(0.0, 1)),
        (33.333, None),
        (66.667, synthetic(66.667, 2, world=False)),
        (100.0, synthetic(100.0, 3)),
    ]
    buffer = io.StringIO()
    assert write(buffer, frames, source="clip.mp4", fps=30.0) == len(frames)
    path = tmp_path / "clip.jsonl"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    loaded = read(path)
    assert loaded.source == "clip.mp4"
    assert loaded.fps == pytest.approx(30.0)
    assert len(loaded.frames) == len(frames)
    for (ts, original), (ts_back, back) in zip(frames, loaded.frames, strict=True):
        assert ts_back == pytest.approx(ts, abs=1e-3)
        if original is None:
            assert back is None
            continue
        assert back is not None
        assert (back.image_width, back.image_height) == (640, 480)
        np.testing.assert_allclose(back.landmarks, original.landmarks, atol=1e-5)
        if original.world is None:
            assert back.world is None
        else:
            assert back.world is not None
            np.testing.assert_allclose(back.world, original.world, atol=1e-5)


def test_bad_json_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path, HEADER, frame_line(synthetic(0, 1)), '{"timestamp_ms": 4')
    with pytest.raises(LandmarkFileError, match="line 3: not valid JSON"):
        read(path)


def test_missing_header(tmp_path: Path) -> None:
    path = write_lines(tmp_path, frame_line(synthetic(0, 1)), frame_line(synthetic(10, 2)))
    with pytest.raises(LandmarkFileError, match=f"line 1: not a {FORMAT} header"):
        read(path)


def test_wrong_version(tmp_path: Path) -> None:
    header = json.dumps({"format": FORMAT, "version": VERSION + 1})
    path = write_lines(tmp_path, header, frame_line(synthetic(0, 1)))
    with pytest.raises(LandmarkFileError, match=f"line 1: unsupported version {VERSION + 1}"):
        read(path)


def test_wrong_landmark_count(tmp_path: Path) -> None:
    record = frame_to_dict(synthetic(10, 2))
    record["landmarks"] = record["landmarks"][:32]
    path = write_lines(tmp_path, HEADER, frame_line(synthetic(0, 1)), json.dumps(record))
    with pytest.raises(LandmarkFileError, match=r"line 3: landmarks must be 33 rows"):
        read(path)


def test_nan_value(tmp_path: Path) -> None:
    line = frame_line(synthetic(0, 1))
    record = json.loads(line)
    record["landmarks"][25][1] = 12345.5
    broken = json.dumps(record).replace("12345.5", "NaN")
    assert "NaN" in broken
    path = write_lines(tmp_path, HEADER, broken)
    with pytest.raises(LandmarkFileError, match="line 2: landmarks: left_knee is NaN"):
        read(path)


def test_timestamp_backwards(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path, HEADER, frame_line(synthetic(100, 1)), frame_line(synthetic(50, 2))
    )
    with pytest.raises(LandmarkFileError, match="line 3: timestamp went backwards"):
        read(path)


def test_no_pose_frame_backwards(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path, HEADER, frame_line(synthetic(100, 1)), '{"timestamp_ms": 90, "pose": null}'
    )
    with pytest.raises(LandmarkFileError, match="line 3: timestamp_ms missing or not increasing"):
        read(path)


def test_empty_file(tmp_path: Path) -> None:
    path = write_lines(tmp_path)
    with pytest.raises(LandmarkFileError, match="the file is empty"):
        read(path)


def test_header_only(tmp_path: Path) -> None:
    with pytest.raises(LandmarkFileError, match="no frames"):
        read(write_lines(tmp_path, HEADER))


def test_missing_and_binary_file(tmp_path: Path) -> None:
    with pytest.raises(LandmarkFileError, match=r"nothing\.jsonl"):
        read(tmp_path / "nothing.jsonl")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 64)
    with pytest.raises(LandmarkFileError, match="not a text file"):
        read(binary)
