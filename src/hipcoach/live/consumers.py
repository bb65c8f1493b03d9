"""The live session socket: parse, check, hand to the practice domain, reply. Nothing more.

Asynchronous so a frame is judged on the event loop without a hop to a worker thread (the
engine takes a fraction of a millisecond); only database work goes to a thread.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from hipcoach.checkin.gate import Activity, Reason, gate_for
from hipcoach.practice.access import access_own_session_by_id
from hipcoach.practice.live import LiveError, LiveSession
from hipcoach.progress.live_chair import LiveChairStand

log = logging.getLogger(__name__)

CLOSE_ANONYMOUS = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_STOPPED = 4409


class Halted(Exception):
    """No exercise over this socket: a stop holds, the surgeon has not cleared the stretch, or
    (for a new chair-stand test) there is no check-in today. ``url`` explains or fixes it."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _check_gate(user: Any, activity: Activity, language: str) -> None:
    """A session already started on a fresh check-in carries on after the check-in ages (a
    reconnect); a chair-stand test starts anew on each socket, so it needs the check-in."""
    gate = gate_for(user, activity)
    if gate.allowed or (activity is Activity.STRETCH and not gate.halts):
        return
    with translation.override(language or user.language or "en"):
        if gate.reason is Reason.NEEDS_CHECKIN:
            raise Halted(reverse("checkin:new") + "?for=chair_stand")
        raise Halted(reverse("home"))


class Runtime(Protocol):
    """What a live socket drives: a stretch session or a chair-stand test."""

    def hello(self) -> dict[str, Any]: ...
    def handle(self, message: object) -> list[dict[str, Any]]: ...
    @property
    def has_writes(self) -> bool: ...
    def flush_writes(self) -> None: ...
    def take_late_replies(self) -> list[dict[str, Any]]: ...
    def close(self) -> None: ...


def _open_session(user: Any, kwargs: dict[str, Any]) -> tuple[Runtime, dict[str, Any]]:
    session = access_own_session_by_id(user, int(kwargs["pk"]))
    _check_gate(user, Activity.STRETCH, kwargs.get("language") or session.language)
    live = LiveSession(session)
    return live, live.hello()


def _open_chair_stand(user: Any, kwargs: dict[str, Any]) -> tuple[Runtime, dict[str, Any]]:
    if not user.is_patient:
        raise Http404
    _check_gate(user, Activity.CHAIR_STAND, kwargs.get("language") or user.language)
    live = LiveChairStand(user, language=kwargs.get("language") or user.language)
    return live, live.hello()


class LiveConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    # Each socket talks only to its own browser: no channel layer, which saves a task switch
    # on every frame (an alias that is not configured means none).
    channel_layer_alias = "__none__"
    live: Runtime | None = None
    opener: Callable[[Any, dict[str, Any]], tuple[Runtime, dict[str, Any]]]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_ANONYMOUS)
            return
        kwargs = dict(self.scope["url_route"]["kwargs"])
        kwargs["language"] = _query_language(self.scope)
        try:
            self.live, hello = await database_sync_to_async(type(self).opener)(user, kwargs)
        except (Http404, ValueError):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        except Halted as halted:
            # Accepted first, so the browser reads why and where to go (a refusal before
            # accepting reaches it as a bare HTTP 403).
            await self.accept()
            await self._send({"type": "stopped", "url": halted.url})
            await self.close(code=CLOSE_STOPPED)
            return
        await self.accept()
        await self._send(hello)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        live = self.live
        if live is None:
            return
        if text_data is None:
            await self._send(LiveError("bad_message", "send JSON text, not binary").as_message())
            return
        limit = settings.LIVE_MAX_MESSAGE_BYTES
        if len(text_data) > limit or (
            len(text_data) > limit // 4 and len(text_data.encode("utf-8")) > limit
        ):
            await self._send(LiveError("too_large", "message too large").as_message())
            return
        try:
            message = json.loads(text_data)
        except (json.JSONDecodeError, RecursionError):
            await self._send(LiveError("bad_json", "not valid JSON").as_message())
            return
        try:
            replies = live.handle(message)
            if live.has_writes:
                await database_sync_to_async(live.flush_writes)()
                replies.extend(live.take_late_replies())
        except LiveError as exc:
            replies = [exc.as_message()]
        except Exception:
            # Never let one bad message take the session (or the server) down.
            log.exception("live socket %s: unexpected error", self.scope.get("path"))
            replies = [
                LiveError("server_error", "the server could not handle that message").as_message()
            ]
        for reply in replies:
            await self._send(reply)

    async def disconnect(self, code: int) -> None:
        if self.live is not None:
            await database_sync_to_async(self.live.close)()

    async def _send(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":"), ensure_ascii=False))


def _query_language(scope: dict[str, Any]) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    language = (query.get("lang") or [""])[0]
    return language if language in ("en", "ja") else ""


class SessionConsumer(LiveConsumer):
    opener = staticmethod(_open_session)


class ChairStandConsumer(LiveConsumer):
    opener = staticmethod(_open_chair_stand)
