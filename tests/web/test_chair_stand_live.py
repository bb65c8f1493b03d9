"""The chair-stand test over the live socket, with landmarks recorded from a real 5-stand clip."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import Client

from coach.landmarks import frame_to_dict
from hipcoach.accounts.models import Role, User
from hipcoach.live.routing import websocket_urlpatterns
from hipcoach.progress.models import ChairStandResult
from pose import landmark_file

pytestmark = pytest.mark.django_db(transaction=True)
CLIP = Path(__file__).resolve().parents[1] / "fixtures/frames/frailtyvision_chair_stand_5x.jsonl"


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


def clip_messages() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for t, frame in landmark_file.read(CLIP).frames:
        out.append(
            {"type": "frame", "frame": frame_to_dict(frame)}
            if frame
            else {"type": "frame", "frame": None, "timestamp_ms": t}
        )
    return out


@pytest.fixture
def patient(db: None) -> User:
    return User.objects.create_user(username="pat", password="x", role=Role.PATIENT)


def test_five_real_stands_are_counted_and_stored_when_the_30_seconds_are_up(patient: User) -> None:
    messages = clip_messages()
    last = (
        messages[-1]["frame"]["timestamp_ms"]
        if messages[-1]["frame"]
        else messages[-1]["timestamp_ms"]
    )
    # Nobody in view after the clip until the test time is over.
    messages += [
        {"type": "frame", "frame": None, "timestamp_ms": last + 500 * k} for k in range(1, 61)
    ]
    connected, replies = run(patient, messages)
    assert connected
    assert replies[0]["type"] == "hello"
    [result] = [r for r in replies if r["type"] == "result"]
    assert result["report"]["count"] == 5
    assert result["saved"] is True
    assert any(r["type"] == "done" for r in replies)
    [stored] = ChairStandResult.objects.filter(patient=patient)
    assert (stored.count, stored.method) == (5, "camera")
    client = Client()
    client.force_login(patient)
    assert "Latest: 5 stands." in client.get("/en/progress/").content.decode()


def test_ending_before_the_30_seconds_stores_nothing(patient: User) -> None:
    messages = [*clip_messages()[:150], {"type": "finish"}]
    _, replies = run(patient, messages)
    [result] = [r for r in replies if r["type"] == "result"]
    assert result["saved"] is False
    assert not ChairStandResult.objects.exists()


def test_bad_frames_get_errors_and_clinicians_cannot_take_the_test(patient: User) -> None:
    _, replies = run(patient, [{"type": "frame", "frame": {"timestamp_ms": 1}}, {"type": "jump"}])
    assert [r.get("code") for r in replies[1:]] == ["bad_frame", "bad_message"]
    doc = User.objects.create_user(username="doc", password="x", role=Role.CLINICIAN)
    connected, _ = run(doc, [])
    assert not connected
