"""The live session: the socket consumer with recorded real landmarks, drops and bad input."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from coach.landmarks import PoseFrame, frame_to_dict
from coach.timeline import parse_timeline
from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn
from hipcoach.live.routing import websocket_urlpatterns
from hipcoach.practice.actions import do_start_session
from hipcoach.practice.models import SessionStatus, SetResult, StretchSession

pytestmark = pytest.mark.django_db(transaction=True)


def mirrored(frame: PoseFrame | None) -> PoseFrame | None:
    if frame is None:
        return None
    lm = frame.landmarks.copy()
    lm[:, 0] = 1.0 - lm[:, 0]
    world = None
    if frame.world is not None:
        world = frame.world.copy()
        world[:, 0] = -world[:, 0]
    return PoseFrame.create(
        frame.timestamp_ms,
        lm,
        image_width=frame.image_width,
        image_height=frame.image_height,
        world=world,
    )


def messages(
    frames: list[PoseFrame | None], start_ms: float, step_ms: float = 1000 / 29.97
) -> Iterator[dict[str, Any]]:
    for n, frame in enumerate(frames):
        t = start_ms + n * step_ms
        if frame is None:
            yield {"type": "frame", "frame": None, "timestamp_ms": t}
        else:
            body = frame_to_dict(frame)
            body["timestamp_ms"] = t
            yield {"type": "frame", "frame": body}


class Socket:
    """A synchronous wrapper over Channels' test communicator, on one event loop of its own."""

    def __init__(self, user: User | None, session_id: int) -> None:
        self.loop = asyncio.new_event_loop()
        # The communicator starts the application on the current loop: make it ours.
        asyncio.set_event_loop(self.loop)
        self.comm = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/sessions/{session_id}/"
        )
        self.comm.scope["user"] = user if user is not None else AnonymousUser()

    def _run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def connect(self) -> tuple[bool, int | None]:
        return self._run(self.comm.connect(timeout=5))  # type: ignore[no-any-return]

    def send(self, message: Any) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self._run(self.comm.send_to(text_data=text))

    def receive(self) -> dict[str, Any]:
        return self._run(self.comm.receive_json_from(timeout=10))  # type: ignore[no-any-return]

    def exchange(self, message: Any) -> list[dict[str, Any]]:
        """Send one message and collect every reply to it (state first, then saved/done)."""
        self.send(message)
        replies = [self.receive()]
        while not self._run(self.comm.receive_nothing(timeout=0.02)):
            replies.append(self.receive())
        return replies

    def stream(self, messages: Iterable[Any]) -> list[dict[str, Any]]:
        """Send many messages; every one gets a state or an error, saved/done follow it."""
        replies: list[dict[str, Any]] = []
        for message in messages:
            self.send(message)
            while True:
                reply = self.receive()
                replies.append(reply)
                if reply["type"] in ("state", "error"):
                    break
        while not self._run(self.comm.receive_nothing(timeout=0.1)):
            replies.append(self.receive())
        return replies

    def close(self) -> None:
        """Disconnect (if still connected) and let every task of this loop finish."""
        with contextlib.suppress(Exception):
            self._run(self.comm.disconnect())
        pending = asyncio.all_tasks(self.loop)
        for task in pending:
            task.cancel()
        self._run(asyncio.gather(*pending, return_exceptions=True))
        self.loop.close()
        asyncio.set_event_loop(None)


def start(patient: User) -> StretchSession:
    program = patient.programs.first()
    assert program is not None
    return do_start_session(patient, program, language="en")


def test_a_whole_session_from_recorded_landmarks_left_then_mirrored_right(
    patient: User, kneeling_frames: list[PoseFrame | None]
) -> None:
    session = start(patient)  # hold 20 s, 1 set a side
    frames = kneeling_frames
    socket = Socket(patient, session.pk)
    assert socket.connect()[0]
    hello = socket.receive()
    assert hello["type"] == "hello"
    assert hello["protocol"]["hold_s"] == 20
    assert hello["state"]["phase"] == "setup"
    seen: list[dict[str, Any]] = []
    t = 0.0
    # One Cornell clip holds ~12 s of good form: the left side needs it twice, then the mirrored
    # clip (the other side) twice.
    for clip in (frames, frames, [mirrored(f) for f in frames], [mirrored(f) for f in frames]):
        seen.extend(socket.stream(messages(clip, t)))
        t += len(clip) * 1000 / 29.97 + 5000
        # Rest between sides is driven by ticks when nobody is in front of the camera.
        ticks = [{"type": "tick", "timestamp_ms": t + 500 * k} for k in range(4)]
        seen.extend(socket.stream(ticks))
        t += 2000
    socket.close()
    saved = [m for m in seen if m["type"] == "saved"]
    assert [(m["set"]["side"], m["set"]["completed"]) for m in saved] == [
        ("left", True),
        ("right", True),
    ]
    assert any(m["type"] == "done" for m in seen)
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    results = list(SetResult.objects.filter(session=session))
    assert [(r.side, r.good_form_s >= 20.0) for r in results] == [("left", True), ("right", True)]
    cues = [
        m["state"]["cue"]["code"] for m in seen if m["type"] == "state" and m["state"].get("cue")
    ]
    assert "hold_start" in cues
    assert "switch_side" in cues
    states = [m for m in seen if m["type"] == "state"]
    assert all(s["state"]["held_s"] <= s["state"]["target_s"] + 0.1 for s in states)
    # The stored timeline has the two holds, each on its own side, in time order.
    holds = [s for s in parse_timeline(session.timeline) if s.kind == "phase" and s.code == "hold"]
    assert [h.side.value if h.side else None for h in holds][:1] == ["left"]
    assert holds[-1].side is not None
    assert holds[-1].side.value == "right"
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(holds))


def test_a_dropped_connection_keeps_finished_sets_and_resumes_at_the_next(
    patient: User, kneeling_frames: list[PoseFrame | None]
) -> None:
    session = start(patient)
    frames = kneeling_frames
    socket = Socket(patient, session.pk)
    socket.connect()
    socket.receive()
    t = 0.0
    for clip in (frames, frames):
        socket.stream(messages(clip, t))
        t += len(clip) * 1000 / 29.97 + 5000
    socket.close()  # the left set finished; the connection drops mid-session
    assert SetResult.objects.filter(session=session, side="left").count() == 1
    session.refresh_from_db()
    stored = [s for s in parse_timeline(session.timeline) if s.code == "hold"]
    assert stored
    assert all(s.side is not None and s.side.value == "left" for s in stored)

    again = Socket(patient, session.pk)
    again.connect()
    hello = again.receive()
    assert [s["side"] for s in hello["sets"]] == ["left"]
    assert hello["state"]["phase"] == "switch_side"
    assert hello["state"]["side"] == "right"
    # A reloaded page's clock starts again at zero: the server maps it onto its own.
    replies = again.exchange(next(messages([mirrored(frames[300])], 0.0)))
    assert replies[0]["type"] == "state"
    again.close()


def test_bad_messages_get_errors_and_the_session_goes_on(
    patient: User, kneeling_frames: list[PoseFrame | None]
) -> None:
    session = start(patient)
    socket = Socket(patient, session.pk)
    socket.connect()
    socket.receive()
    frame = kneeling_frames[300]
    good = next(messages([frame], 1000.0))
    cases: list[tuple[Any, str]] = [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_message"),
        ({"type": "dance"}, "bad_message"),
        ({"type": "tick"}, "bad_message"),
        ({"type": "frame", "frame": {"timestamp_ms": 5, "landmarks": []}}, "bad_frame"),
        (
            {"type": "frame", "frame": {**good["frame"], "landmarks": [[0.5, 0.5, 0, 1]] * 32}},
            "bad_frame",
        ),
        ({"type": "frame", "frame": {**good["frame"], "image_width": "wide"}}, "bad_frame"),
        ({"type": "frame", "frame": "nope"}, "bad_frame"),
        ({"type": "mode", "mode": "rocket"}, "bad_message"),
        ("x" * 70_000, "too_large"),
    ]
    for message, code in cases:
        [reply] = socket.exchange(message)
        assert reply["type"] == "error", message
        assert reply["code"] == code, (message, reply)
    with_nan = json.loads(json.dumps(good))
    with_nan["frame"]["landmarks"][25][1] = float("nan")
    [reply] = socket.exchange(json.dumps(with_nan))  # Python writes the NaN token
    assert reply["code"] == "bad_frame"
    assert "NaN" in reply["message"]
    [state] = socket.exchange(good)
    assert state["type"] == "state"
    [late] = socket.exchange(good)  # the same timestamp again
    assert late["code"] == "bad_frame"
    assert "backwards" in late["message"]
    socket.close()


def test_strangers_and_anonymous_users_are_refused(patient: User, other_patient: User) -> None:
    session = start(patient)
    for user, expected in ((other_patient, 4403), (None, 4401)):
        socket = Socket(user, session.pk)
        connected, code = socket.connect()
        socket.close()
        assert not connected
        assert code == expected


def test_timer_only_mode_runs_a_session_without_a_camera(patient: User) -> None:
    session = start(patient)
    socket = Socket(patient, session.pk)
    socket.connect()
    socket.receive()
    [state] = socket.exchange({"type": "mode", "mode": "timer"})
    assert state["state"]["timer_only"] is True
    seen: list[dict[str, Any]] = []
    t = 1.0
    seen += socket.exchange({"type": "start_hold", "timestamp_ms": t})
    while not any(m["type"] == "done" for m in seen) and t < 200_000:
        t += 250
        seen += socket.exchange({"type": "tick", "timestamp_ms": t})
    assert any(m["type"] == "done" for m in seen)
    session.refresh_from_db()
    assert session.mode == "timer"
    assert session.status == SessionStatus.COMPLETED
    results = SetResult.objects.filter(session=session)
    assert results.count() == 2
    # Nothing checked the form: the time is stored, but never called good form.
    assert not any(r.form_checked for r in results)
    assert session.good_form_s() == 0.0
    client = Client()
    client.force_login(patient)
    summary = client.get(f"/en/sessions/{session.pk}/").content.decode()
    assert "Timer only: form not checked" in summary
    assert "Good form throughout" not in summary
    [finished] = socket.exchange({"type": "tick", "timestamp_ms": t + 1000})
    assert finished["code"] == "finished"
    socket.close()


def test_rising_pain_stops_at_once_and_becomes_a_red_flag(patient: User) -> None:
    session = start(patient)
    socket = Socket(patient, session.pk)
    socket.connect()
    socket.receive()
    [done] = socket.exchange({"type": "pain"})
    socket.close()
    assert done["type"] == "done"
    checkin = CheckIn.objects.get(patient=patient)
    assert done["summary_url"] == f"/en/check-in/{checkin.pk}/"
    assert checkin.outcome == "stop"
    assert checkin.flags == ["pain_kept_rising"]
    assert checkin.pain_now is None
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED_EARLY
    client = Client()
    client.force_login(patient)
    page = client.get(done["summary_url"]).content.decode()
    assert "Your pain kept rising" in page
    # A stop the clinician must clear: neither a new start nor a new check-in gets past it.
    assert checkin.raised_stops.get().level == "see_care"
    assert client.post("/en/sessions/start/")["Location"] == "/en/"
    assert client.get("/en/check-in/")["Location"] == "/en/"


def test_set_up_states_carry_the_camera_framing_and_the_cornell_clip_is_well_framed(
    patient: User, kneeling_frames: list[PoseFrame | None]
) -> None:
    session = start(patient)
    socket = Socket(patient, session.pk)
    socket.connect()
    assert "framing" not in socket.receive()["state"]  # hello: no frame seen yet
    seen = socket.stream(messages(kneeling_frames, 0.0))
    socket.close()
    states = [m["state"] for m in seen if m["type"] == "state"]
    setup = [s for s in states if s["phase"] == "setup"]
    assert setup
    assert all("framing" in s for s in setup)
    # Never outside set-up, and never again once the first hold has begun.
    first_hold = next(n for n, s in enumerate(states) if s["phase"] == "hold")
    assert all("framing" not in s for s in states[first_hold:])
    framings = [s["framing"] for s in setup]
    # The recorded clip is filmed as the page advises: every frame is well framed...
    assert all(f["ok"] for f in framings), {f["cue"] for f in framings}
    assert framings[0]["whole_body"]
    assert framings[0]["camera"] == "ok"
    assert 0.9 < framings[0]["camera_height"] < 1.1
    assert 0.35 < framings[0]["leg"] < 0.45
    # ...shown once it has held for a second, and said once.
    assert framings[0]["shown"] is None
    shown = [f["shown"] for f in framings if f["shown"]]
    assert shown
    assert all(s == {"ok": True, "cue": "framing_ok", "text": shown[0]["text"]} for s in shown)
    assert shown[0]["text"] == "The camera is set up well. You can begin."
    assert sum(f["say"] for f in framings) == 1


def test_framing_says_what_to_change_in_japanese_when_nobody_is_there(patient: User) -> None:
    program = patient.programs.first()
    assert program is not None
    session = do_start_session(patient, program, language="ja")
    socket = Socket(patient, session.pk)
    socket.connect()
    socket.receive()
    nobody = [{"type": "frame", "frame": None, "timestamp_ms": 100.0 * k} for k in range(1, 15)]
    seen = socket.stream(nobody)
    socket.close()
    framings = [m["state"]["framing"] for m in seen if m["type"] == "state"]
    assert framings[-1]["person"] is False
    assert framings[-1]["shown"]["cue"] == "framing_no_person"
    assert framings[-1]["shown"]["text"].startswith("スマートフォンから")
    assert sum(f["say"] for f in framings) == 1
    # While the camera is not set up, its cue replaces the session's set-up cues.
    assert all("cue" not in m["state"] for m in seen if m["type"] == "state")
