"""The 30-second chair stand as data: the test clock and every threshold, validated on load.

Same rules as the stretch protocols (:mod:`coach.protocol`): unknown keys, missing values and
numbers out of bounds fail loudly with the field's name, never fall back to a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from coach.protocol import (
    Band,
    ProtocolError,
    TableReader,
    Text,
    load_file_with,
    load_with,
    parse_with,
    read_texts,
)

DEFAULT_CHAIR_STAND = "chair_stand_30s"


@dataclass(frozen=True, slots=True)
class TestSettings:
    duration_s: float
    halfway_fraction: float
    min_stand_interval_s: float
    partial_min_rise: float


@dataclass(frozen=True, slots=True)
class StandTiming:
    max_gap_s: float
    fault_confirm_s: float
    cue_repeat_s: float
    cue_gap_s: float
    warn_before_end_s: float


@dataclass(frozen=True, slots=True)
class StandVisibility:
    min_leg: float
    min_lower_body: float
    min_wrist: float
    margin: float
    max_shoulder_width: float
    max_hip_width: float


@dataclass(frozen=True, slots=True)
class SeatedSettings:
    knee_max: Band
    hip_max: Band
    rise_max: Band
    thigh_min_forward: Band


@dataclass(frozen=True, slots=True)
class StandingSettings:
    knee_min: Band
    hip_min: Band


@dataclass(frozen=True, slots=True)
class StartSettings:
    """How the counter gives "Go": seated and still, then "Ready", a countdown, "Go"."""

    still_s: float
    still_max_rise: float
    still_max_angle: float
    ready_s: float
    countdown: int


@dataclass(frozen=True, slots=True)
class ArmSettings:
    """Where crossed arms put the wrists, in the trunk's own frame (docs/chair-stand.md)."""

    level_min: Band
    level_max: Band
    forward_min: Band
    forward_max: Band
    seat_level: float
    leg_reach: float


@dataclass(frozen=True, slots=True)
class ChairStandProtocol:
    id: str
    version: int
    source: str
    name: Text
    test: TestSettings
    timing: StandTiming
    start: StartSettings
    visibility: StandVisibility
    seated: SeatedSettings
    standing: StandingSettings
    arms: ArmSettings
    setup_steps: tuple[Text, ...]
    tips: tuple[Text, ...]


def load_chair_stand(name: str = DEFAULT_CHAIR_STAND) -> ChairStandProtocol:
    """A chair-stand protocol shipped with the engine, by id."""
    return load_with(_build, name)


def load_chair_stand_file(path: Path) -> ChairStandProtocol:
    return load_file_with(_build, path)


def parse_chair_stand(text: str, origin: str = "<protocol>") -> ChairStandProtocol:
    return parse_with(_build, text, origin)


_TOP_KEYS = frozenset(
    {
        "id",
        "version",
        "source",
        "name",
        "test",
        "timing",
        "start",
        "visibility",
        "seated",
        "standing",
        "arms",
        "setup_steps",
        "tips",
    }
)


def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _build(data: Mapping[str, Any]) -> ChairStandProtocol:
    top = TableReader(data)
    top.only(_TOP_KEYS)
    test = top.section("test", _names(TestSettings))
    timing = top.section("timing", _names(StandTiming))
    start = top.section("start", _names(StartSettings))
    vis = top.section("visibility", _names(StandVisibility))
    seated = top.section("seated", _names(SeatedSettings))
    standing = top.section("standing", _names(StandingSettings))
    arms = top.section("arms", _names(ArmSettings))
    seated_settings = SeatedSettings(
        knee_max=seated.band("knee_max", 0, 180),
        hip_max=seated.band("hip_max", 0, 180),
        rise_max=seated.band("rise_max", -0.5, 1),
        thigh_min_forward=seated.band("thigh_min_forward", 0, 90),
    )
    standing_settings = StandingSettings(
        knee_min=standing.band("knee_min", 0, 180),
        hip_min=standing.band("hip_min", 0, 180),
    )
    _check_bands(seated_settings, standing_settings)
    arm_settings = ArmSettings(
        level_min=arms.band("level_min", -2, 2),
        level_max=arms.band("level_max", -2, 2),
        forward_min=arms.band("forward_min", -2, 2),
        forward_max=arms.band("forward_max", -2, 2),
        seat_level=arms.number("seat_level", 0.3, 2),
        leg_reach=arms.number("leg_reach", 0, 2),
    )
    _check_arm_bands(arm_settings)
    protocol = ChairStandProtocol(
        id=top.string("id"),
        version=top.integer("version", 1, 1000),
        source=top.string("source"),
        name=top.text("name"),
        test=TestSettings(
            duration_s=test.number("duration_s", 5, 600),
            halfway_fraction=test.number("halfway_fraction", 0.1, 0.95),
            min_stand_interval_s=test.number("min_stand_interval_s", 0, 5),
            partial_min_rise=test.number("partial_min_rise", 0.05, 0.95),
        ),
        timing=StandTiming(
            max_gap_s=timing.number("max_gap_s", 0, 10),
            fault_confirm_s=timing.number("fault_confirm_s", 0, 5),
            cue_repeat_s=timing.number("cue_repeat_s", 0, 120),
            cue_gap_s=timing.number("cue_gap_s", 0, 60),
            warn_before_end_s=timing.number("warn_before_end_s", 0, 600),
        ),
        start=StartSettings(
            still_s=start.number("still_s", 0, 10),
            still_max_rise=start.number("still_max_rise", 0, 1),
            still_max_angle=start.number("still_max_angle", 0, 90),
            ready_s=start.number("ready_s", 0, 10),
            countdown=start.integer("countdown", 0, 10),
        ),
        visibility=StandVisibility(
            min_leg=vis.number("min_leg", 0, 1),
            min_lower_body=vis.number("min_lower_body", 0, 1),
            min_wrist=vis.number("min_wrist", 0, 1),
            margin=vis.number("margin", 0, 0.5),
            max_shoulder_width=vis.number("max_shoulder_width", 0, 2),
            max_hip_width=vis.number("max_hip_width", 0, 2),
        ),
        seated=seated_settings,
        standing=standing_settings,
        arms=arm_settings,
        setup_steps=read_texts(data, "setup_steps"),
        tips=read_texts(data, "tips"),
    )
    if protocol.visibility.min_lower_body > protocol.visibility.min_leg:
        raise ProtocolError("visibility.min_lower_body must not exceed visibility.min_leg")
    if protocol.timing.warn_before_end_s >= protocol.test.duration_s:
        raise ProtocolError("timing.warn_before_end_s must be shorter than test.duration_s")
    return protocol


def _check_bands(seated: SeatedSettings, standing: StandingSettings) -> None:
    """Hysteresis must point the right way, and seated must lie clearly below standing.

    If the two states overlapped, one wobble could be both and count a stand that never was.
    """
    for name, band, looser_is_higher in (
        ("seated.knee_max", seated.knee_max, True),
        ("seated.hip_max", seated.hip_max, True),
        ("seated.rise_max", seated.rise_max, True),
        ("seated.thigh_min_forward", seated.thigh_min_forward, False),
        ("standing.knee_min", standing.knee_min, False),
        ("standing.hip_min", standing.hip_min, False),
    ):
        if (band.stay < band.enter) if looser_is_higher else (band.stay > band.enter):
            raise ProtocolError(
                f"{name}: the value to stay ({band.stay:g}) must be looser than the value "
                f"to enter ({band.enter:g})"
            )
    for joint in ("knee", "hip"):
        sit: Band = getattr(seated, f"{joint}_max")
        stand: Band = getattr(standing, f"{joint}_min")
        if sit.stay >= stand.stay:
            raise ProtocolError(
                f"seated.{joint}_max ({sit.stay:g} to stay) must lie below "
                f"standing.{joint}_min ({stand.stay:g} to stay)"
            )


def _check_arm_bands(arms: ArmSettings) -> None:
    """The crossed-arm region must be a real region, a little larger to stay in than to enter."""
    for name, band, looser_is_higher in (
        ("arms.level_min", arms.level_min, False),
        ("arms.level_max", arms.level_max, True),
        ("arms.forward_min", arms.forward_min, False),
        ("arms.forward_max", arms.forward_max, True),
    ):
        if (band.stay < band.enter) if looser_is_higher else (band.stay > band.enter):
            raise ProtocolError(
                f"{name}: the value to stay ({band.stay:g}) must be looser than the value "
                f"to enter ({band.enter:g})"
            )
    for low, high, what in (
        (arms.level_min, arms.level_max, "level"),
        (arms.forward_min, arms.forward_max, "forward"),
    ):
        if low.enter >= high.enter:
            raise ProtocolError(
                f"arms.{what}_min ({low.enter:g}) must lie below arms.{what}_max ({high.enter:g})"
            )
    if arms.seat_level <= arms.level_max.stay:
        raise ProtocolError(
            f"arms.seat_level ({arms.seat_level:g}) must lie below the crossed-arm region "
            f"(arms.level_max {arms.level_max.stay:g} to stay)"
        )
