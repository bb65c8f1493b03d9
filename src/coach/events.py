"""What a session reports: cues to speak, holds and sets as they finish, phase changes."""

from __future__ import annotations

from collections.abc import Iterable
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


@dataclass(slots=True, kw_only=True)
class FormTally:
    """Good-form time, time per fault and the furthest rear-hip extension, over some stretch."""

    good_form_ms: float = 0.0
    fault_ms: dict[str, float] = field(default_factory=dict)
    max_rear_hip_extension: float | None = None

    def add(self, dt_ms: float, faults: Iterable[str], extension: float | None = None) -> None:
        """Credit ``dt_ms`` as good form when ``faults`` is empty, else to each fault."""
        codes = list(faults)
        if not codes:
            self.good_form_ms += dt_ms
        for code in codes:
            self.fault_ms[code] = self.fault_ms.get(code, 0.0) + dt_ms
        self.reach(extension)

    def reach(self, extension: float | None) -> None:
        if extension is not None and (
            self.max_rear_hip_extension is None or extension > self.max_rear_hip_extension
        ):
            self.max_rear_hip_extension = extension

    def absorb(self, other: FormTally) -> None:
        self.good_form_ms += other.good_form_ms
        for code, ms in other.fault_ms.items():
            self.fault_ms[code] = self.fault_ms.get(code, 0.0) + ms
        self.reach(other.max_rear_hip_extension)

    def tally_dict(self) -> dict[str, Any]:
        return {
            "good_form_s": round(self.good_form_ms / 1000.0, 2),
            "faults": {k: round(v / 1000.0, 2) for k, v in sorted(self.fault_ms.items())},
            "max_rear_hip_extension": self.max_rear_hip_extension,
        }


@dataclass(slots=True)
class HoldRecord(FormTally):
    """One continuous stretch, from the pelvis moving forward until the person leaves it."""

    side: Side
    set_number: int
    start_ms: float
    end_ms: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "side": self.side.value,
            "set": self.set_number,
            "start_s": round(self.start_ms / 1000.0, 2),
            "end_s": round(self.end_ms / 1000.0, 2),
            **self.tally_dict(),
        }


@dataclass(slots=True)
class SetRecord(FormTally):
    side: Side
    set_number: int
    target_s: float
    completed: bool = False
    # The side's set-up (the person's own range, coach.own_range); None on the absolute fallback.
    baseline_rear_hip_extension: float | None = None

    @property
    def reached_shift(self) -> float | None:
        """How far past their own set-up the person reached in this set, in degrees."""
        if self.baseline_rear_hip_extension is None or self.max_rear_hip_extension is None:
            return None
        return self.max_rear_hip_extension - self.baseline_rear_hip_extension

    def to_dict(self) -> dict[str, Any]:
        base = self.baseline_rear_hip_extension
        shift = self.reached_shift
        return {
            "side": self.side.value,
            "set": self.set_number,
            "target_s": self.target_s,
            "completed": self.completed,
            **self.tally_dict(),
            "baseline_rear_hip_extension": None if base is None else round(base, 1),
            "reached_shift": None if shift is None else round(shift, 1),
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
