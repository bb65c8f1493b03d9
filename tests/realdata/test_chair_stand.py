"""The chair-stand counter on real videos, through the project's MediaPipe adapter (full model).

The truth comes from ../shared/data/poses/SOURCES.md ("Chair-stand videos"): the FrailtyVision
chair-stand clip has exactly 5 full stands with peaks at 1.13, 2.83, 4.77, 6.47 and 8.33 s
(fully extended 1.0-1.4, 2.7-3.2, 4.6-5.1, 6.3-6.9, 8.1-8.8 s); the Timed Up and Go clip has
exactly 1 stand (0.6-1.3 s) and then a walk, which must not count. The Cornell and MuscleWiki
clips show no chair stand at all.

Arms: the 5x clip's man keeps his arms crossed on his chest throughout; the TUG's man sits with
his hands on his knees and keeps them there as he leaves the seat (seen on the frames at 0.0,
0.5, 0.7, 0.9 and 1.0 s), so that stand used the hands and scores 0.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from coach.chair_stand import ChairStandCounter, ChairStandReport, count_chair_stands
from coach.landmarks import PoseFrame
from pose.estimator import MediaPipePoseEstimator
from pose.media import VideoReader

pytestmark = [pytest.mark.real_data, pytest.mark.pose_model, pytest.mark.slow]

Frames = list[tuple[float, PoseFrame | None]]

FIVE_PEAKS_S = (1.13, 2.83, 4.77, 6.47, 8.33)
FIVE_EXTENDED_S = ((1.0, 1.4), (2.7, 3.2), (4.6, 5.1), (6.3, 6.9), (8.1, 8.8))
NO_CHAIR_STAND = (
    "cornell_kneeling_hip_flexor.mp4",
    "cornell_standing_lunge.mp4",
    "cornell_standing_quad.mp4",
    "musclewiki_goblet_squat.mp4",
    "musclewiki_hip_flexor.mp4",
)


def landmarks(path: Path, model: Path) -> Frames:
    """Every frame of the video through a fresh tracker, as a live camera would see it."""
    with MediaPipePoseEstimator("video", model_path=model) as est, VideoReader(path) as reader:
        return [(t, est.estimate(rgb, t)) for t, rgb in reader.frames()]


@pytest.fixture(scope="module")
def five_frames(pose_data: Path, pose_model: Path) -> Frames:
    return landmarks(pose_data / "videos/frailtyvision_chair_stand_5x.mp4", pose_model)


@pytest.fixture(scope="module")
def tug_frames(pose_data: Path, pose_model: Path) -> Frames:
    return landmarks(pose_data / "videos/frailtyvision_tug.mp4", pose_model)


@pytest.fixture(scope="module")
def five(five_frames: Frames) -> ChairStandReport:
    return count_chair_stands(five_frames)


def sitting_still_first(frames: Frames, seconds: float = 6.0) -> Frames:
    """The clip's first (seated) frame held for ``seconds``, then the clip: waiting for "Go"."""
    first = next(f for _, f in frames if f is not None)
    step = 1000.0 / 30.0
    lead = [
        (k * step, dataclasses.replace(first, timestamp_ms=k * step))
        for k in range(int(seconds * 1000 / step))
    ]
    start = len(lead) * step
    return lead + [
        (t + start, dataclasses.replace(f, timestamp_ms=t + start) if f else None)
        for t, f in frames
    ]


def live_cues(frames: Frames) -> tuple[ChairStandCounter, list[tuple[float, str]]]:
    counter = ChairStandCounter()  # the live rule: it says "Ready", 3, 2, 1, "Go"
    said = []
    for t, frame in frames:
        said += [(t, c.code) for c in counter.update(frame, t).cues]
    return counter, said


def test_five_stands_are_counted_exactly(five: ChairStandReport) -> None:
    assert five.count == 5
    assert five.partial_stands == ()
    assert not five.time_elapsed  # a 9.5 s clip: the 30 s were not watched


def test_each_stand_peaks_when_the_viewer_saw_it(five: ChairStandReport) -> None:
    for stand, truth, (first, last) in zip(five.stands, FIVE_PEAKS_S, FIVE_EXTENDED_S, strict=True):
        assert abs(stand.peak_ms / 1000 - truth) <= 0.25
        assert first - 0.1 <= stand.peak_ms / 1000 <= last + 0.1
        assert stand.start_ms < stand.standing_ms <= stand.peak_ms


def test_the_stands_are_clean_and_end_seated(five: ChairStandReport) -> None:
    # Arms crossed on the chest throughout, no hand use; every stand ends back on the seat.
    assert not five.hands_used
    assert five.faults == {}
    assert (five.score, five.arms_checked) == (5, 5)  # the arms were judged on every rise
    assert all(s.end_ms is not None for s in five.stands)
    assert five.unseen_s < 0.5
    data = five.to_dict()
    assert data["method"] == "camera"
    assert data["count"] == 5


def test_tug_counts_the_one_stand_and_not_the_walk(tug_frames: Frames) -> None:
    report = count_chair_stands(tug_frames)
    assert report.count == 1
    [stand] = report.stands
    # Hands on the knees while seated and leaving the seat: hands used, the test scores 0.
    assert stand.hands_used
    assert "hands_on_legs" in stand.faults
    assert (report.hands_used, report.score) == (True, 0)
    # Stands up 0.6-1.3 s; walks 1.3-5.3 s; sits down by 6.0 s.
    assert 0.5 <= stand.start_ms / 1000 <= 1.4
    assert 1.0 <= stand.peak_ms / 1000 <= 2.0
    assert stand.end_ms is not None
    assert 5.3 <= stand.end_ms / 1000 <= 6.5


@pytest.mark.parametrize("clip", NO_CHAIR_STAND)
def test_other_exercises_count_no_stand(pose_data: Path, pose_model: Path, clip: str) -> None:
    report = count_chair_stands(landmarks(pose_data / "videos" / clip, pose_model))
    assert report.count == 0
    assert report.stands == ()


def test_go_is_said_once_he_sits_still_and_all_five_stands_count_after_it(
    five_frames: Frames,
) -> None:
    counter, said = live_cues(sitting_still_first(five_frames))
    start = [(t, code) for t, code in said if code in ("ready", "countdown", "go")]
    assert [code for _, code in start] == ["ready", "countdown", "countdown", "countdown", "go"]
    ready_t, go_t = start[0][0], start[-1][0]
    assert 1000.0 <= ready_t <= 1200.0  # seated and still for a second
    assert go_t == pytest.approx(ready_t + 4000.0, abs=40.0)
    report = counter.report()
    assert report.started_ms == go_t
    assert (report.count, report.score) == (5, 5)


def test_hands_on_the_knees_keep_go_from_being_said(tug_frames: Frames) -> None:
    counter, said = live_cues(sitting_still_first(tug_frames))
    codes = {code for _, code in said}
    assert "hands_off_legs" in codes
    assert not codes & {"ready", "go"}
    assert counter.report().started_ms is None
