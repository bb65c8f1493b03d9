"""A live guided session: socket messages in, engine, persistence, replies out.

Kept apart from the consumer so the socket layer stays a thin adapter and this logic can be
tested without a socket. See docs/live-protocol.md for the messages.

``handle`` touches no database: it runs on the server's event loop for every frame, 15 or more
times a second per person. The few writes (a finished set, the session's end) are queued and
run by ``flush_writes`` in a worker thread, before the replies that announce them are sent.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import translation

from coach.analyzer import FrameAnalyzer
from coach.assessment import Assessment, Side
from coach.cues import cue_text
from coach.events import Cue, Event, Phase, SetCompleted
from coach.framing import FramingMonitor, FramingUpdate
from coach.landmarks import InvalidFrame, frame_from_dict
from coach.protocol import Protocol
from coach.session import Session
from coach.timeline import InvalidTimeline, TimelineBuilder
from hipcoach.checkin.actions import do_report_rising_pain
from hipcoach.practice import actions
from hipcoach.practice.models import SessionMode, StretchSession

PROTOCOL_VERSION = 1


class LiveError(Exception):
    """A message we cannot act on; it goes back to the browser and the session carries on."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_message(self) -> dict[str, Any]:
        return {"type": "error", "code": self.code, "message": self.message}


class ClientClock:
    """Maps a browser's clock onto a session clock that never runs backwards.

    After a reconnect or a page reload the browser's clock may start again from zero; the
    session's continues from where it was, so the browser never needs to know.
    """

    def __init__(self, start_ms: float = 0.0) -> None:
        self.now_ms = start_ms
        self._offset: float | None = None
        self._last_client_ms = -math.inf

    def map(self, message: dict[str, Any], key: str = "timestamp_ms") -> float:
        value = message.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise LiveError("bad_message", f"{key} must be a number")
        client = float(value)
        if client <= self._last_client_ms:
            raise LiveError("bad_frame", f"{key} went backwards or repeated: {client:g}")
        if self._offset is None:
            self._offset = self.now_ms + 1.0 - client
        self._last_client_ms = client
        self.now_ms = client + self._offset
        return self.now_ms


class LiveSession:
    """One connection's view of a stored session; rebuilt from the database on reconnect."""

    def __init__(self, session: StretchSession) -> None:
        self.record = session
        self.protocol: Protocol = session.protocol()
        self.analyzer = FrameAnalyzer(self.protocol)
        self.clock = ClientClock(session.clock_ms)
        self._paused = False
        self._finished = not session.is_active
        self._writes: list[Callable[[], object]] = []
        self._after_writes: list[dict[str, Any]] = []
        self._sets_done = session.sets.filter(completed=True).count()
        # Each side's own set-up, as stored with its sets: a reconnect does not measure it again.
        self._baselines = {
            Side(side): value
            for side, value in session.sets.filter(baseline_rear_hip_extension__isnull=False)
            .order_by("finished_at", "id")
            .values_list("side", "baseline_rear_hip_extension")
            if value is not None
        }
        # The camera set-up check, judged on each frame while the session is in set-up.
        self.framing = FramingMonitor(self.protocol)
        self._framing: FramingUpdate | None = None
        self._had_hold = self._sets_done > 0
        self.engine = self._restore(timer_only=session.mode == SessionMode.TIMER)
        try:
            self.timeline = TimelineBuilder.from_dict(session.timeline)
        except InvalidTimeline:
            self.timeline = TimelineBuilder()  # damaged history: start a fresh one, keep going

    def _restore(self, *, timer_only: bool) -> Session:
        engine: Session | None = getattr(self, "engine", None)
        baselines = {**self._baselines, **(engine.baselines if engine is not None else {})}
        return Session.restored(
            self.protocol,
            first_side=self.record.first(),
            sets_done=self._sets_done,
            timer_only=timer_only,
            start_ms=self.clock.now_ms,
            baselines=baselines,
        )

    # -- messages ---------------------------------------------------------------------------

    def hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "version": PROTOCOL_VERSION,
            "session": self.record.pk,
            "language": self.record.language,
            "mode": self.record.mode,
            "protocol": {
                "id": self.protocol.id,
                "hold_s": self.protocol.hold_s,
                "sets_per_side": self.protocol.sets_per_side,
                "inhale_s": self.protocol.inhale_s,
                "exhale_s": self.protocol.exhale_s,
            },
            "sets": [
                {
                    "side": s.side,
                    "set": s.set_number,
                    "target_s": s.target_s,
                    "good_form_s": s.good_form_s,
                    "completed": s.completed,
                    "faults": s.faults,
                    "max_rear_hip_extension": s.max_rear_hip_extension,
                    "baseline_rear_hip_extension": s.baseline_rear_hip_extension,
                }
                for s in self.record.sets.all()
            ],
            "state": self._state(None),
        }

    def handle(self, message: object) -> list[dict[str, Any]]:
        if not isinstance(message, dict):
            raise LiveError("bad_message", "a message must be a JSON object")
        if self._finished:
            raise LiveError("finished", "this session has ended")
        kind = message.get("type")
        if kind == "frame":
            return self._frame(message)
        if kind == "tick":
            return self._advance(self.engine.tick(self._time(message)), None, echo=message)
        if kind == "mode":
            return self._mode(message)
        if kind in ("pause", "resume", "start_hold"):
            t = self._time(message)
            self._paused = kind == "pause"
            events = getattr(self.engine, kind)(t)
            return self._advance(events, None)
        if kind == "end":
            self._finish(completed=False)
            return [self._done()]
        if kind == "pain":
            # Pain that keeps rising stops the stretch and is a red flag for the clinic: it is
            # stored as a check-in, so the advice page explains and the next start asks again.
            self._finish(completed=False)
            self._writes.append(self._record_rising_pain)
            return []
        raise LiveError("bad_message", f"unknown message type {kind!r}")

    @property
    def has_writes(self) -> bool:
        return bool(self._writes)

    def flush_writes(self) -> None:
        """Run the queued database writes (call from a thread where the ORM may run)."""
        writes, self._writes = self._writes, []
        for write in writes:
            write()

    def close(self) -> None:
        """The connection dropped: the set in progress is lost, stored sets stay."""
        self.flush_writes()
        if not self._finished:
            type(self.record).objects.filter(pk=self.record.pk).update(clock_ms=self.clock.now_ms)

    def _record_rising_pain(self) -> None:
        checkin = do_report_rising_pain(self.record.patient)
        with translation.override(self.record.language):
            self._after_writes.append(
                {"type": "done", "summary_url": reverse("checkin:result", args=[checkin.pk])}
            )

    def take_late_replies(self) -> list[dict[str, Any]]:
        """Replies that needed the database writes first (e.g. the advice page's address)."""
        replies, self._after_writes = self._after_writes, []
        return replies

    def _finish(self, *, completed: bool) -> None:
        self._finished = True
        clock = self.clock.now_ms
        timeline = self.timeline
        timeline.finish(clock)
        self._writes.append(
            lambda: actions.do_finish_session(
                self.record, completed=completed, clock_ms=clock, timeline=timeline.to_dict()
            )
        )

    # -- internals --------------------------------------------------------------------------

    def _time(self, message: dict[str, Any], key: str = "timestamp_ms") -> float:
        return self.clock.map(message, key)

    def _frame(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        if self.engine.timer_only:
            raise LiveError("bad_message", "this session is in timer-only mode: send ticks")
        raw = message.get("frame")
        if raw is None:
            t = self._time(message)
            frame = None
            assessment = self.analyzer.assess(None, t)
        else:
            if not isinstance(raw, dict):
                raise LiveError("bad_frame", "frame must be a JSON object or null")
            try:
                frame = frame_from_dict(raw)
            except InvalidFrame as exc:
                raise LiveError("bad_frame", str(exc)) from None
            t = self._time(raw)
            frame = dataclasses.replace(frame, timestamp_ms=t)
            assessment = self.analyzer.assess(frame)
        self._framing = self.framing.update(frame, t) if self._in_setup() else None
        events = self.engine.feed(assessment)
        # The session's judgement: the pelvis rule measured from the person's own set-up.
        return self._advance(events, self.engine.judged or assessment, echo=message)

    def _in_setup(self) -> bool:
        """Before the first hold, with the camera: when the set-up panel is shown."""
        if self.engine.phase is Phase.HOLD:
            self._had_hold = True
        return (
            self.engine.phase is Phase.SETUP and not self._had_hold and not self.engine.timer_only
        )

    def _mode(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        mode = message.get("mode")
        if mode not in (SessionMode.CAMERA, SessionMode.TIMER):
            raise LiveError("bad_message", "mode must be camera or timer")
        if mode != self.record.mode:
            self.record.mode = mode
            self._writes.append(lambda: actions.do_set_mode(self.record, SessionMode(mode)))
            self.engine = self._restore(timer_only=mode == SessionMode.TIMER)
        return [{"type": "state", "state": self._state(None), "pose": None}]

    def _advance(
        self, events: list[Event], assessment: Assessment | None, echo: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = []
        if self.engine.phase is Phase.HOLD:
            self._had_hold = True
        self.timeline.follow(self.clock.now_ms, self.engine, assessment)
        first = self.engine.first_side
        if first is not None and self.record.first_side != first.value:
            self.record.first_side = first.value
            side = first.value
            self._writes.append(lambda: actions.do_set_first_side(self.record, side))
        for event in events:
            if isinstance(event, SetCompleted):
                record, clock = event.record, self.clock.now_ms
                self._sets_done += 1
                self._writes.append(
                    functools.partial(
                        actions.do_record_set,
                        self.record,
                        record,
                        clock_ms=clock,
                        form_checked=not self.engine.timer_only,
                        timeline=self.timeline.to_dict(),
                    )
                )
                saved = {**record.to_dict(), "form_checked": not self.engine.timer_only}
                replies.append({"type": "saved", "set": saved})
        state = {"type": "state", "state": self._state(assessment), "pose": self._pose(assessment)}
        if echo is not None:
            frame = echo.get("frame")
            echo_ms = (
                frame.get("timestamp_ms") if isinstance(frame, dict) else echo.get("timestamp_ms")
            )
            state["echo_ms"] = echo_ms
        replies.insert(0, state)
        if self.engine.done:
            self._finish(completed=True)
            replies.append(self._done())
        return replies

    def _state(self, assessment: Assessment | None) -> dict[str, Any]:
        snapshot = self.engine.state  # built afresh on each access: take it once
        state = snapshot.to_dict()
        state["paused"] = self._paused
        if assessment is not None:
            state["view"] = assessment.view.value
        cue = snapshot.cue
        if cue is not None:
            state["cue"] = {**cue.to_dict(), "text": cue_text(cue, self.record.language)}
        framing = self._framing if assessment is not None and state["phase"] == "setup" else None
        if framing is not None:
            state["framing"] = self._framing_state(framing)
            shown = framing.shown
            if shown is None or not shown.ok:
                # The camera is not set up yet: its cue, not "get into position", comes first.
                state.pop("cue", None)
        return state

    def _framing_state(self, update: FramingUpdate) -> dict[str, Any]:
        out: dict[str, Any] = {**update.now.to_dict(), "shown": None, "say": update.say}
        if update.shown is not None:
            code = update.shown.cue.value
            out["shown"] = {
                "ok": update.shown.ok,
                "cue": code,
                "text": cue_text(Cue(code), self.record.language),
            }
        return out

    def _pose(self, a: Assessment | None) -> dict[str, Any] | None:
        if a is None:
            return None
        landmarks: list[int] = []
        for fault in a.faults:
            rule = self.protocol.rule_for_fault(fault.code)
            if rule is not None and rule.measure in a.anchors:
                landmarks.append(a.anchors[rule.measure])
        return {
            "in_position": a.in_position,
            "side": a.side.value if a.in_position and a.side else None,
            "view": a.view.value,
            "angles": dict(a.angles),
            "faults": [f.code for f in a.faults],
            "fault_landmarks": landmarks,
        }

    def _done(self) -> dict[str, Any]:
        with translation.override(self.record.language):
            url = reverse("practice:summary", args=[self.record.pk])
        return {"type": "done", "summary_url": url}
