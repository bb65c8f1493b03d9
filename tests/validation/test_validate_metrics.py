"""`make validate`'s arithmetic (bench/validate_metrics.py, bench/validate.py's summary).

Tiny synthetic inputs with answers worked out by hand, so the published numbers mean what
docs/accuracy.md says; the whole real run (minutes of pose estimation) is `make validate`. The
last tests read both batches' labels.csv (no pose model) to check how their words are taken.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

# bench/ is scripts, not a package: appended (not put first) so it shadows nothing installed.
BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))

import validate  # noqa: E402
import validate_metrics as vm  # noqa: E402


def _row(**values: str) -> dict[str, str]:
    base = {
        "file": "half_kneeling/x_f0001.jpg",
        "category": "half_kneeling",
        "pose": "",
        "view": "side (faces image-right)",
        "apparent_form": "",
        "source_repo": "someone/somewhere",
        "source_path": "videos/x.mp4",
    }
    return {**base, **values}


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        ("side (person faces left)", "side"),
        ("side (faces image-right), closer camera", "side"),
        ("rear-oblique side (3/4 from behind)", "oblique"),
        ("oblique front", "oblique"),
        ("front-oblique", "oblique"),
        ("front/oblique", "oblique"),
        ("side-oblique", "oblique"),
        ("front (slightly oblique), busy gym background", "front"),
        ("front (faces camera), wide", "front"),
        ("", "unknown"),
    ],
)
def test_views_are_read_from_the_label_words(view: str, expected: str) -> None:
    assert vm.parse_view(view) == expected


def test_a_video_without_a_view_column_takes_it_from_its_description() -> None:
    assert vm.parse_view("", "Woman, oblique-front view, kneeling lunge") == "oblique"
    assert vm.parse_view("", "NEGATIVE. Woman, front view, goblet squats") == "front"


def test_a_timeline_gives_each_range_the_words_before_it_and_only_holds_are_holds() -> None:
    text = (
        'title card "X" 0-3.3 s (no person); set-up, hand behind back 3.3-6 s; '
        "forward shift 6-11 s; hold with pelvis forward 11-18.9 s; end card 18.9-22 s. 30 fps"
    )
    segments = vm.parse_timeline(text)
    assert [(s.start_s, s.end_s) for s in segments] == [
        (0.0, 3.3),
        (3.3, 6.0),
        (6.0, 11.0),
        (11.0, 18.9),
        (18.9, 22.0),
    ]
    assert [s.hold for s in segments] == [False, False, False, True, False]
    assert segments[3].text == "hold with pelvis forward"


def test_comma_separated_ranges_and_objects_held_in_the_hands() -> None:
    text = (
        "Woman: standing (~0-2.5 s), kneels (~2.5-6 s), then shifts forward and holds to "
        "the end (~7-19.5 s). Trunk ~10 deg forward during hold"
    )
    assert [(s.start_s, s.end_s, s.hold) for s in vm.parse_timeline(text)] == [
        (0.0, 2.5, False),
        (2.5, 6.0, False),
        (7.0, 19.5, True),
    ]
    [standing] = vm.parse_timeline("a man holding controllers: standing 0-0.8 s")
    assert not standing.hold


def test_a_stretch_video_without_a_timeline_is_not_timed_and_the_table_overrides() -> None:
    vague = vm.label_from_row(
        "poses2",
        _row(file="videos/x.mp4", category="video", pose="held a while", stretched_side="left"),
    )
    assert vm.expected_holds(vague) is None
    table = vm.label_from_row(
        "poses", _row(file="videos/musclewiki_hip_flexor.mp4", category="video", pose="held")
    )
    holds, how = vm.expected_holds(table) or ([], "")
    assert [(h.start_s, h.end_s) for h in holds] == [(2.5, 9.5)]
    assert "explicit" in how
    other = vm.label_from_row("poses", _row(file="videos/y.mp4", category="video", pose="squats"))
    assert other.kind == "negative"
    assert vm.expected_holds(other) == ([], "other exercise: no hold expected")


def test_labels_of_both_batches_become_expectations() -> None:
    second = vm.label_from_row("poses2", _row(stretched_side="left"))
    assert (second.kind, second.side, second.view, second.clip) == ("stretch", "left", "side", "x")
    fedb = vm.label_from_row("poses", _row(source_path="exercises/Kneeling_Hip_Flexor/0.jpg"))
    assert fedb.clip == "Kneeling_Hip_Flexor"
    first = vm.label_from_row(
        "poses", _row(file="half_kneeling/cornell_kneeling_hip_flexor_f0300.jpg")
    )
    assert first.side == "left"
    assert "BATCH1_SIDES" in first.side_how
    hovering = vm.label_from_row(
        "poses2",
        _row(file="lunge/z.jpg", category="lunge", pose="split squat, rear knee hovering above"),
    )
    assert (hovering.kind, hovering.hovering_knee, hovering.side) == ("lunge", True, "none")
    near = vm.label_from_row(
        "poses", _row(file="lunge/w.jpg", category="lunge", pose="lunge, rear knee near floor")
    )
    assert not near.hovering_knee
    kneeling = vm.label_from_row("poses", _row(category="negative", pose="on both knees"))
    assert (kneeling.kind, kneeling.side) == ("negative", "both")


def test_rates_by_group() -> None:
    assert vm.rate(0, 0) == {"n": 0, "hits": 0, "rate": None}
    items = [("side", True), ("front", False), ("side", False), ("side", True)]
    assert vm.grouped_rates(items) == {
        "front": {"n": 1, "hits": 0, "rate": 0.0},
        "side": {"n": 3, "hits": 2, "rate": 0.667},
    }


def test_side_accuracy_leaves_out_pictures_without_a_labelled_side() -> None:
    pairs = [("left", "left"), ("right", "left"), (None, "left"), ("both", "right")]
    assert vm.side_accuracy(pairs) == {"n": 2, "hits": 1, "rate": 0.5}


def test_mirror_images_must_flip_the_side() -> None:
    cases = [
        vm.MirrorCase("left", "left", "right"),  # right both ways
        vm.MirrorCase("left", "right", "left"),  # flips, but the engine had the side wrong
        vm.MirrorCase("right", "right", "right"),  # does not flip
        vm.MirrorCase("right", None, "left"),  # only the mirror recognised
        vm.MirrorCase("left", "left", None),  # the mirror not recognised
    ]
    assert vm.mirror_summary(cases) == {
        "mirrors_in_position": {"n": 5, "hits": 4, "rate": 0.8},
        "flipped_when_both_recognised": {"n": 3, "hits": 2, "rate": 0.667},
        "mirror_side_correct": {"n": 5, "hits": 2, "rate": 0.4},
    }


def test_good_form_time_is_placed_where_it_was_earned() -> None:
    samples = [
        (0.0, 0.0),
        (1.0, 0.0),
        (3.0, 2.0),  # a hold begins: its 2 s of settling credited back to its first frame
        (3.5, 2.5),
        (4.0, 2.5),  # a faulty frame: nothing
        (5.0, 3.5),  # the set's last second ...
        (12.0, 2.0),  # ... and the next set began: its counter starts again
    ]
    intervals = vm.credited_intervals(samples)
    assert intervals == [(1.0, 3.0), (3.0, 3.5), (4.0, 5.0), (10.0, 12.0)]
    assert vm.seconds_inside(intervals[:2], [(0.0, 2.0), (3.25, 9.0)]) == pytest.approx(1.25)
    assert vm.overlap((0.0, 1.0), (2.0, 3.0)) == 0.0


def test_engine_holds_are_matched_to_labelled_holds() -> None:
    labelled = [(7.0, 19.5), (30.0, 40.0)]
    matches, extra = vm.match_holds(labelled, [(7.2, 12.0), (12.5, 19.4), (50.0, 52.0)])
    first, second = matches
    assert (first.engine, first.pieces) == ((7.2, 19.4), 2)
    assert first.start_error_s == pytest.approx(0.2)
    assert first.end_error_s == pytest.approx(-0.1)
    assert (second.engine, second.start_error_s) == (None, None)
    assert extra == [(50.0, 52.0)]
    assert vm.error_summary([0.2, -1.0, None, 0.6]) == {
        "n": 3,
        "mean_abs_s": 0.6,
        "median_abs_s": 0.6,
        "max_abs_s": 1.0,
        "mean_s": -0.07,
    }
    assert vm.error_summary([None])["n"] == 0


def _photo(kind: str, view: str, engine_side: str | None, **extra: Any) -> dict[str, Any]:
    engine: dict[str, Any] = {
        "in_position": engine_side is not None,
        "side": engine_side,
        "view": "ok",
        "unmet": [] if engine_side else ["rear_knee_down"],
    }
    return {
        "file": f"poses/{kind}/{view}.jpg",
        "kind": kind,
        "view": view,
        "source": "repo",
        "clip": "clip",
        "expected_side": "left" if kind == "stretch" else "none",
        "hovering_knee": False,
        "engine": engine,
        **extra,
    }


def test_the_summary_counts_recall_sides_mirrors_and_false_positives() -> None:
    mirror_ok = {"in_position": True, "side": "right"}
    photos = [
        _photo("stretch", "side", "left", mirror=mirror_ok),
        _photo("stretch", "front", None, mirror={"in_position": False, "side": None}),
        _photo("stretch", "side", "right", mirror=mirror_ok),
        _photo("lunge", "side", "left", hovering_knee=True),
        _photo("lunge", "side", None, hovering_knee=True),
        _photo("negative", "front", None),
    ]
    video = {
        "file": "poses/videos/v.mp4",
        "kind": "stretch",
        "expected_side": "left",
        "engine": {"good_form_s": 9.0, "holds": [], "in_position_s": 10.0},
        "timing": {
            "matches": [
                {"engine": [7.5, 19.0], "start_error_s": 0.5, "end_error_s": -0.5},
                {"engine": None, "start_error_s": None, "end_error_s": None},
            ],
            "extra_holds": [],
            "hold_sides": ["left"],
            "labelled_hold_s": 20.0,
            "good_form_inside_labelled_s": 8.0,
            "good_form_outside_labelled_s": 1.0,
        },
    }
    negative = {
        "file": "poses/videos/n.mp4",
        "kind": "negative",
        "engine": {"good_form_s": 2.0, "holds": [{}], "in_position_s": 3.0},
    }
    s = validate.summarise(photos, [video, negative, {"file": "g.gif", "kind": "negative"}])
    assert s["stretch_recall"]["overall"] == {"n": 3, "hits": 2, "rate": 0.667}
    assert s["stretch_recall"]["by_view"]["front"]["hits"] == 0
    assert s["side_accuracy"]["overall"] == {"n": 2, "hits": 1, "rate": 0.5}
    assert s["mirror"]["flipped_when_both_recognised"] == {"n": 2, "hits": 1, "rate": 0.5}
    assert s["false_positives_photos"]["overall"] == {"n": 3, "hits": 1, "rate": 0.333}
    assert s["hovering_knee"]["rejected"] == {"n": 2, "hits": 1, "rate": 0.5}
    assert s["hovering_knee"]["rejected_for_the_knee"]["hits"] == 1
    holds = s["video_holds"]
    assert holds["labelled_holds_found"] == {"n": 2, "hits": 1, "rate": 0.5}
    assert holds["start_error"]["mean_abs_s"] == 0.5
    assert holds["good_form_share_of_labelled_hold"] == 0.4
    assert holds["good_form_outside_labelled_s"] == 1.0
    assert s["false_positives_videos"]["with_good_form_time"] == {"n": 1, "hits": 1, "rate": 1.0}


def test_the_pelvis_shift_is_checked_where_the_label_names_it() -> None:
    def photo(pelvis: str | None, faults: list[str]) -> dict[str, Any]:
        engine = {"faults": faults, "angles": {"rear_hip_extension": 10.0}}
        return {"file": f"{pelvis}-{faults}", "expected_pelvis": pelvis, "engine": engine}

    summary = validate.pelvis_summary(
        [
            photo("forward", []),
            photo("forward", ["pelvis_not_forward"]),  # a shift the engine did not see
            photo("neutral", ["pelvis_not_forward"]),
            photo("neutral", ["trunk_leaning_back"]),  # a set-up taken as the stretch
            photo(None, ["pelvis_not_forward"]),  # the label does not say
        ]
    )
    assert summary["shift_seen_when_shifted"] == {"n": 2, "hits": 1, "rate": 0.5}
    assert summary["missing_shift_named_at_setup"] == {"n": 2, "hits": 1, "rate": 0.5}
    assert sorted(summary["misjudged"]) == [
        "forward-['pelvis_not_forward']",
        "neutral-['trunk_leaning_back']",
    ]
    words = {
        "half-kneeling hip-flexor stretch hold": "forward",
        "stretch: pelvis shifted forward, hands on hips": "forward",
        "psoas stretch set-up, pelvis neutral": "neutral",
        "just lowered onto rear knee (before pelvis shift)": "neutral",
        "forward weight shift into the stretch": None,
    }
    for pose, expected in words.items():
        assert vm.label_from_row("poses2", _row(pose=pose, stretched_side="right")).pelvis == (
            expected
        ), pose


@pytest.mark.real_data
def test_the_shared_labels_are_read_as_documented(pose_data: Path, pose_data2: Path) -> None:
    labels = vm.read_labels(pose_data, "poses") + vm.read_labels(pose_data2, "poses2")
    stretch_photos = [x for x in labels if x.kind == "stretch" and x.media == "image"]
    assert len(stretch_photos) == 19
    assert all(x.side in ("left", "right") for x in stretch_photos)
    assert {x.view for x in labels if x.media == "image"} == {"side", "oblique", "front"}
    assert len([x for x in labels if x.hovering_knee and x.media == "image"]) == 7
    by_key = {x.key: x for x in labels}
    psoas = vm.expected_holds(by_key["poses2/videos/parcoursdexil_illio_psoas.mp4"])
    assert psoas is not None
    assert [(h.start_s, h.end_s) for h in psoas[0]] == [(14.0, 18.9)]
    kneel = vm.expected_holds(by_key["poses2/videos/teleopit_motion_kneel.mp4"])
    assert kneel is not None
    assert kneel[0] == []  # transitions only: "holding controllers" is not a hold
    cornell = vm.expected_holds(by_key["poses/videos/cornell_kneeling_hip_flexor.mp4"])
    assert cornell is not None
    assert [(h.start_s, h.end_s) for h in cornell[0]] == [(7.0, 19.5)]
