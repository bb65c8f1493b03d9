"""Stops and the gate as the pages show them: what was reported, the advice, the state.

Shared by the patient's home page, the clinician's home and the patient page, so each shows
the same words for the same stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from hipcoach.checkin.gate import Gate, Reason
from hipcoach.checkin.models import Stop, StopState
from hipcoach.checkin.signs import advice, stop_signs


@dataclass(frozen=True)
class StopRow:
    stop: Stop
    state: StopState
    signs: list[str]
    advice: list[str]
    notes: list[object] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.state is StopState.NEW

    @property
    def in_force(self) -> bool:
        return self.state in (StopState.NEW, StopState.ACKNOWLEDGED)


def stop_rows(stops: list[Stop], language: str, now: datetime | None = None) -> list[StopRow]:
    now = now or timezone.now()
    return [
        StopRow(
            stop=s,
            state=s.state(now),
            signs=stop_signs(s),
            advice=advice(list(s.flags), language),
        )
        for s in stops
    ]


@dataclass(frozen=True)
class GateView:
    """The home page's answer to "may I stretch today?"."""

    reason: str
    level: str = ""
    advice: list[str] = field(default_factory=list)
    since: datetime | None = None

    @property
    def stopped(self) -> bool:
        return self.reason == Reason.STOPPED.value

    @property
    def emergency(self) -> bool:
        return self.level == "emergency"


def gate_view(gate: Gate, language: str) -> GateView:
    if gate.reason is Reason.STOPPED:
        first = gate.stops[0]
        rule_ids = [i for s in gate.stops for i in s.flags]
        return GateView(
            reason=gate.reason.value,
            level=first.level,
            advice=list(dict.fromkeys(advice(rule_ids, language))),
            since=min(s.created_at for s in gate.stops),
        )
    if gate.reason is Reason.ASK_SURGEON:
        return GateView(
            reason=gate.reason.value,
            advice=advice(["hip_replacement_without_clearance"], language),
        )
    return GateView(reason=gate.reason.value)
