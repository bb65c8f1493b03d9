"""`hipcoach` as people and scripts use it: a subprocess, its output, its exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from pose.media import VideoReader, read_image

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "frames"
KNEELING = FIXTURES / "cornell_kneeling_hip_flexor.jsonl"
LUNGE = FIXTURES / "cornell_standing_lunge.jsonl"

IMAGE_KEYS = {"detected", "in_position", "stretched_side", "angles", "faults", "view", "advice"}
VIDEO_KEYS = {"frames", "fps", "holds", "faults", "sets", "protocol_completed", "good_form_s"}
HOLD_KEYS = {"side", "set", "start_s", "end_s", "good_form_s", "faults"}


def hipcoach(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hipcoach.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_a_landmark_recording_is_judged_like_the_video() -> None:
    run = hipcoach("analyze", KNEELING, "--json")
    assert run.returncode == 0, run.stderr
    [result] = records(run.stdout)
    assert result.keys() >= VIDEO_KEYS
    [hold] = result["holds"]
    assert hold.keys() >= HOLD_KEYS
    assert hold["side"] == "left"
    assert 5.5 <= hold["start_s"] <= 8.5
    assert hold["end_s"] >= 18.0
    assert 0 < result["good_form_s"] <= hold["end_s"] - hold["start_s"] + 0.05


def test_several_paths_give_json_lines_in_order_and_one_failure_does_not_stop_the_rest(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"format": "hipcoach-landmarks", "version": 1}\n{not json\n')
    run = hipcoach("analyze", KNEELING, broken, LUNGE, "--json")
    assert run.returncode == 1
    first, failed, third = records(run.stdout)
    assert first["path"].endswith(KNEELING.name)
    assert first["holds"]
    assert "line 2" in failed["error"]
    assert "not valid JSON" in failed["error"]
    assert third["path"].endswith(LUNGE.name)
    assert third["good_form_s"] == 0.0
    assert "Traceback" not in run.stderr


def test_plain_output_is_readable_and_japanese_cues_are_available() -> None:
    run = hipcoach("analyze", KNEELING, "--lang", "ja")
    assert run.returncode == 0, run.stderr
    assert "hold, left side, set 1" in run.stdout
    assert "骨盤" in run.stdout  # the pelvis cue, in Japanese


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "unsupported file type"),
        ("empty.mp4", b"", "empty"),
        ("garbage.mp4", b"\x00\x01garbage" * 100, "not a readable video"),
        ("garbage.jpg", b"\xff\xd8garbage" * 10, "not a readable image"),
        ("short.jsonl", b"", "empty"),
    ],
)
def test_bad_files_get_a_clear_message_and_a_failing_exit_code(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    run = hipcoach("analyze", path)
    assert run.returncode == 1
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_file_and_an_out_of_range_prescription_are_refused(tmp_path: Path) -> None:
    run = hipcoach("analyze", tmp_path / "nope.mp4")
    assert run.returncode == 1
    assert "no such file" in run.stderr
    run = hipcoach("analyze", KNEELING, "--hold", "5")
    assert run.returncode == 2
    assert "hold must be" in run.stderr


def test_a_60_second_hold_is_accepted_and_the_help_gives_the_acsm_range() -> None:
    run = hipcoach("analyze", KNEELING, "--hold", "60", "--json")
    assert run.returncode == 0, run.stderr
    [result] = records(run.stdout)
    assert result["hold_target_s"] == 60
    run = hipcoach("analyze", "--help")
    assert "20-60" in run.stdout
    assert "ACSM advises 30-60 s for older adults" in " ".join(run.stdout.split())


def test_a_landmark_file_cannot_be_annotated(tmp_path: Path) -> None:
    run = hipcoach("analyze", KNEELING, "--annotate", tmp_path / "out.mp4")
    assert run.returncode == 1
    assert "no pictures to annotate" in run.stderr


@pytest.mark.pose_model
def test_photos_are_judged_and_annotated(tmp_path: Path, pose_model: Path) -> None:
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((240, 320, 3), 200, dtype=np.uint8))
    run = hipcoach("analyze", blank, "--json", "--annotate", tmp_path / "out.png")
    # Nobody in the picture: the record still says so, but the exit code and message too.
    assert run.returncode == 1
    assert "no person found" in run.stderr
    [result] = records(run.stdout)
    assert result.keys() >= IMAGE_KEYS
    assert result["detected"] is False
    assert result["in_position"] is False
    assert result["stretched_side"] is None
    assert read_image(tmp_path / "out.png").shape == (240, 320, 3)


@pytest.mark.pose_model
@pytest.mark.real_data
def test_exported_landmarks_analyse_like_the_video(
    tmp_path: Path, pose_model: Path, pose_data: Path
) -> None:
    video = pose_data / "videos/musclewiki_hip_flexor.mp4"
    frames = tmp_path / "frames.jsonl"
    export = hipcoach("landmarks", video, "-o", frames)
    assert export.returncode == 0, export.stderr
    direct = records(hipcoach("analyze", video, "--json").stdout)[0]
    replayed = records(hipcoach("analyze", frames, "--json").stdout)[0]
    for key in ("frames", "holds", "good_form_s", "faults"):
        assert replayed[key] == direct[key], key


@pytest.mark.pose_model
@pytest.mark.real_data
def test_a_video_and_a_photo_are_annotated_into_a_folder(
    tmp_path: Path, pose_model: Path, pose_data: Path
) -> None:
    video = pose_data / "videos/musclewiki_hip_flexor.mp4"
    photo = pose_data / "half_kneeling/fedb_Kneeling_Hip_Flexor_1.jpg"
    out = tmp_path / "annotated"
    run = hipcoach("analyze", video, photo, "--json", "--annotate", out)
    assert run.returncode == 0, run.stderr
    video_result, photo_result = records(run.stdout)
    assert photo_result["in_position"]
    assert photo_result["stretched_side"] == "right"
    with VideoReader(out / "musclewiki_hip_flexor.annotated.mp4") as reader:
        assert sum(1 for _ in reader.frames()) == video_result["frames"]
    assert (out / "fedb_Kneeling_Hip_Flexor_1.annotated.jpg").stat().st_size > 0
