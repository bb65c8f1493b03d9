from __future__ import annotations

import math
from importlib import resources
from pathlib import Path

import pytest

from coach import protocol
from coach.assessment import Side
from coach.protocol import MEASURES, Protocol, ProtocolError, SetOrder, load_file, parse

SHIPPED = (
    resources.files("coach.protocols")
    .joinpath("half_kneeling_psoas.toml")
    .read_text(encoding="utf-8")
)
P = protocol.load()


def without_table(text: str, header: str) -> str:
    """``text`` without the table ``header`` (up to the next table header)."""
    out: list[str] = []
    skipping = False
    for line in text.splitlines():
        if line.strip().startswith("["):
            skipping = line.strip() == header
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def without_line(text: str, start: str) -> str:
    lines = text.splitlines()
    matching = [n for n, line in enumerate(lines) if line.startswith(start)]
    assert len(matching) == 1, start
    del lines[matching[0]]
    return "\n".join(lines) + "\n"


# -- the shipped protocol ----------------------------------------------------------------------


def test_shipped_protocol_has_the_articles_values():
    assert P.id == "half_kneeling_psoas"
    assert P.hold_s == 30
    # The article says 20-30 s: the declared range includes it, with room for clinicians.
    assert P.hold_min_s == 20
    assert P.hold_min_s <= 20
    assert P.hold_max_s >= 30
    assert P.sets_per_side == 2
    assert P.sets_min <= 2 <= P.sets_max
    assert P.exhale_s > P.inhale_s  # breathe out slowly
    assert P.order is SetOrder.SIDE_BY_SIDE
    assert P.first_side is None
    assert P.name.get("ja")
    assert P.name.get("en")
    assert len(P.setup_steps) >= 3
    assert all(step.en and step.ja for step in P.setup_steps + P.tips)


def test_a_60_second_hold_can_be_prescribed():
    """ACSM advises 30-60 s holds for older adults: the whole range is offered."""
    assert P.hold_max_s == 60
    assert P.prescribed(hold_s=60).hold_s == 60.0
    assert P.prescribed(hold_s=45).hold_s == 45.0


def test_the_breathing_tip_says_not_to_hold_the_breath():
    breathing = [t for t in P.tips if "Breathe" in t.en]
    assert len(breathing) == 1
    assert "don't hold your breath" in breathing[0].en
    assert "息は止めないで" in breathing[0].ja


def test_the_japanese_name_says_half_kneeling_in_the_agreed_words():
    assert "片膝立ち" in P.name.ja
    assert "ハーフニーリング" not in P.name.ja


def test_shipped_rules_are_consistent():
    ids = [r.id for r in P.rules]
    assert len(set(ids)) == len(ids)
    for rule in P.rules:
        assert rule.measure in MEASURES
        assert rule.low <= rule.target <= rule.high
        assert (rule.fault_below is None) == math.isinf(rule.below)
        assert (rule.fault_above is None) == math.isinf(rule.above)
        assert rule.hysteresis > 0
    assert P.hold_gate_faults == frozenset({"pelvis_not_forward"})
    with pytest.raises(KeyError):
        P.rule("no_such_rule")


def test_position_bands_are_looser_to_stay():
    s = P.position
    for name in ("rear_knee_max_height", "front_shin_max_tilt", "rear_ankle_max_rise"):
        band = getattr(s, name)
        assert band.stay >= band.enter, name
    for name in ("front_knee_min_height", "min_hip_height", "min_stride"):
        band = getattr(s, name)
        assert band.stay <= band.enter, name
    for name in ("max_trunk_forward", "max_trunk_backward"):
        band = getattr(s, name)
        assert band.stay >= band.enter, name


def test_load_unknown_name():
    with pytest.raises(ProtocolError, match="no protocol named"):
        protocol.load("no_such_protocol")


def test_load_file(tmp_path: Path):
    path = tmp_path / "p.toml"
    path.write_text(SHIPPED, encoding="utf-8")
    assert load_file(path) == P
    with pytest.raises(ProtocolError, match=r"missing\.toml"):
        load_file(tmp_path / "missing.toml")


# -- prescribed ---------------------------------------------------------------------------------


def test_prescribed_within_bounds():
    p = P.prescribed(hold_s=20, sets_per_side=1, first_side=Side.RIGHT)
    assert (p.hold_s, p.sets_per_side, p.first_side) == (20.0, 1, Side.RIGHT)
    assert P.prescribed(hold_s=P.hold_max_s, sets_per_side=P.sets_max).hold_s == P.hold_max_s
    assert P.prescribed().first_side is P.first_side
    assert P.prescribed(first_side=Side.LEFT).prescribed(first_side=None).first_side is None
    # The original is untouched.
    assert P.hold_s == 30


@pytest.mark.parametrize(
    "hold", [P.hold_min_s - 0.5, P.hold_max_s + 0.5, 0.0, -30.0, math.nan, math.inf]
)
def test_prescribed_refuses_hold_out_of_bounds(hold):
    with pytest.raises(ProtocolError, match="hold must be"):
        P.prescribed(hold_s=hold)


@pytest.mark.parametrize("sets", [P.sets_min - 1, P.sets_max + 1, -1, 100])
def test_prescribed_refuses_sets_out_of_bounds(sets):
    with pytest.raises(ProtocolError, match="sets per side"):
        P.prescribed(sets_per_side=sets)


def test_prescribed_refuses_unknown_side():
    with pytest.raises(ProtocolError, match="first side"):
        P.prescribed(first_side="up")


def test_prescribed_accepts_side_names():
    assert P.prescribed(first_side="left").first_side is Side.LEFT


def test_prescribed_refuses_fractional_sets():
    with pytest.raises(ProtocolError):
        P.prescribed(sets_per_side=1.5)  # type: ignore[arg-type]


# -- parse refuses broken files -----------------------------------------------------------------


def test_parse_shipped_text():
    assert parse(SHIPPED) == P


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id = ", "not valid TOML"),
        ("[hold\ntarget_s = 30", "not valid TOML"),
        (SHIPPED + "\n[hold]\n", "not valid TOML"),  # a table defined twice
        (without_table(SHIPPED, "[hold]"), r"missing table \[hold\]"),
        (without_table(SHIPPED, "[timing]"), r"missing table \[timing\]"),
        (without_table(SHIPPED, "[position]"), r"missing table \[position\]"),
        (without_table(SHIPPED, "[name]"), r"missing table \[name\]"),
        (without_table(SHIPPED, "[[rules]]"), "at least one"),
        (
            replace_once(SHIPPED, 'measure = "trunk_lean"', 'measure = "elbow"'),
            r"rules\[2\]\.measure must be one of",
        ),
        (
            without_line(SHIPPED, 'fault_above = "trunk_leaning_forward"'),
            r"rules\[2\]: each tolerance needs its fault code",
        ),
        (
            without_line(SHIPPED, "above = 22.0"),
            r"rules\[2\]: each tolerance needs its fault code",
        ),
        (
            without_line(without_line(SHIPPED, "below = 14.0"), 'fault_below = "pelvis_not'),
            r"rules\[1\] needs a tolerance",
        ),
        (
            replace_once(SHIPPED, 'id = "trunk_upright"', 'id = "front_knee"'),
            "rule ids must be unique",
        ),
        (
            replace_once(
                SHIPPED, "rear_knee_max_height = [0.45, 0.55]", "rear_knee_max_height = [0.45]"
            ),
            r"position\.rear_knee_max_height must be \[enter, stay\]",
        ),
        (
            replace_once(
                SHIPPED, "rear_knee_max_height = [0.45, 0.55]", "rear_knee_max_height = 0.45"
            ),
            r"rear_knee_max_height must be \[enter, stay\]",
        ),
        (
            replace_once(
                SHIPPED, "rear_knee_max_height = [0.45, 0.55]", 'rear_knee_max_height = [0.45, "x"]'
            ),
            r"rear_knee_max_height must be \[enter, stay\]",
        ),
        (
            replace_once(
                SHIPPED, "rear_knee_max_height = [0.45, 0.55]", "rear_knee_max_height = [true, 0.5]"
            ),
            r"rear_knee_max_height must be \[enter, stay\]",
        ),
        (
            replace_once(
                SHIPPED,
                "rear_knee_max_height = [0.45, 0.55]",
                "rear_knee_max_height = [0.45, 0.5, 0.55]",
            ),
            r"rear_knee_max_height must be \[enter, stay\]",
        ),
        (
            replace_once(
                SHIPPED, "rear_knee_max_height = [0.45, 0.55]", "rear_knee_max_height = [0.45, 9.0]"
            ),
            "values must lie in",
        ),
        (
            without_line(SHIPPED, 'ja = "後ろの膝の下に'),
            r"setup_steps\[0\] needs ja text",
        ),
        (
            replace_once(
                SHIPPED,
                'ja = "後ろの膝の下に、クッションかたたんだタオルを置きます。"',
                'ja = "  "',
            ),
            r"setup_steps\[0\]\.ja must be a non-empty string",
        ),
        ('colour = "red"\n' + SHIPPED, "unknown keys: colour"),
        ('colour = "red"\nsize = 3\n' + SHIPPED, "unknown keys: colour, size"),
        (
            replace_once(SHIPPED, "target_s = 30 ", "target_s = 90 "),
            r"hold\.target_s must be between",
        ),
        (
            replace_once(SHIPPED, "per_side = 2 ", "per_side = 2.0 "),
            r"sets\.per_side must be a whole",
        ),
        (
            replace_once(SHIPPED, "per_side = 2 ", "per_side = true "),
            r"sets\.per_side must be a whole",
        ),
        (replace_once(SHIPPED, "min = 1\n", "min = 5\n"), r"sets\.max must be between"),
        (replace_once(SHIPPED, 'order = "side_by_side"', 'order = "random"'), "sets.order must be"),
        (
            replace_once(SHIPPED, 'first_side = "either"', 'first_side = "both"'),
            "sets.first_side must be",
        ),
        (replace_once(SHIPPED, "rest_s = 15 ", "rest_s = -1 "), r"timing\.rest_s must be between"),
        (
            replace_once(SHIPPED, "rest_s = 15 ", 'rest_s = "15" '),
            r"timing\.rest_s must be a number",
        ),
        (
            replace_once(SHIPPED, "rest_s = 15 ", "rest_s = nan "),
            r"timing\.rest_s must be a number",
        ),
        (replace_once(SHIPPED, "version = 1\n", "version = 0\n"), "version must be between"),
        (replace_once(SHIPPED, 'id = "half_kneeling_psoas"', 'id = ""'), "id must be a non-empty"),
        (
            replace_once(SHIPPED, "starts_hold = true", 'starts_hold = "yes"'),
            r"rules\[1\]\.starts_hold must be true or false",
        ),
        (
            replace_once(
                SHIPPED,
                'hysteresis = 4.0\n\n[[rules]]\nid = "pelvis',
                'hysteresis = 99\n\n[[rules]]\nid = "pelvis',
            ),
            "hysteresis must be between",
        ),
    ],
)
def test_parse_refuses(text, message):
    with pytest.raises(ProtocolError, match=message) as info:
        parse(text, origin="test.toml")
    assert str(info.value).startswith("test.toml: ")


def test_parse_accepts_alternate_order_and_fixed_side():
    text = replace_once(SHIPPED, 'order = "side_by_side"', 'order = "alternate"')
    text = replace_once(text, 'first_side = "either"', 'first_side = "right"')
    p = parse(text)
    assert p.order is SetOrder.ALTERNATE
    assert p.first_side is Side.RIGHT


def test_rule_defaults():
    text = without_line(SHIPPED, "hysteresis = 3.0")
    assert parse(text).rule("trunk_upright").hysteresis == 3.0


@pytest.mark.parametrize("line", ["hold_s = 45", "sets_per_side = 3", "inhale_s = 4.0"])
def test_parse_refuses_field_names_as_top_level_keys(line):
    with pytest.raises(ProtocolError, match="unknown keys"):
        parse(line + "\n" + SHIPPED)


def test_parse_refuses_typo_in_rule_key():
    text = replace_once(SHIPPED, "hysteresis = 3.0", "hysterisis = 8.0")
    with pytest.raises(ProtocolError):
        parse(text)


def test_parse_refuses_rule_that_is_not_a_table():
    text = "rules = [1]\n" + without_table(SHIPPED, "[[rules]]")
    with pytest.raises(ProtocolError):
        parse(text)


def test_protocol_is_frozen():
    assert isinstance(P, Protocol)
    with pytest.raises(AttributeError):
        P.hold_s = 5  # type: ignore[misc]
