"""A session's timeline: when each phase ran and when each form fault showed, as spans.

Live sessions and recorded videos fold their frames through the same builder, so a clinician
reads one timeline format wherever the stretch was judged. Faults are kept only inside holds,
where they cost good-form time; outside them the person is still moving into position.
Short gaps in a fault (a frame or two the rule let go) join the span either side of them, so
a wobble on a hysteresis edge reads as one episode, not a stutter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from coach.assessment import Assessment, Side
from coach.events import Phase
from coach.session import Session

TIMELINE_VERSION = 1
SpanKind = Literal["phase", "fault"]
# A fault that stops for less than this and comes back is one episode.
JOIN_GAP_MS = 500.0
# No form is judged while resting, paused or done.
_NO_FAULTS = frozenset({Phase.REST, Phase.PAUSED, Phase.DONE})
# A bound on what one session stores: about an hour of one-second flicker.
MAX_SPANS = 4000


class InvalidTimeline(ValueError):
    """Stored timeline data that does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class Span:
    kind: SpanKind
    code: str
    side: Side | None
    set_number: int
    start_ms: float
    end_ms: float

    @property
    def duration_ms(self) -> float:
        return self.end_ms - self.start_ms

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "code": self.code,
            "side": self.side.value if self.side else None,
            "set": self.set_number,
            "start_s": round(self.start_ms / 1000.0, 2),
            "end_s": round(self.end_ms / 1000.0, 2),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Span:
        try:
            kind = data["kind"]
            if kind not in ("phase", "fault"):
                raise InvalidTimeline(f"unknown span kind {kind!r}")
            side = data.get("side")
            start_ms = float(data["start_s"]) * 1000.0
            end_ms = float(data["end_s"]) * 1000.0
            span = cls(
                kind=kind,
                code=str(data["code"]),
                side=Side(side) if side is not None else None,
                set_number=int(data["set"]),
                start_ms=start_ms,
                end_ms=end_ms,
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, InvalidTimeline):
                raise
            raise InvalidTimeline(f"bad span {data!r}: {exc}") from None
        if span.end_ms < span.start_ms:
            raise InvalidTimeline(f"span ends before it starts: {data!r}")
        return span


@dataclass(slots=True)
class _Open:
    kind: SpanKind
    code: str
    side: Side | None
    set_number: int
    start_ms: float
    last_ms: float

    def closed(self, end_ms: float) -> Span:
        return Span(self.kind, self.code, self.side, self.set_number, self.start_ms, end_ms)


class TimelineBuilder:
    """Folds (time, phase, side, set, faults) samples, in time order, into spans."""

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._spans: list[Span] = list(spans)
        self._phase: _Open | None = None
        self._faults: dict[str, _Open] = {}
        self._last_ms: float | None = None
        self.truncated = False

    def add(
        self,
        t_ms: float,
        phase: Phase,
        side: Side | None,
        set_number: int,
        faults: Iterable[str] = (),
        *,
        phase_since_ms: float | None = None,
    ) -> None:
        """One sample. ``phase_since_ms`` back-dates a phase that began before it was known."""
        if self._last_ms is not None and t_ms < self._last_ms:
            return  # out of order: the engine's own clock never runs back
        self._last_ms = t_ms
        key = (phase.value, side, set_number)
        current = self._phase
        if current is None or (current.code, current.side, current.set_number) != key:
            start = t_ms if phase_since_ms is None else min(phase_since_ms, t_ms)
            if current is not None:
                start = max(start, current.start_ms)
                self._emit(current.closed(start))
            if phase in _NO_FAULTS:
                self._close_faults(t_ms, force=True)
            self._phase = _Open("phase", phase.value, side, set_number, start, t_ms)
        else:
            current.last_ms = t_ms
        active = set() if phase in _NO_FAULTS else set(faults)
        for code in active:
            episode = self._faults.get(code)
            if episode is None:
                self._faults[code] = _Open("fault", code, side, set_number, t_ms, t_ms)
            else:
                episode.last_ms = t_ms
        self._close_faults(t_ms, force=False, keep=active)

    def follow(self, t_ms: float, session: Session, assessment: Assessment | None) -> None:
        """Sample a session just after it took a frame (or a tick): live and recordings alike."""
        self.add(
            t_ms,
            session.phase,
            session.expected_side,
            session.set_number,
            [f.code for f in assessment.faults] if assessment is not None else (),
            phase_since_ms=session.phase_since_ms,
        )

    def spans(self) -> list[Span]:
        """Every span so far, in start order; faults only where they overlap a hold.

        Faults are followed through set-up too, because a hold is dated back to the start of
        its settling: what the person did then belongs to the hold.
        """
        spans = list(self._spans)
        if self._phase is not None:
            spans.append(self._phase.closed(self._phase.last_ms))
        spans.extend(f.closed(f.last_ms) for f in self._faults.values())
        holds = [s for s in spans if s.kind == "phase" and s.code == Phase.HOLD.value]
        kept = [s for s in spans if s.kind == "phase"]
        for fault in (s for s in spans if s.kind == "fault"):
            for hold in holds:
                start = max(fault.start_ms, hold.start_ms)
                end = min(fault.end_ms, hold.end_ms)
                if end > start:
                    kept.append(
                        dataclasses.replace(
                            fault,
                            start_ms=start,
                            end_ms=end,
                            side=hold.side,
                            set_number=hold.set_number,
                        )
                    )
        return sorted(kept, key=lambda s: (s.start_ms, s.kind != "phase", s.code))

    def finish(self, t_ms: float | None = None) -> list[Span]:
        end = t_ms if t_ms is not None else self._last_ms
        if end is not None:
            if self._phase is not None:
                self._emit(self._phase.closed(max(end, self._phase.start_ms)))
                self._phase = None
            self._close_faults(end, force=True)
        return self.spans()

    def to_dict(self) -> dict[str, Any]:
        return timeline_dict(self.spans(), truncated=self.truncated)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> TimelineBuilder:
        """Carry on a stored timeline (a reconnect); spans still open when stored stay closed."""
        builder = cls(parse_timeline(data))
        builder.truncated = bool((data or {}).get("truncated", False))
        return builder

    def _close_faults(self, t_ms: float, *, force: bool, keep: set[str] | None = None) -> None:
        for code in list(self._faults):
            if keep is not None and code in keep:
                continue
            episode = self._faults[code]
            if force or t_ms - episode.last_ms > JOIN_GAP_MS:
                self._emit(episode.closed(episode.last_ms))
                del self._faults[code]

    def _emit(self, span: Span) -> None:
        if span.kind == "fault" and span.duration_ms <= 0.0:
            return  # a fault seen on one frame only has no measurable length
        if len(self._spans) >= MAX_SPANS:
            self.truncated = True
            return
        self._spans.append(span)


def timeline_dict(spans: Iterable[Span], *, truncated: bool = False) -> dict[str, Any]:
    """The stored and documented form: ``{"version", "spans": [...], "truncated"}``."""
    return {
        "version": TIMELINE_VERSION,
        "spans": [s.to_dict() for s in spans],
        "truncated": truncated,
    }


def parse_timeline(data: Mapping[str, Any] | None) -> list[Span]:
    if not data:
        return []
    if data.get("version") != TIMELINE_VERSION:
        raise InvalidTimeline(f"unknown timeline version {data.get('version')!r}")
    raw = data.get("spans")
    if not isinstance(raw, list):
        raise InvalidTimeline("spans must be a list")
    return [Span.from_dict(item) for item in raw]
