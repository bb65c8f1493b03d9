"""The person's own range: the pelvis shift judged from where they knelt, not from a fixed angle.

A person with hip osteoarthritis moves the pelvis forward gently, 5-10 degrees past vertical; a
physiotherapist's demonstration goes to 34-42. So the hold-starting rule (the protocol's
[own_range] ``rule``, pelvis forward) is judged against a baseline: the rear-hip extension
while the person kneels upright in position at the start of each side, the median of their
first ``baseline_s`` seconds there. The pelvis is forward once the extension is ``min_shift``
past that baseline, and stays forward until it falls ``hysteresis`` back below that line.

Until a side has a baseline (the first second and a half, or someone who kneels already
shifted past the absolute threshold, whose frames are not an upright set-up), the absolute rule
the analyzer applied stands: the conservative fallback, reported as ``basis = "absolute"``.

Pure and deterministic: time comes with each call.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from coach.assessment import Assessment, Fault, Side
from coach.protocol import OwnRange, Protocol, Rule

EXTENSION = "rear_hip_extension"
Basis = Literal["own", "absolute"]


@dataclass(frozen=True, slots=True)
class RangeReading:
    """What the live screen draws: the set-up, where the person is now, what they aim for."""

    basis: Basis
    baseline: float | None
    extension: float | None
    shift: float | None
    threshold: float
    target_shift: float
    min_shift: float
    forward: bool

    def to_dict(self) -> dict[str, Any]:
        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 1)

        return {
            "basis": self.basis,
            "baseline": r(self.baseline),
            "extension": r(self.extension),
            "shift": r(self.shift),
            "threshold": r(self.threshold),
            "target_shift": self.target_shift,
            "min_shift": self.min_shift,
            "forward": self.forward,
        }


class OwnRangeTracker:
    """Captures a baseline per side during set-up and re-judges the pelvis rule against it."""

    def __init__(
        self, settings: OwnRange, rule: Rule, baselines: Mapping[Side, float] | None = None
    ) -> None:
        self.settings = settings
        self.rule = rule
        self.baselines: dict[Side, float] = dict(baselines or {})
        self._samples: list[float] = []
        self._sample_ms = 0.0
        self._sample_side: Side | None = None
        self._forward = False
        self._extension: float | None = None
        self._judged_side: Side | None = None

    @classmethod
    def for_protocol(
        cls, protocol: Protocol, baselines: Mapping[Side, float] | None = None
    ) -> OwnRangeTracker | None:
        own = protocol.own_range
        if own is None:
            return None
        return cls(own, protocol.rule(own.rule), baselines)

    @property
    def absolute_threshold(self) -> float:
        """The fallback: the rule's own line, calibrated on deep demonstrations."""
        return self.rule.low

    def threshold(self, side: Side | None) -> float:
        baseline = self.baselines.get(side) if side is not None else None
        if baseline is None:
            return self.absolute_threshold
        return baseline + self.settings.min_shift

    def observe_setup(self, a: Assessment, dt_ms: float, side: Side | None) -> None:
        """A set-up frame: gather the side's baseline from upright kneeling in position."""
        extension = a.angles.get(EXTENSION)
        if (
            not a.in_position
            or a.side is None
            or (side is not None and a.side is not side)
            or extension is None
        ):
            self._reset_samples()
            return
        if a.side in self.baselines:
            return
        if a.side is not self._sample_side:
            self._reset_samples()
            self._sample_side = a.side
        if extension >= self.absolute_threshold:
            return  # already shifted: not an upright set-up, and the absolute rule applies
        if self._samples:
            self._sample_ms += dt_ms
        self._samples.append(float(extension))
        if self._sample_ms >= self.settings.baseline_s * 1000.0:
            self.baselines[a.side] = float(np.median(np.asarray(self._samples)))
            self._reset_samples()

    def judge(self, a: Assessment, side: Side | None) -> Assessment:
        """The assessment with the rule's fault decided from the side's baseline, if known."""
        extension = a.angles.get(EXTENSION)
        judged_side = a.side if a.side is not None else side
        self._extension = extension if a.in_position else None
        if judged_side is not None:
            self._judged_side = judged_side
        if not a.in_position or extension is None:
            self._forward = False
            return a
        baseline = self.baselines.get(judged_side) if judged_side is not None else None
        code = self.rule.fault_below
        if baseline is None:
            self._forward = not any(f.code == code for f in a.faults)
            return a
        line = baseline + self.settings.min_shift
        if self._forward:
            self._forward = extension >= line - self.settings.hysteresis
        else:
            self._forward = extension >= line
        kept = tuple(f for f in a.faults if f.code != code)
        if not self._forward and code is not None:
            target = baseline + self.settings.target_shift
            fault = Fault(code, round(extension, 1), round(target, 1), self.settings.target_shift)
            kept = (fault, *kept)
        return dataclasses.replace(a, faults=kept)

    def reading(self, side: Side | None) -> RangeReading:
        """The reading for ``side`` (before the first side is known: the side last seen)."""
        side = side if side is not None else self._judged_side
        baseline = self.baselines.get(side) if side is not None else None
        extension = self._extension
        shift = None if baseline is None or extension is None else extension - baseline
        return RangeReading(
            basis="absolute" if baseline is None else "own",
            baseline=baseline,
            extension=extension,
            shift=shift,
            threshold=self.threshold(side),
            target_shift=self.settings.target_shift,
            min_shift=self.settings.min_shift,
            forward=self._forward,
        )

    def _reset_samples(self) -> None:
        self._samples = []
        self._sample_ms = 0.0
        self._sample_side = None
