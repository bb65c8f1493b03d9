from __future__ import annotations

import pytest
import synthetic as syn
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import protocol
from coach.analyzer import FrameAnalyzer
from coach.assessment import Assessment, Posture, Side, View
from coach.landmarks import InvalidFrame, PoseFrame
from coach.position import REQUIREMENTS, can_see

P = protocol.load()


def assess(frame: PoseFrame | None, analyzer: FrameAnalyzer | None = None) -> Assessment:
    analyzer = analyzer or FrameAnalyzer(P, smoothing=None)
    return analyzer.assess(frame, None if frame else 0.0)


def assert_stretch(a: Assessment, side: Side) -> None:
    assert a.view is View.OK
    assert a.posture is Posture.HALF_KNEELING
    assert a.in_position
    assert a.unmet == ()
    assert a.side is side


# -- the stretched side -----------------------------------------------------------------------


def test_default_pose_is_in_position_on_the_left():
    a = assess(syn.half_kneeling(facing=-1, kneeling_label="left", near="rear"))
    assert_stretch(a, Side.LEFT)
    assert a.good_form
    assert a.angles["front_knee"] == pytest.approx(90.0, abs=0.1)
    assert a.anchors["rear_knee"] == syn.L.LEFT_KNEE
    assert a.anchors["front_knee"] == syn.L.RIGHT_KNEE


@pytest.mark.parametrize("facing", [-1, 1])
@pytest.mark.parametrize("near", ["rear", "front"])
@pytest.mark.parametrize("world", [True, False])
def test_side_follows_facing_and_depth(facing, near, world):
    side = syn.true_side(facing, near)
    frame = syn.half_kneeling(facing=facing, near=near, kneeling_label=side.value, world=world)
    assert_stretch(assess(frame), side)


@pytest.mark.parametrize("facing", [-1, 1])
@pytest.mark.parametrize("near", ["rear", "front"])
def test_swapped_labels_keep_the_true_side(facing, near):
    """The pose model's labels are not trusted when depth is clear."""
    side = syn.true_side(facing, near)
    frame = syn.half_kneeling(facing=facing, near=near, kneeling_label=side.value)
    swapped = syn.swap_labels(frame)
    assert_stretch(assess(swapped), side)
    # Built directly with the wrong label, too.
    wrong = syn.half_kneeling(facing=facing, near=near, kneeling_label=side.other.value)
    assert_stretch(assess(wrong), side)


def test_facing_left_rear_near_is_left_even_when_labelled_right():
    frame = syn.swap_labels(syn.half_kneeling(facing=-1, near="rear", kneeling_label="left"))
    a = assess(frame)
    assert_stretch(a, Side.LEFT)
    # The anchors are the model's labels: the kneeling leg is labelled right in this frame.
    assert a.anchors["rear_knee"] == syn.L.RIGHT_KNEE


@pytest.mark.parametrize("near", ["rear", "front"])
@pytest.mark.parametrize("label", ["left", "right"])
def test_mirror_gives_the_other_side(near, label):
    frame = syn.half_kneeling(facing=-1, near=near, kneeling_label=label)
    side = assess(frame).side
    assert side is syn.true_side(-1, near)
    assert_stretch(assess(syn.mirror(frame)), side.other)


@pytest.mark.parametrize("label", ["left", "right"])
@pytest.mark.parametrize("facing", [-1, 1])
@pytest.mark.parametrize("near", ["rear", "front"])
def test_tiny_depth_gap_lets_the_label_decide(label, facing, near):
    """Image-plane path (no world landmarks): with depth unclear, the label decides. With world
    landmarks the legs' 3-D positions decide (test_view_invariance.py)."""
    gap = 0.5 * P.position.min_depth_for_side
    frame = syn.half_kneeling(
        facing=facing, near=near, kneeling_label=label, depth_gap=gap, world=False
    )
    assert_stretch(assess(frame), Side(label))


def test_depth_gap_just_above_threshold_overrules_label():
    gap = 1.2 * P.position.min_depth_for_side
    frame = syn.half_kneeling(facing=-1, near="rear", kneeling_label="right", depth_gap=gap)
    assert_stretch(assess(frame), Side.LEFT)


@settings(max_examples=40, deadline=None)
@given(
    kw=st.fixed_dictionaries(
        {
            "facing": st.sampled_from([-1, 1]),
            "near": st.sampled_from(["rear", "front"]),
            "kneeling_label": st.sampled_from(["left", "right"]),
            "front_knee_deg": st.floats(75.0, 110.0),
            "rear_hip_extension_deg": st.floats(18.0, 40.0),
            "trunk_lean_deg": st.floats(-10.0, 20.0),
            "image_width": st.sampled_from([640, 1280, 1920, 720]),
            "image_height": st.sampled_from([480, 720, 1080, 1280]),
        }
    )
)
def test_good_stretches_are_recognised(kw):
    a = assess(syn.half_kneeling(**kw))
    assert_stretch(a, syn.true_side(kw["facing"], kw["near"]))
    assert a.good_form, a.faults


# -- not in position / cannot judge -----------------------------------------------------------


def test_standing_is_not_in_position():
    a = assess(syn.standing())
    assert a.view is View.OK
    assert not a.in_position
    assert a.posture is Posture.OTHER
    assert a.side is None
    assert "rear_knee_down" in a.unmet
    assert a.faults == ()


def test_raised_rear_knee_is_not_in_position():
    a = assess(syn.half_kneeling(rear_knee_height=0.8, front_knee_deg=115.0))
    assert not a.in_position
    assert a.unmet == ("rear_knee_down",)
    assert a.side is None


def test_unmet_are_requirement_ids_in_order():
    a = assess(syn.standing())
    assert set(a.unmet) <= set(REQUIREMENTS)
    assert list(a.unmet) == sorted(a.unmet, key=REQUIREMENTS.index)


def test_front_facing_is_not_side_on():
    a = assess(syn.front_facing())
    assert a.view is View.NOT_SIDE_ON
    assert not a.in_position
    assert a.side is None


def test_low_lower_body_visibility():
    a = assess(syn.half_kneeling(lower_body_visibility=0.2))
    assert a.view is View.LOW_VISIBILITY
    assert not a.in_position
    assert a.angles == {}


def test_visibility_at_threshold_is_enough():
    a = assess(syn.half_kneeling(lower_body_visibility=P.min_visibility))
    assert a.view is View.OK


def test_lower_body_out_of_frame_is_cut_off_with_its_cue():
    inside = syn.half_kneeling()
    lm = inside.landmarks.copy()
    lm[:, 0] += 0.45  # the person walks toward the image edge: the front foot leaves it
    frame = PoseFrame.create(0.0, lm, image_width=1280, image_height=720)
    xs = lm[[syn.L.LEFT_ANKLE, syn.L.RIGHT_ANKLE], 0]
    assert xs.max() > 1.0 + P.frame_margin or xs.min() < -P.frame_margin
    assert not can_see(frame, P.min_visibility, P.frame_margin)
    a = assess(frame)
    assert a.view is View.CUT_OFF
    assert a.unmet == ("framing_off_centre",)
    assert not a.in_position


def test_no_person():
    analyzer = FrameAnalyzer(P, smoothing=None)
    a = analyzer.assess(None, 500.0)
    assert a.view is View.NO_PERSON
    assert a.timestamp_ms == 500.0
    assert not a.in_position
    # Without a timestamp it moves on from the last one.
    assert analyzer.assess(None).timestamp_ms > 500.0


def test_analyzer_refuses_time_going_backwards():
    analyzer = FrameAnalyzer(P, smoothing=None)
    analyzer.assess(syn.half_kneeling(timestamp_ms=1000.0))
    with pytest.raises(InvalidFrame):
        analyzer.assess(syn.half_kneeling(timestamp_ms=1000.0))
    with pytest.raises(InvalidFrame):
        analyzer.assess(syn.half_kneeling(timestamp_ms=900.0))


# -- hysteresis of the position ---------------------------------------------------------------


def test_position_hysteresis_rear_knee_height():
    band = P.position.rear_knee_max_height
    between = 0.5 * (band.enter + band.stay)
    assert band.enter < between < band.stay
    wobble = syn.half_kneeling(rear_knee_height=between, timestamp_ms=100.0)

    was_in = FrameAnalyzer(P, smoothing=None)
    assert was_in.assess(syn.half_kneeling(timestamp_ms=0.0)).in_position
    assert was_in.assess(wobble).in_position

    was_out = FrameAnalyzer(P, smoothing=None)
    assert not was_out.assess(
        syn.half_kneeling(rear_knee_height=1.0, front_knee_deg=125.0)
    ).in_position
    a = was_out.assess(wobble)
    assert not a.in_position
    assert a.unmet == ("rear_knee_down",)


def test_position_hysteresis_trunk_forward():
    band = P.position.max_trunk_forward
    between = 0.5 * (band.enter + band.stay)
    wobble = syn.half_kneeling(trunk_lean_deg=between, timestamp_ms=100.0)

    was_in = FrameAnalyzer(P, smoothing=None)
    assert was_in.assess(syn.half_kneeling(timestamp_ms=0.0)).in_position
    assert was_in.assess(wobble).in_position

    fresh = FrameAnalyzer(P, smoothing=None)
    assert fresh.assess(wobble).unmet == ("trunk_up",)


def test_beyond_stay_threshold_leaves_position():
    band = P.position.rear_knee_max_height
    analyzer = FrameAnalyzer(P, smoothing=None)
    assert analyzer.assess(syn.half_kneeling(timestamp_ms=0.0)).in_position
    out = syn.half_kneeling(rear_knee_height=band.stay + 0.1, timestamp_ms=100.0)
    assert not analyzer.assess(out).in_position


def test_no_person_forgets_being_in_position():
    band = P.position.rear_knee_max_height
    between = 0.5 * (band.enter + band.stay)
    analyzer = FrameAnalyzer(P, smoothing=None)
    assert analyzer.assess(syn.half_kneeling(timestamp_ms=0.0)).in_position
    analyzer.assess(None, 50.0)
    assert not analyzer.assess(
        syn.half_kneeling(rear_knee_height=between, timestamp_ms=100.0)
    ).in_position


def test_smoothing_analyzer_agrees_on_a_still_pose():
    analyzer = FrameAnalyzer(P)
    frame = syn.half_kneeling()
    for k in range(10):
        a = analyzer.assess(syn.at_time(frame, k * 33.0))
    assert_stretch(a, Side.LEFT)
    # In 3-D, forward runs from the rear knee to the front ankle, which also spans the legs'
    # hip-width gap sideways: 0.7 degrees off the pure side-on 30 here.
    assert a.angles["rear_hip_extension"] == pytest.approx(30.0, abs=1.0)
