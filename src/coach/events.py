"""What a session reports: cues to speak, holds and sets as they finish, phase changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from coach.assessment import Side


class Phase(StrEnum):
    SETUP = "setup"  # getting into position for the next set
    HOLD = "hold"  # in the stretch: good-form time counts toward the target
    REST = "rest"  # between sets, a countdown
    SWITCH_SIDE = "switch_side"  # set-up for the other side
    PAUSED = "paused"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Cue:
    """A coaching message by id; text lives in data/cues.toml (English and Japanese)."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}


@dataclass(slots=True)
class HoldRecord:
    """One continuous stretch, from the pelvis moving forward until the person leaves it."""

    side: Side
    set_number: int
    start_ms: float
    end_ms: float
    good_form_ms: float = 0.0
    fault_ms: dict[str, float] = field(default_factory=dict)
    max_rear_hip_extension: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side.value,
            "set": self.set_number,
            "start_s": round(self.start_ms / 1000.0, 2),
            "end_s": round(self.end_ms / 1000.0, 2),
            "good_form_s": round(self.good_form_ms / 1000.0, 2),
            "faults": {k: round(v / 1000.0, 2) for k, v in sorted(self.fault_ms.items())},
            "max_rear_hip_extension": self.max_rear_hip_extension,
        }


@dataclass(slots=True)
class SetRecord:
    side: Side
    set_number: int
    target_s: float
    good_form_ms: float = 0.0
    completed: bool = False
    fault_ms: dict[str, float] = field(default_factory=dict)
    max_rear_hip_extension: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side.value,
            "set": self.set_number,
            "target_s": self.target_s,
            "good_form_s": round(self.good_form_ms / 1000.0, 2),
            "completed": self.completed,
            "faults": {k: round(v / 1000.0, 2) for k, v in sorted(self.fault_ms.items())},
            "max_rear_hip_extension": self.max_rear_hip_extension,
        }


@dataclass(frozen=True, slots=True)
class PhaseChanged:
    phase: Phase
    side: Side | None
    set_number: int


@dataclass(frozen=True, slots=True)
class HoldEnded:
    hold: HoldRecord


@dataclass(frozen=True, slots=True)
class SetCompleted:
    record: SetRecord


Event = PhaseChanged | HoldEnded | SetCompleted | Cue
