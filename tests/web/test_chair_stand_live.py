"""The chair-stand test over the live socket, with landmarks recorded from real clips.

``frailtyvision_chair_stand_5x``: five full stands, arms crossed (../shared/data/poses/SOURCES.md).
``frailtyvision_tug``: one stand with the hands on the knees while seated and rising, then a walk
(the frames show the hands on the knees; the landmarks are the MediaPipe full model's, exported
with ``hipcoach landmarks``). Both start seated; the tests hold that first frame still for a few
seconds before the clip, as a person waiting for "Go" does.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from coach.landmarks import PoseFrame, frame_to_dict
from hipcoach.accounts.models import Role, User
from hipcoach.checkin.actions import do_check_in
from hipcoach.checkin.screening import Answers
from hipcoach.live.routing import websocket_urlpatterns
from hipcoach.progress.models import ChairStandResult
from pose import landmark_file

pytestmark = pytest.mark.django_db(transaction=True)
FRAMES = Path(__file__).resolve().parents[1] / "fixtures/frames"
FIVE = FRAMES / "frailtyvision_chair_stand_5x.jsonl"
TUG = FRAMES / "frailtyvision_tug.jsonl"
STEP_MS = 1000.0 / 30.0


def run(
    user: User, messages: list[Any], path: str = "/ws/chair-stand/"
) -> tuple[bool, list[dict[str, Any]]]:
    async def scenario() -> tuple[bool, list[dict[str, Any]]]:
        comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
        comm.scope["user"] = user
        connected, _ = await comm.connect(timeout=5)
        replies: list[dict[str, Any]] = []
        if connected:
            replies.append(await comm.receive_json_from(timeout=5))
            for message in messages:
                await comm.send_to(text_data=json.dumps(message))
                while True:
                    reply = await comm.receive_json_from(timeout=10)
                    replies.append(reply)
                    if reply["type"] in ("state", "error", "result"):
                        break
            # receive_nothing waits without cancelling the application (a timed-out receive would).
            while not await comm.receive_nothing(timeout=0.3):
                replies.append(await comm.receive_json_from(timeout=5))
            await comm.disconnect()
        return connected, replies

    return asyncio.run(scenario())


def clip(path: Path, start_ms: float = 0.0) -> list[tuple[float, PoseFrame | None]]:
    return [
        (t + start_ms, dataclasses.replace(f, timestamp_ms=t + start_ms) if f else None)
        for t, f in landmark_file.read(path).frames
    ]


def still(path: Path, seconds: float, start_ms: float = 0.0) -> list[tuple[float, PoseFrame]]:
    """The clip's first frame, held for ``seconds``: someone sitting still."""
    first = next(f for _, f in landmark_file.read(path).frames if f is not None)
    times = [start_ms + k * STEP_MS for k in range(int(seconds * 1000.0 / STEP_MS))]
    return [(t, dataclasses.replace(first, timestamp_ms=t)) for t in times]


def messages(pairs: list[tuple[float, PoseFrame | None]]) -> list[dict[str, Any]]:
    return [
        {"type": "frame", "frame": frame_to_dict(f)}
        if f
        else {"type": "frame", "frame": None, "timestamp_ms": t}
        for t, f in pairs
    ]


def nobody(after_ms: float, seconds: float) -> list[dict[str, Any]]:
    return [
        {"type": "frame", "frame": None, "timestamp_ms": after_ms + 500 * k}
        for k in range(1, int(seconds * 2) + 1)
    ]


def states(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r["state"] for r in replies if r["type"] == "state"]


def cues(replies: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(s["cue"]["code"], s["cue"]["text"]) for s in states(replies) if s["cue"]]


@pytest.fixture
def patient(db: None) -> User:
    """A patient who checked in today: the test needs it (docs/safety.md)."""
    user = User.objects.create_user(username="pat", password="x", role=Role.PATIENT)
    do_check_in(user, Answers(pain_now=2))
    return user


def test_no_test_starts_without_todays_check_in(db: None) -> None:
    newcomer = User.objects.create_user(username="new", password="x", role=Role.PATIENT)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/chair-stand/")
        comm.scope["user"] = newcomer
        await comm.connect(timeout=5)
        said = await comm.receive_json_from(timeout=5)
        closed = await comm.receive_output(timeout=5)
        return said, closed

    said, closed = asyncio.run(scenario())
    assert said == {"type": "stopped", "url": "/en/check-in/?for=chair_stand"}
    assert closed == {"type": "websocket.close", "code": 4409}
    assert not ChairStandResult.objects.exists()


def test_go_then_five_real_stands_are_counted_and_stored_when_the_30_seconds_are_up(
    patient: User,
) -> None:
    pairs = still(FIVE, 6.0) + clip(FIVE, start_ms=6000.0)
    # Nobody in view after the clip until the test time is over.
    connected, replies = run(patient, messages(pairs) + nobody(pairs[-1][0], 30))
    assert connected
    assert replies[0]["type"] == "hello"
    said = cues(replies)
    start = [c for c in said if c[0] in ("ready", "countdown", "go")]
    assert start == [
        ("ready", "Ready."),
        ("countdown", "3"),
        ("countdown", "2"),
        ("countdown", "1"),
        ("go", "Go!"),
    ]
    phases = [s["phase"] for s in states(replies)]
    assert [p for i, p in enumerate(phases) if i == 0 or p != phases[i - 1]] == [
        "setup",
        "countdown",
        "test",
        "done",
    ]
    go = next(s for s in states(replies) if s["cue"] and s["cue"]["code"] == "go")
    assert go["remaining_s"] == 30.0
    [result] = [r for r in replies if r["type"] == "result"]
    report = result["report"]
    assert (report["count"], report["score"], report["hands_used"]) == (5, 5, False)
    assert report["started_s"] == pytest.approx(go["timestamp_ms"] / 1000.0, abs=0.01)
    assert result["saved"] is True
    assert any(r["type"] == "done" for r in replies)
    [stored] = ChairStandResult.objects.filter(patient=patient)
    assert (stored.count, stored.raw_count, stored.used_hands, stored.method) == (
        5,
        5,
        False,
        "camera",
    )
    client = Client()
    client.force_login(patient)
    assert "Latest: 5 stands." in client.get("/en/progress/").content.decode()


def test_the_countdown_is_said_in_japanese(patient: User) -> None:
    _, replies = run(patient, messages(still(FIVE, 5.5)), path="/ws/chair-stand/?lang=ja")
    said = [text for code, text in cues(replies) if code in ("ready", "countdown", "go")]
    assert said == ["用意。", "3", "2", "1", "スタート！"]


def test_hands_on_the_knees_hold_the_countdown(patient: User) -> None:
    # The TUG's man sits with his hands on his knees: told to cross his arms, never "Go".
    _, replies = run(patient, [*messages(still(TUG, 6.0)), {"type": "finish"}])
    said = {code for code, _ in cues(replies)}
    assert "hands_off_legs" in said
    assert not said & {"ready", "go"}
    assert {s["phase"] for s in states(replies)} == {"setup"}
    [result] = [r for r in replies if r["type"] == "result"]
    assert result["saved"] is False
    assert not ChairStandResult.objects.exists()


def test_a_stand_with_the_hands_on_the_knees_scores_zero_and_keeps_the_full_stands(
    patient: User,
) -> None:
    # Still with arms crossed until "Go" (~5 s); then the TUG's stand, hands on the knees, and
    # the person stops the test, as STEADI says: the test is stored at once, scored 0.
    pairs = still(FIVE, 6.0) + clip(TUG, start_ms=6000.0)
    _, replies = run(patient, [*messages(pairs), {"type": "finish"}])
    assert ("go", "Go!") in cues(replies)
    assert any(s["hands_used"] for s in states(replies))
    [result] = [r for r in replies if r["type"] == "result"]
    report = result["report"]
    assert (report["count"], report["score"], report["hands_used"]) == (1, 0, True)
    assert report["stands"][0]["hands_used"] is True
    assert "hands_on_legs" in report["stands"][0]["faults"]
    assert not report["time_elapsed"]
    assert result["saved"] is True
    [stored] = ChairStandResult.objects.filter(patient=patient)
    assert (stored.count, stored.raw_count, stored.used_hands) == (0, 1, True)
    client = Client()
    client.force_login(patient)
    page = client.get("/en/progress/").content.decode()
    assert "Latest: 0 stands." in page
    assert "The latest test scored 0 because the hands were used to stand" in page


def test_ending_before_the_30_seconds_stores_nothing(patient: User) -> None:
    pairs = still(FIVE, 6.0) + clip(FIVE, start_ms=6000.0)
    _, replies = run(patient, [*messages(pairs[:330]), {"type": "finish"}])
    [result] = [r for r in replies if r["type"] == "result"]
    assert result["report"]["count"] >= 1
    assert result["saved"] is False
    assert not ChairStandResult.objects.exists()


def test_bad_frames_get_errors_and_clinicians_cannot_take_the_test(patient: User) -> None:
    _, replies = run(patient, [{"type": "frame", "frame": {"timestamp_ms": 1}}, {"type": "jump"}])
    assert [r.get("code") for r in replies[1:]] == ["bad_frame", "bad_message"]
    doc = User.objects.create_user(username="doc", password="x", role=Role.CLINICIAN)
    connected, _ = run(doc, [])
    assert not connected
