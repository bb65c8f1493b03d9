"""The 30-second chair-stand test, live: landmarks in over the socket, the count out.

The same pattern as the stretch session (practice/live.py): no database work per frame; the
result is written once, when the test ends, and announced after it is stored. The engine says
"Ready", 3, 2, 1, "Go" and keeps the clock (docs/live-protocol.md, "The chair-stand socket").

A test is stored when its 30 seconds were watched, or earlier when the hands were used to
stand: STEADI stops such a test and records 0, and the full stands go to the clinician.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.urls import reverse
from django.utils import translation

from coach.chair_stand import ChairStandCounter, StandState, chair_stand_cue_text
from coach.landmarks import InvalidFrame, frame_from_dict
from hipcoach.accounts.models import User
from hipcoach.practice.live import ClientClock, LiveError
from hipcoach.progress.actions import do_record_chair_stand
from hipcoach.progress.models import ChairStandMethod


class LiveChairStand:
    def __init__(self, patient: User, language: str) -> None:
        self.patient = patient
        self.language = language
        self.counter = ChairStandCounter()
        self.clock = ClientClock()
        self._finished = False
        self._pending: tuple[int, bool] | None = None  # full stands, hands used
        self._announced = False

    @property
    def label(self) -> str:
        return f"chair stand of {self.patient.pk}"

    def hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "test": "chair_stand_30s",
            "duration_s": self.counter.protocol.test.duration_s,
            "language": self.language,
        }

    def handle(self, message: object) -> list[dict[str, Any]]:
        if not isinstance(message, dict):
            raise LiveError("bad_message", "a message must be a JSON object")
        if self._finished:
            raise LiveError("finished", "this test has ended")
        kind = message.get("type")
        if kind == "frame":
            raw = message.get("frame")
            if raw is None:
                update = self.counter.update(None, self.clock.map(message))
            elif isinstance(raw, dict):
                try:
                    frame = frame_from_dict(raw)
                except InvalidFrame as exc:
                    raise LiveError("bad_frame", str(exc)) from None
                t = self.clock.map(raw)
                update = self.counter.update(dataclasses.replace(frame, timestamp_ms=t))
            else:
                raise LiveError("bad_frame", "frame must be a JSON object or null")
            state = update.to_dict()
            cue = update.cues[-1] if update.cues else None
            state["cue"] = (
                {"code": cue.code, "text": chair_stand_cue_text(cue, self.language)}
                if cue
                else None
            )
            echo = message.get("timestamp_ms") if raw is None else raw.get("timestamp_ms")
            reply: dict[str, Any] = {"type": "state", "state": state, "echo_ms": echo}
            if update.state is StandState.DONE:
                return [reply, *self._end()]
            return [reply]
        if kind == "finish":
            self.counter.finish(self.clock.now_ms)
            return self._end()
        raise LiveError("bad_message", f"unknown message type {kind!r}")

    def _end(self) -> list[dict[str, Any]]:
        self._finished = True
        report = self.counter.report()
        keep = report.time_elapsed or report.hands_used
        self._pending = (report.count, report.hands_used) if keep else None
        return [{"type": "result", "report": report.to_dict(), "saved": keep}]

    @property
    def has_writes(self) -> bool:
        return self._pending is not None

    def flush_writes(self) -> None:
        if self._pending is not None:
            count, used_hands = self._pending
            do_record_chair_stand(
                self.patient, count, ChairStandMethod.CAMERA, used_hands=used_hands
            )
            self._pending = None

    def take_late_replies(self) -> list[dict[str, Any]]:
        """After the result is stored: where to go next."""
        if not self._finished or self._announced:
            return []
        self._announced = True
        with translation.override(self.language):
            return [{"type": "done", "summary_url": reverse("progress:index")}]

    def close(self) -> None:
        self.flush_writes()
