"""Exercise protocols: data files, validated on load so a typo fails loudly, not mid-session.

A protocol says what to hold and for how long, and every number the engine judges by: the
position thresholds and the form rules with their targets and tolerances. Clinicians' changes
(hold seconds, sets) are applied with :meth:`Protocol.prescribed`, which keeps the same bounds.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from coach.assessment import Side

LANGUAGES = ("en", "ja")
DEFAULT_PROTOCOL = "half_kneeling_psoas"
T = TypeVar("T")

MEASURES = frozenset({"front_knee", "rear_knee", "rear_hip_extension", "trunk_lean"})


class ProtocolError(ValueError):
    """A protocol file that is malformed or out of bounds; the message names the field."""


class SetOrder(StrEnum):
    SIDE_BY_SIDE = "side_by_side"
    ALTERNATE = "alternate"


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    ja: str

    def get(self, language: str) -> str:
        return self.ja if language == "ja" else self.en


@dataclass(frozen=True, slots=True)
class Band:
    """A threshold with a stricter value to enter a state and a looser one to stay in it."""

    enter: float
    stay: float

    def value(self, staying: bool) -> float:
        return self.stay if staying else self.enter


@dataclass(frozen=True, slots=True)
class PositionSettings:
    rear_knee_max_height: Band
    front_knee_min_height: Band
    front_shin_max_tilt: Band
    min_hip_height: Band
    min_stride: Band
    rear_ankle_max_rise: Band
    propped_ankle_min_rise: Band
    propped_toe_min_rise: Band
    max_trunk_forward: Band
    max_trunk_backward: Band
    max_shoulder_width: float
    max_hip_width: float
    min_depth_for_side: float
    # 3-D (world landmarks): the person's forward direction at most this far from the image
    # plane (degrees), and the legs this far apart sideways (thigh lengths) to name the side.
    max_view_yaw: float = 70.0
    min_lateral_for_side: float = 0.3


@dataclass(frozen=True, slots=True)
class FramingSettings:
    """Is the camera set up so that the engine can judge? (coach/framing.py, [framing])."""

    edge: float
    min_part_visibility: float
    min_leg: Band
    max_leg: Band
    hip_height_per_leg: float
    min_camera_height: Band
    max_camera_height: Band


@dataclass(frozen=True, slots=True)
class OwnRange:
    """The person's own range ([own_range]): a rule judged from their set-up, not absolutely.

    ``rule`` names the hold-starting rule measured on ``rear_hip_extension``; once a side's
    set-up baseline is known, that rule's fault is "less than ``min_shift`` past the baseline".
    """

    rule: str
    baseline_s: float
    min_shift: float
    hysteresis: float
    target_shift: float
    min_shift_range: tuple[float, float]  # what a clinician may prescribe: (lowest, highest)
    target_shift_range: tuple[float, float]


# A protocol file without [framing] gets the half-kneeling stretch's numbers (see its TOML).
DEFAULT_FRAMING = FramingSettings(
    edge=0.02,
    min_part_visibility=0.5,
    min_leg=Band(0.25, 0.22),
    max_leg=Band(0.6, 0.65),
    hip_height_per_leg=1.1,
    min_camera_height=Band(0.35, 0.3),
    max_camera_height=Band(1.35, 1.45),
)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    measure: str
    target: float
    below: float
    above: float
    fault_below: str | None
    fault_above: str | None
    hysteresis: float
    starts_hold: bool = False

    @property
    def low(self) -> float:
        return self.target - self.below

    @property
    def high(self) -> float:
        return self.target + self.above


@dataclass(frozen=True, slots=True)
class Timing:
    rest_s: float
    settle_s: float
    dropout_grace_s: float
    leave_grace_s: float
    fault_confirm_s: float
    cue_repeat_s: float
    cue_gap_s: float
    timer_setup_s: float


@dataclass(frozen=True, slots=True)
class Protocol:
    id: str
    version: int
    source: str
    name: Text
    hold_s: float
    hold_min_s: float
    hold_max_s: float
    sets_per_side: int
    sets_min: int
    sets_max: int
    order: SetOrder
    first_side: Side | None
    timing: Timing
    inhale_s: float
    exhale_s: float
    min_visibility: float
    frame_margin: float
    position: PositionSettings
    rules: tuple[Rule, ...]
    setup_steps: tuple[Text, ...]
    tips: tuple[Text, ...]
    framing: FramingSettings = DEFAULT_FRAMING
    own_range: OwnRange | None = None

    def prescribed(
        self,
        *,
        hold_s: float | None = None,
        sets_per_side: int | None = None,
        first_side: Side | str | None = "unchanged",
        target_shift: float | None = None,
        min_shift: float | None = None,
    ) -> Protocol:
        """This protocol with a clinician's hold time, sets, first side and shifts, in bounds.

        ``target_shift`` and ``min_shift`` (degrees past the person's own set-up) override the
        protocol's [own_range] defaults; ``None`` keeps the default.
        """
        hold = self.hold_s if hold_s is None else float(hold_s)
        sets = self.sets_per_side if sets_per_side is None else sets_per_side
        if isinstance(sets, bool) or not isinstance(sets, int):
            raise ProtocolError(f"sets per side must be a whole number, got {sets!r}")
        if not math.isfinite(hold):
            raise ProtocolError("hold must be a number of seconds")
        if not self.hold_min_s <= hold <= self.hold_max_s:
            raise ProtocolError(
                f"hold must be {self.hold_min_s:g}–{self.hold_max_s:g} s, got {hold:g}"
            )
        if not self.sets_min <= sets <= self.sets_max:
            raise ProtocolError(
                f"sets per side must be {self.sets_min}–{self.sets_max}, got {sets}"
            )
        side = self.first_side if first_side == "unchanged" else _side_or_none(first_side)
        own = self.own_range
        if own is not None and (target_shift is not None or min_shift is not None):
            own = _own_prescribed(own, target_shift, min_shift)
        elif own is None and (target_shift is not None or min_shift is not None):
            raise ProtocolError(f"{self.id} has no [own_range]: no shift can be prescribed")
        return replace(self, hold_s=hold, sets_per_side=sets, first_side=side, own_range=own)

    @property
    def hold_gate_faults(self) -> frozenset[str]:
        """Fault codes that mean the stretch itself has not begun (not just imperfect form)."""
        return frozenset(
            code
            for rule in self.rules
            if rule.starts_hold
            for code in (rule.fault_below, rule.fault_above)
            if code is not None
        )

    def rule_for_fault(self, code: str) -> Rule | None:
        for rule in self.rules:
            if code in (rule.fault_below, rule.fault_above):
                return rule
        return None

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def _own_prescribed(own: OwnRange, target_shift: float | None, min_shift: float | None) -> OwnRange:
    def checked(
        value: float | None, default: float, bounds: tuple[float, float], what: str
    ) -> float:
        if value is None:
            return default
        if isinstance(value, bool) or not math.isfinite(float(value)):
            raise ProtocolError(f"{what} must be a number of degrees")
        low, high = bounds
        if not low <= float(value) <= high:
            raise ProtocolError(f"{what} must be {low:g}–{high:g} degrees, got {float(value):g}")
        return float(value)

    minimum = checked(min_shift, own.min_shift, own.min_shift_range, "minimum shift")
    target = checked(target_shift, own.target_shift, own.target_shift_range, "target shift")
    if target < minimum:
        raise ProtocolError(
            f"target shift ({target:g}) must be at least the minimum shift ({minimum:g})"
        )
    return replace(own, min_shift=minimum, target_shift=target)


def _side_or_none(value: Side | str | None) -> Side | None:
    if value is None or value == "either":
        return None
    try:
        return Side(value)
    except ValueError:
        raise ProtocolError(f"first side must be left, right or either, got {value!r}") from None


def load(name: str = DEFAULT_PROTOCOL) -> Protocol:
    """A protocol shipped with the engine, by id."""
    return load_with(_build, name)


def load_file(path: Path) -> Protocol:
    return load_file_with(_build, path)


def parse(text: str, origin: str = "<protocol>") -> Protocol:
    return parse_with(_build, text, origin)


def load_with(build: Callable[[Mapping[str, Any]], T], name: str) -> T:
    """Any kind of protocol shipped with the engine, by id, built by ``build``."""
    resource = resources.files("coach.protocols").joinpath(f"{name}.toml")
    if not resource.is_file():
        raise ProtocolError(f"no protocol named {name!r}")
    return parse_with(build, resource.read_text(encoding="utf-8"), f"{name}.toml")


def load_file_with(build: Callable[[Mapping[str, Any]], T], path: Path) -> T:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProtocolError(f"{path}: {exc.strerror or exc}") from None
    return parse_with(build, text, str(path))


def parse_with(build: Callable[[Mapping[str, Any]], T], text: str, origin: str) -> T:
    """TOML text to a protocol; every error names the file and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"{origin}: not valid TOML: {exc}") from None
    try:
        return build(data)
    except ProtocolError as exc:
        raise ProtocolError(f"{origin}: {exc}") from None


class TableReader:
    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self.data = data
        self.path = path

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def section(self, key: str, allowed: frozenset[str] | None = None) -> TableReader:
        value = self.data.get(key)
        if not isinstance(value, Mapping):
            raise ProtocolError(f"missing table [{self._name(key)}]")
        reader = TableReader(value, self._name(key))
        if allowed is not None:
            reader.only(allowed)
        return reader

    def only(self, allowed: frozenset[str]) -> None:
        """Refuse keys we do not know: a typo must fail loudly, not fall back to a default."""
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            where = f" in [{self.path}]" if self.path else ""
            raise ProtocolError(f"unknown keys{where}: {', '.join(unknown)}")

    def string(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ProtocolError(f"{self._name(key)} must be a non-empty string")
        return value

    def number(self, key: str, low: float, high: float, default: float | None = None) -> float:
        value = self.data.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ProtocolError(f"{self._name(key)} must be a number")
        if not low <= value <= high:
            raise ProtocolError(
                f"{self._name(key)} must be between {low:g} and {high:g}, got {value}"
            )
        return float(value)

    def integer(self, key: str, low: int, high: int) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProtocolError(f"{self._name(key)} must be a whole number")
        if not low <= value <= high:
            raise ProtocolError(f"{self._name(key)} must be between {low} and {high}, got {value}")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise ProtocolError(f"{self._name(key)} must be true or false")
        return value

    def band(self, key: str, low: float, high: float) -> Band:
        value = self.data.get(key)
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            raise ProtocolError(f"{self._name(key)} must be [enter, stay], two numbers")
        for v in value:
            if not low <= v <= high:
                raise ProtocolError(f"{self._name(key)} values must lie in {low:g}..{high:g}")
        return Band(float(value[0]), float(value[1]))

    def text(self, key: str) -> Text:
        return _text(self.section(key))


def _text(reader: TableReader) -> Text:
    missing = [lang for lang in LANGUAGES if lang not in reader.data]
    if missing:
        raise ProtocolError(f"{reader.path or 'text'} needs {', '.join(missing)} text")
    return Text(en=reader.string("en"), ja=reader.string("ja"))


def read_texts(data: Mapping[str, Any], key: str) -> tuple[Text, ...]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise ProtocolError(f"{key} must be an array of tables")
    return tuple(_text(TableReader(item, f"{key}[{n}]")) for n, item in enumerate(items))


_TOP_KEYS = frozenset(
    {
        "id",
        "version",
        "source",
        "name",
        "hold",
        "sets",
        "timing",
        "breathing",
        "visibility",
        "position",
        "rules",
        "setup_steps",
        "tips",
        "framing",
        "own_range",
    }
)


def _build(data: Mapping[str, Any]) -> Protocol:
    top = TableReader(data)
    top.only(_TOP_KEYS)
    hold = top.section("hold", frozenset({"target_s", "min_s", "max_s"}))
    hold_min = hold.number("min_s", 5, 600)
    hold_max = hold.number("max_s", hold_min, 600)
    sets = top.section("sets", frozenset({"per_side", "min", "max", "order", "first_side"}))
    sets_min = sets.integer("min", 1, 10)
    sets_max = sets.integer("max", sets_min, 10)
    order_raw = sets.string("order", SetOrder.SIDE_BY_SIDE.value)
    try:
        order = SetOrder(order_raw)
    except ValueError:
        raise ProtocolError(
            f"sets.order must be side_by_side or alternate, got {order_raw!r}"
        ) from None
    first_raw = sets.string("first_side", "either")
    if first_raw not in ("left", "right", "either"):
        raise ProtocolError(f"sets.first_side must be left, right or either, got {first_raw!r}")
    timing = top.section("timing", frozenset(f.name for f in fields(Timing)))
    breathing = top.section("breathing", frozenset({"inhale_s", "exhale_s"}))
    visibility = top.section("visibility", frozenset({"min_lower_body", "margin"}))
    pos = top.section("position", frozenset(f.name for f in fields(PositionSettings)))
    position = PositionSettings(
        rear_knee_max_height=pos.band("rear_knee_max_height", 0, 2),
        front_knee_min_height=pos.band("front_knee_min_height", 0, 3),
        front_shin_max_tilt=pos.band("front_shin_max_tilt", 0, 90),
        min_hip_height=pos.band("min_hip_height", -1, 2),
        min_stride=pos.band("min_stride", 0, 3),
        rear_ankle_max_rise=pos.band("rear_ankle_max_rise", -1, 2),
        propped_ankle_min_rise=pos.band("propped_ankle_min_rise", -1, 2),
        propped_toe_min_rise=pos.band("propped_toe_min_rise", -1, 2),
        max_trunk_forward=pos.band("max_trunk_forward", 0, 90),
        max_trunk_backward=pos.band("max_trunk_backward", 0, 90),
        max_shoulder_width=pos.number("max_shoulder_width", 0, 2),
        max_hip_width=pos.number("max_hip_width", 0, 2),
        min_depth_for_side=pos.number("min_depth_for_side", 0, 1),
        max_view_yaw=pos.number("max_view_yaw", 0, 90, default=70.0),
        min_lateral_for_side=pos.number("min_lateral_for_side", 0, 3, default=0.3),
    )
    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise ProtocolError("needs at least one [[rules]] table")
    if not all(isinstance(item, Mapping) for item in rules_raw):
        raise ProtocolError("each [[rules]] entry must be a table")
    rules = tuple(_rule(TableReader(item, f"rules[{n}]")) for n, item in enumerate(rules_raw))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ProtocolError("rule ids must be unique")
    own_range = _own_range(top, rules)
    return Protocol(
        id=top.string("id"),
        version=top.integer("version", 1, 1000),
        source=top.string("source"),
        name=top.text("name"),
        hold_s=hold.number("target_s", hold_min, hold_max),
        hold_min_s=hold_min,
        hold_max_s=hold_max,
        sets_per_side=sets.integer("per_side", sets_min, sets_max),
        sets_min=sets_min,
        sets_max=sets_max,
        order=order,
        first_side=None if first_raw == "either" else Side(first_raw),
        timing=Timing(
            rest_s=timing.number("rest_s", 0, 600),
            settle_s=timing.number("settle_s", 0, 10),
            dropout_grace_s=timing.number("dropout_grace_s", 0, 5),
            leave_grace_s=timing.number("leave_grace_s", 0, 30),
            fault_confirm_s=timing.number("fault_confirm_s", 0, 5),
            cue_repeat_s=timing.number("cue_repeat_s", 0, 120),
            cue_gap_s=timing.number("cue_gap_s", 0, 60),
            timer_setup_s=timing.number("timer_setup_s", 0, 120),
        ),
        inhale_s=breathing.number("inhale_s", 1, 20),
        exhale_s=breathing.number("exhale_s", 1, 30),
        min_visibility=visibility.number("min_lower_body", 0, 1),
        frame_margin=visibility.number("margin", 0, 0.5),
        position=position,
        rules=rules,
        setup_steps=read_texts(data, "setup_steps"),
        tips=read_texts(data, "tips"),
        framing=_framing(top),
        own_range=own_range,
    )


def _own_range(top: TableReader, rules: tuple[Rule, ...]) -> OwnRange | None:
    if "own_range" not in top.data:
        return None
    o = top.section("own_range", frozenset(x.name for x in fields(OwnRange)))
    rule_id = o.string("rule")
    rule = next((r for r in rules if r.id == rule_id), None)
    if rule is None or rule.measure != "rear_hip_extension" or rule.fault_below is None:
        raise ProtocolError(
            "own_range.rule must name a rule on rear_hip_extension with a fault below"
        )
    ranges: list[tuple[float, float]] = []
    for name, top_value in (("min_shift_range", 45.0), ("target_shift_range", 60.0)):
        band = o.band(name, 0, top_value)
        if band.enter > band.stay:
            raise ProtocolError(f"own_range.{name} must be [lowest, highest]")
        ranges.append((band.enter, band.stay))
    min_range, target_range = ranges
    own = OwnRange(
        rule=rule_id,
        baseline_s=o.number("baseline_s", 0.1, 10),
        min_shift=o.number("min_shift", *min_range),
        hysteresis=o.number("hysteresis", 0, 10),
        target_shift=o.number("target_shift", *target_range),
        min_shift_range=min_range,
        target_shift_range=target_range,
    )
    if own.hysteresis >= own.min_shift_range[0]:
        raise ProtocolError("own_range.hysteresis must be below the lowest minimum shift")
    if own.target_shift < own.min_shift:
        raise ProtocolError("own_range.target_shift must be at least min_shift")
    return own


def _framing(top: TableReader) -> FramingSettings:
    if "framing" not in top.data:
        return DEFAULT_FRAMING
    f = top.section("framing", frozenset(x.name for x in fields(FramingSettings)))
    return FramingSettings(
        edge=f.number("edge", 0, 0.2),
        min_part_visibility=f.number("min_part_visibility", 0, 1),
        min_leg=f.band("min_leg", 0, 1),
        max_leg=f.band("max_leg", 0, 2),
        hip_height_per_leg=f.number("hip_height_per_leg", 0.5, 2),
        min_camera_height=f.band("min_camera_height", -1, 3),
        max_camera_height=f.band("max_camera_height", -1, 3),
    )


def _rule(reader: TableReader) -> Rule:
    reader.only(frozenset(f.name for f in fields(Rule)))
    measure = reader.string("measure")
    if measure not in MEASURES:
        raise ProtocolError(f"{reader.path}.measure must be one of {', '.join(sorted(MEASURES))}")
    below = reader.data.get("below")
    above = reader.data.get("above")
    fault_below = reader.data.get("fault_below")
    fault_above = reader.data.get("fault_above")
    if below is None and above is None:
        raise ProtocolError(f"{reader.path} needs a tolerance below or above its target")
    if (below is None) != (fault_below is None) or (above is None) != (fault_above is None):
        raise ProtocolError(f"{reader.path}: each tolerance needs its fault code, and only then")
    return Rule(
        id=reader.string("id"),
        measure=measure,
        target=reader.number("target", -180, 180),
        below=reader.number("below", 0, 180) if below is not None else math.inf,
        above=reader.number("above", 0, 180) if above is not None else math.inf,
        fault_below=reader.string("fault_below") if fault_below is not None else None,
        fault_above=reader.string("fault_above") if fault_above is not None else None,
        hysteresis=reader.number("hysteresis", 0, 30, default=3.0),
        starts_hold=reader.flag("starts_hold"),
    )
