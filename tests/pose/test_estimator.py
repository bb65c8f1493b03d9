from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from coach.landmarks import LANDMARK_COUNT
from pose.estimator import MediaPipePoseEstimator
from pose.media import VideoReader, read_image
from pose.models import ENV_MODEL

pytestmark = [pytest.mark.pose_model, pytest.mark.real_data]


def test_bundle_loads_offline(pose_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the local bundle is given; MediaPipe Tasks has nothing to fetch from anywhere.
    monkeypatch.delenv(ENV_MODEL, raising=False)
    with MediaPipePoseEstimator(mode="image") as estimator:
        assert estimator.estimate(np.zeros((64, 64, 3), np.uint8), 0.0) is None


def test_real_photo(pose_model: Path, pose_data: Path) -> None:
    rgb = read_image(pose_data / "half_kneeling" / "cornell_kneeling_hip_flexor_f0300.jpg")
    with MediaPipePoseEstimator(mode="image", model_path=pose_model) as estimator:
        frame = estimator.estimate(rgb, 1234.0)
    assert frame is not None
    assert frame.timestamp_ms == 1234.0
    assert frame.landmarks.shape == (LANDMARK_COUNT, 4)
    assert frame.world is not None
    assert frame.world.shape == (LANDMARK_COUNT, 3)
    assert (frame.image_width, frame.image_height) == (rgb.shape[1], rgb.shape[0])
    assert float(np.mean(frame.landmarks[:, 3])) > 0.5


def test_blank_image_has_nobody(pose_model: Path) -> None:
    grey = np.full((480, 640, 3), 128, np.uint8)
    with MediaPipePoseEstimator(mode="image", model_path=pose_model) as estimator:
        assert estimator.estimate(grey, 0.0) is None


def test_video_mode(pose_model: Path, pose_data: Path) -> None:
    found = []
    with (
        VideoReader(pose_data / "videos" / "musclewiki_hip_flexor.mp4") as reader,
        MediaPipePoseEstimator(mode="video", model_path=pose_model) as estimator,
    ):
        for index, (ms, rgb) in enumerate(reader.frames()):
            if index == 30:
                break
            frame = estimator.estimate(rgb, ms)
            if frame is not None:
                assert frame.timestamp_ms == ms
                found.append(frame)
    assert len(found) >= 20
    times = [f.timestamp_ms for f in found]
    assert all(b > a for a, b in itertools.pairwise(times))
