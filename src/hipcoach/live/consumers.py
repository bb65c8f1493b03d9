"""The live session socket: parse, check, hand to the practice domain, reply. Nothing more."""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.generic.websocket import JsonWebsocketConsumer
from django.conf import settings
from django.http import Http404

from hipcoach.practice.access import access_own_session_by_id
from hipcoach.practice.live import LiveError, LiveSession

log = logging.getLogger(__name__)

CLOSE_ANONYMOUS = 4401
CLOSE_FORBIDDEN = 4403


class SessionConsumer(JsonWebsocketConsumer):  # type: ignore[misc]
    live: LiveSession | None = None

    def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            self.close(code=CLOSE_ANONYMOUS)
            return
        try:
            session = access_own_session_by_id(user, int(self.scope["url_route"]["kwargs"]["pk"]))
        except (Http404, ValueError):
            self.close(code=CLOSE_FORBIDDEN)
            return
        self.accept()
        self.live = LiveSession(session)
        self.send_json(self.live.hello())

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.live is None:
            return
        if text_data is None:
            self._error(LiveError("bad_message", "send JSON text, not binary"))
            return
        if len(text_data.encode("utf-8")) > settings.LIVE_MAX_MESSAGE_BYTES:
            self._error(LiveError("too_large", "message too large"))
            return
        try:
            message = json.loads(text_data)
        except (json.JSONDecodeError, RecursionError):
            self._error(LiveError("bad_json", "not valid JSON"))
            return
        try:
            replies = self.live.handle(message)
        except LiveError as exc:
            self._error(exc)
            return
        except Exception:
            # Never let one bad message take the session (or the server) down.
            log.exception("live session %s: unexpected error", self.live.record.pk)
            self._error(LiveError("server_error", "the server could not handle that message"))
            return
        for reply in replies:
            self.send_json(reply)

    def disconnect(self, code: int) -> None:
        if self.live is not None:
            self.live.close()

    def _error(self, error: LiveError) -> None:
        self.send_json(error.as_message())

    @classmethod
    def encode_json(cls, content: Any) -> str:
        return json.dumps(content, separators=(",", ":"), ensure_ascii=False)
