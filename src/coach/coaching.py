"""The engine's front door: frames in, assessments, events and reports out.

``Coach`` pairs one analyzer with one session for a live person; ``analyze_sequence`` runs a
whole recording through the same pair, so a video and a live session are judged alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from coach.analyzer import FrameAnalyzer
from coach.assessment import Assessment
from coach.events import Event, HoldRecord, SetRecord
from coach.landmarks import PoseFrame
from coach.protocol import Protocol
from coach.session import Session, SessionState
from coach.timeline import Span, TimelineBuilder


class Coach:
    def __init__(self, protocol: Protocol, *, start_ms: float = 0.0) -> None:
        self.protocol = protocol
        self.analyzer = FrameAnalyzer(protocol)
        self.session = Session(protocol, start_ms=start_ms)

    def start(self) -> list[Event]:
        return self.session.start()

    def feed(
        self, frame: PoseFrame | None, timestamp_ms: float | None = None
    ) -> tuple[Assessment, list[Event]]:
        assessment = self.analyzer.assess(frame, timestamp_ms)
        events = self.session.feed(assessment)
        # The session re-judges the pelvis rule from the person's own set-up (coach.own_range).
        return self.session.judged or assessment, events

    @property
    def state(self) -> SessionState:
        return self.session.state


@dataclass(slots=True)
class SequenceReport:
    """A recording, judged: the holds, the sets, and how long each fault lasted."""

    frames: int
    frames_with_person: int
    duration_s: float
    holds: list[HoldRecord]
    sets: list[SetRecord]
    fault_s: dict[str, float]
    in_position_s: float
    good_form_s: float
    completed: bool
    sets_done: int
    sets_total: int
    events: list[Event] = field(default_factory=list)
    # The same timeline a live session stores (coach.timeline), for the same judgement.
    timeline: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "frames": self.frames,
            "frames_with_person": self.frames_with_person,
            "duration_s": round(self.duration_s, 2),
            "in_position_s": round(self.in_position_s, 2),
            "good_form_s": round(self.good_form_s, 2),
            "holds": [h.to_dict() for h in self.holds],
            "sets": [s.to_dict() for s in self.sets],
            "faults": {k: round(v, 2) for k, v in sorted(self.fault_s.items())},
            "protocol_completed": self.completed,
            "sets_done": self.sets_done,
            "sets_total": self.sets_total,
        }


def analyze_sequence(
    frames: Iterable[tuple[float, PoseFrame | None]],
    protocol: Protocol,
    *,
    on_frame: Callable[[Assessment, SessionState], None] | None = None,
) -> SequenceReport:
    """Judge a recording: (timestamp_ms, frame or None) pairs in time order.

    ``on_frame`` sees each judgement as it is made, e.g. to draw it onto the video.
    """
    coach = Coach(protocol)
    events = coach.start()
    count = seen = 0
    first_ms: float | None = None
    last_ms = 0.0
    previous: Assessment | None = None
    fault_ms: dict[str, float] = {}
    in_position_ms = 0.0
    timeline = TimelineBuilder()
    for timestamp_ms, frame in frames:
        count += 1
        seen += frame is not None
        assessment, new = coach.feed(frame, timestamp_ms)
        events.extend(new)
        timeline.follow(assessment.timestamp_ms, coach.session, assessment)
        if on_frame is not None:
            on_frame(assessment, coach.state)
        if first_ms is None:
            first_ms = assessment.timestamp_ms
        if previous is not None:
            dt = assessment.timestamp_ms - previous.timestamp_ms
            if previous.in_position:
                in_position_ms += dt
                for fault in previous.faults:
                    fault_ms[fault.code] = fault_ms.get(fault.code, 0.0) + dt
        previous = assessment
        last_ms = assessment.timestamp_ms
    events.extend(coach.session.finish(last_ms))
    session = coach.session
    timeline.follow(last_ms, session, None)
    state = session.state
    return SequenceReport(
        frames=count,
        frames_with_person=seen,
        duration_s=(last_ms - (first_ms or 0.0)) / 1000.0,
        holds=session.holds,
        sets=session.sets,
        fault_s={k: v / 1000.0 for k, v in fault_ms.items()},
        in_position_s=in_position_ms / 1000.0,
        good_form_s=sum(h.good_form_ms for h in session.holds) / 1000.0,
        completed=session.done,
        sets_done=state.sets_done,
        sets_total=state.sets_total,
        events=events,
        timeline=timeline.finish(last_ms),
    )
