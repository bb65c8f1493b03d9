from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from pose import bundle
from pose.estimator import MediaPipePoseEstimator
from pose.models import MODEL_DIR, bundle_path

pytestmark = pytest.mark.pose_model

NPM_POSE = Path(__file__).resolve().parents[2] / "node_modules" / "@mediapipe" / "pose"
MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}


def test_built_bundles_are_task_archives(pose_model: Path) -> None:
    built = sorted(MODEL_DIR.glob("*.task"))
    assert pose_model in built or pose_model.is_file()
    for path in {pose_model, *built}:
        assert zipfile.is_zipfile(path), path
        with zipfile.ZipFile(path) as archive:
            assert set(archive.namelist()) >= MEMBERS, path
            assert archive.testzip() is None


def test_rebuild_lite(pose_model: Path, tmp_path: Path) -> None:
    if not (NPM_POSE / "pose_landmark_lite.tflite").is_file():
        pytest.skip(f"{NPM_POSE} is absent: run `make npm`")
    written = bundle.build(NPM_POSE, tmp_path, ("lite",))
    assert written == [bundle_path("lite", tmp_path)]
    assert not list(tmp_path.glob("*.part"))
    with zipfile.ZipFile(written[0]) as archive:
        assert set(archive.namelist()) >= MEMBERS
    with MediaPipePoseEstimator(mode="image", model_path=written[0]) as estimator:
        assert estimator.estimate(np.full((256, 256, 3), 128, np.uint8), 0.0) is None


def test_missing_npm_model(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="npm ci"):
        bundle.build(tmp_path, tmp_path / "out", ("lite",))


def test_main_reports_missing_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bundle.main(["--npm-pose", str(tmp_path), "--out", str(tmp_path / "out")]) == 1
    assert "npm ci" in capsys.readouterr().err
