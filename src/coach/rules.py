"""Form rules with hysteresis: a fault switches on beyond its band and off only well inside it.

Without the dead band, someone holding still right at a threshold would see a fault flicker on
and off with every pixel of jitter, and be nagged for it.
"""

from __future__ import annotations

from coach.assessment import Fault
from coach.geometry import Measures
from coach.protocol import Rule


def _measured(m: Measures, name: str) -> float:
    value: float = getattr(m, name)
    return value


class FormRules:
    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._active: set[str] = set()

    def reset(self) -> None:
        self._active.clear()

    def check(self, m: Measures) -> tuple[Fault, ...]:
        faults: list[Fault] = []
        for rule in self.rules:
            value = _measured(m, rule.measure)
            for code, outside in (
                (rule.fault_below, rule.low - value),
                (rule.fault_above, value - rule.high),
            ):
                if code is None:
                    continue
                active = code in self._active
                on = outside > -rule.hysteresis if active else outside > 0.0
                if on:
                    self._active.add(code)
                    tolerance = rule.below if code == rule.fault_below else rule.above
                    faults.append(Fault(code, round(value, 1), rule.target, tolerance))
                else:
                    self._active.discard(code)
        return tuple(faults)
