from __future__ import annotations

import math
from dataclasses import replace

import pytest
import synthetic as syn
from hypothesis import given, settings
from hypothesis import strategies as st

from coach import protocol
from coach.analyzer import FrameAnalyzer
from coach.geometry import LEFT_LEG, RIGHT_LEG, Measures, measure
from coach.protocol import Rule
from coach.rules import FormRules

P = protocol.load()
BASE = measure(syn.half_kneeling(), LEFT_LEG, RIGHT_LEG)

# (rule id, fault code, which side of the band), from the shipped protocol.
CODES = [
    (rule.id, code, side)
    for rule in P.rules
    for code, side in ((rule.fault_below, "below"), (rule.fault_above, "above"))
    if code is not None
]


def with_value(rule: Rule, value: float) -> Measures:
    return replace(BASE, **{rule.measure: value})


def codes(rules: FormRules, m: Measures) -> set[str]:
    return {f.code for f in rules.check(m)}


def edge(rule: Rule, side: str) -> float:
    return rule.low if side == "below" else rule.high


def outward(side: str) -> float:
    """+1 moves a value outside the band past this edge, -1 back inside."""
    return -1.0 if side == "below" else 1.0


def test_shipped_fault_codes_and_bands():
    assert {code for _, code, _ in CODES} == {
        "front_knee_too_bent",
        "front_foot_too_far",
        "pelvis_not_forward",
        "trunk_leaning_back",
        "trunk_leaning_forward",
    }
    # The numbers the brief quotes, as the protocol defines them.
    assert P.rule("front_knee").low == pytest.approx(45.0)
    assert P.rule("front_knee").high == pytest.approx(120.0)
    assert P.rule("pelvis_forward").low == pytest.approx(16.0)
    assert math.isinf(P.rule("pelvis_forward").high)
    assert P.rule("trunk_upright").low == pytest.approx(-12.0)
    assert P.rule("trunk_upright").high == pytest.approx(22.0)


def test_baseline_has_no_faults():
    assert FormRules(P.rules).check(BASE) == ()


@pytest.mark.parametrize(("rule_id", "code", "side"), CODES)
def test_fault_fires_beyond_its_band(rule_id, code, side):
    rule = P.rule(rule_id)
    rules = FormRules(P.rules)
    at_edge = edge(rule, side)
    assert code not in codes(rules, with_value(rule, at_edge))
    assert code not in codes(rules, with_value(rule, at_edge - outward(side) * 1.0))
    faults = rules.check(with_value(rule, at_edge + outward(side) * 0.5))
    fault = next(f for f in faults if f.code == code)
    assert fault.value == pytest.approx(at_edge + outward(side) * 0.5, abs=0.05)
    assert fault.target == rule.target
    assert fault.tolerance == (rule.below if side == "below" else rule.above)


@pytest.mark.parametrize(("rule_id", "code", "side"), CODES)
def test_fault_dead_band(rule_id, code, side):
    rule = P.rule(rule_id)
    rules = FormRules(P.rules)
    at_edge = edge(rule, side)
    h = rule.hysteresis
    assert h > 0
    assert code in codes(rules, with_value(rule, at_edge + outward(side) * 1.0))
    # Back inside, but by less than the hysteresis: still on.
    for inside in (0.0, 0.25 * h, 0.5 * h, 0.9 * h):
        assert code in codes(rules, with_value(rule, at_edge - outward(side) * inside)), inside
    # More than hysteresis inside: off.
    assert code not in codes(rules, with_value(rule, at_edge - outward(side) * (h + 0.1)))
    # And once off, the dead band does not turn it on again.
    assert code not in codes(rules, with_value(rule, at_edge - outward(side) * 0.5 * h))
    assert code in codes(rules, with_value(rule, at_edge + outward(side) * 0.1))


def test_reset_forgets_active_faults():
    rule = P.rule("trunk_upright")
    rules = FormRules(P.rules)
    assert "trunk_leaning_forward" in codes(rules, with_value(rule, rule.high + 1))
    rules.reset()
    assert "trunk_leaning_forward" not in codes(rules, with_value(rule, rule.high - 1))


def test_analyzer_reports_faults_from_a_frame():
    frame = syn.half_kneeling(trunk_lean_deg=P.rule("trunk_upright").high + 5.0)
    a = FrameAnalyzer(P, smoothing=None).assess(frame)
    assert a.in_position
    assert [f.code for f in a.faults] == ["trunk_leaning_forward"]
    assert not a.good_form

    frame = syn.half_kneeling(rear_hip_extension_deg=P.rule("pelvis_forward").low - 6.0)
    a = FrameAnalyzer(P, smoothing=None).assess(frame)
    assert a.in_position
    assert [f.code for f in a.faults] == ["pelvis_not_forward"]


def test_analyzer_resets_rules_when_out_of_position():
    rule = P.rule("trunk_upright")
    analyzer = FrameAnalyzer(P, smoothing=None)
    assert analyzer.assess(syn.half_kneeling(trunk_lean_deg=rule.high + 3, timestamp_ms=0)).faults
    analyzer.assess(syn.standing(timestamp_ms=100))
    inside = syn.half_kneeling(trunk_lean_deg=rule.high - 1, timestamp_ms=200)
    assert analyzer.assess(inside).faults == ()


@settings(max_examples=150, deadline=None)
@given(
    which=st.sampled_from(CODES),
    steps=st.lists(st.floats(-6.0, 6.0), min_size=1, max_size=60),
    start=st.floats(-15.0, 15.0),
)
def test_random_walk_respects_band_and_hysteresis(which, steps, start):
    rule_id, code, side = which
    rule = P.rule(rule_id)
    rules = FormRules(P.rules)
    at_edge = edge(rule, side)
    value = at_edge + start
    for step in steps:
        value += step
        on = code in codes(rules, with_value(rule, value))
        outside = outward(side) * (value - at_edge)  # > 0: outside the band
        if outside > 0:
            assert on, (value, at_edge)
        if outside < -rule.hysteresis:
            assert not on, (value, at_edge)
