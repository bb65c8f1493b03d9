"""The real photos of ../shared/data/poses: recognition, side, and how other poses are judged.

The labels come from labels.csv (category per file). These photos were also used to calibrate
the thresholds (docs/calibration.md), so they check that the calibration holds, not that it
generalises; the mirror images are the part the calibration never saw.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from coach import protocol
from coach.assessment import Side
from hipcoach.analysis import Analyzer
from pose.media import read_image

pytestmark = [pytest.mark.real_data, pytest.mark.pose_model]


def _photos(pose_data: Path, category: str) -> list[Path]:
    with (pose_data / "labels.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["category"] == category]
    return [pose_data / r["file"] for r in rows if r["file"].endswith(".jpg")]


@pytest.fixture(scope="module")
def analyzer(pose_model: Path) -> Iterator[Analyzer]:
    a = Analyzer(protocol.load())
    yield a
    a.close()


def test_every_stretch_photo_is_in_position_and_its_mirror_gives_the_other_side(
    pose_data: Path, analyzer: Analyzer
) -> None:
    photos = _photos(pose_data, "half_kneeling")
    assert len(photos) >= 8
    for path in photos:
        rgb = read_image(path)
        _, original = analyzer.judge_image(rgb)
        _, mirrored = analyzer.judge_image(np.ascontiguousarray(rgb[:, ::-1]))
        assert original.in_position, f"{path.name}: {original.view} unmet={original.unmet}"
        assert mirrored.in_position, f"{path.name} mirrored: {mirrored.unmet}"
        assert original.side in (Side.LEFT, Side.RIGHT)
        assert mirrored.side is original.side.other, path.name


def test_the_stretched_side_is_the_kneeling_leg_of_the_person_facing_left(
    pose_data: Path, analyzer: Analyzer
) -> None:
    # Cornell clip: the woman faces image-left, so her left side is toward the camera, and the
    # kneeling leg is the near one: her left hip is stretched.
    _, a = analyzer.judge_image(
        read_image(pose_data / "half_kneeling/cornell_kneeling_hip_flexor_f0300.jpg")
    )
    assert a.side is Side.LEFT


def test_the_hold_photos_are_good_form_and_the_setup_photo_asks_for_the_pelvis_shift(
    pose_data: Path, analyzer: Analyzer
) -> None:
    hold = read_image(pose_data / "half_kneeling/cornell_kneeling_hip_flexor_f0450.jpg")
    setup = read_image(pose_data / "half_kneeling/cornell_kneeling_hip_flexor_f0150.jpg")
    assert analyzer.judge_image(hold)[1].good_form
    codes = [f.code for f in analyzer.judge_image(setup)[1].faults]
    # In 3-D this set-up frame's legs give a forward direction well off the true one, and its
    # upright trunk reads as leaning back too; the pelvis shift is still what is asked first.
    assert codes[0] == "pelvis_not_forward"


def test_no_negative_photo_is_taken_as_in_position(pose_data: Path, analyzer: Analyzer) -> None:
    photos = _photos(pose_data, "negative")
    assert len(photos) >= 20
    wrong = [p.name for p in photos if analyzer.judge_image(read_image(p))[1].in_position]
    # Target: at most 5 % of other poses taken as in position.
    assert len(wrong) <= 0.05 * len(photos), wrong


def test_lunges_with_the_rear_knee_off_the_floor_are_not_the_stretch(
    pose_data: Path, analyzer: Analyzer
) -> None:
    """How lunges are judged: a rear knee clearly off the floor, or a rear foot up on its toes
    behind a hovering knee, is not the position. A low lunge whose knee all but touches the mat
    (Standing_Hip_Flexors_1) looks like the stretch from the side and may pass; that is the
    stretch's own shape, so it is allowed, but no more than two of the lunges may pass."""
    photos = _photos(pose_data, "lunge")
    judged = {p.name: analyzer.judge_image(read_image(p))[1] for p in photos}
    passed = sorted(name for name, a in judged.items() if a.in_position)
    assert len(passed) <= 2, passed
    for name in ("fedb_Split_Squats_0.jpg", "fedb_Split_Squats_1.jpg", "fedb_Barbell_Lunge_1.jpg"):
        assert "rear_knee_down" in judged[name].unmet, name
    for name in ("cornell_standing_lunge_f0150.jpg", "cornell_standing_lunge_f0420.jpg"):
        assert not judged[name].in_position, name


def test_a_blank_picture_has_no_person(analyzer: Analyzer) -> None:
    frame, a = analyzer.judge_image(np.full((360, 640, 3), 128, dtype=np.uint8))
    assert frame is None
    assert not a.in_position
