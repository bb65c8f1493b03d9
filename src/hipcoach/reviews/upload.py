"""What an uploaded video must be before it is queued: limits, and a look at its content.

A file is taken only when its name says video AND its first bytes are a video container AND
OpenCV can open it and decode a first picture. So a photo, a text file renamed ``.mp4``, an
empty or truncated file is refused at once, with a message, instead of failing minutes later
in the queue. Limits come from settings (docs/video-review.md lists them).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from pose.media import VIDEO_SUFFIXES, MediaError, VideoReader

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_SECONDS = 10 * 60
# Room for the multipart headers and the other form fields around the file itself.
MULTIPART_SLACK = 64 * 1024
# Enough of a file to recognise every container below.
SNIFF_BYTES = 16
_BMFF_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot")


def max_bytes() -> int:
    return int(getattr(settings, "HIPCOACH_REVIEW_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_seconds() -> int:
    return int(getattr(settings, "HIPCOACH_REVIEW_MAX_SECONDS", DEFAULT_MAX_SECONDS))


def accepted_suffixes() -> list[str]:
    return sorted(VIDEO_SUFFIXES)


def looks_like_video(head: bytes) -> bool:
    """MP4/MOV/M4V (ISO boxes), WebM/MKV (EBML) or AVI (RIFF), from the first bytes."""
    if len(head) >= 8 and head[4:8] in _BMFF_BOXES:
        return True
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return True
    return head[:4] == b"RIFF" and head[8:12] == b"AVI "


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a file is refused: a code for the form's message, and its numbers."""

    code: str
    params: dict[str, Any]


def check_video(upload: UploadedFile) -> Problem | None:
    """None when the file may be queued; otherwise what is wrong with it."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        return Problem("type", {})
    size = int(upload.size or 0)
    if size == 0:
        return Problem("empty", {})
    if size > max_bytes():
        return Problem("too_large", {"size": size, "limit": max_bytes()})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not looks_like_video(head):
        return Problem("not_video", {})
    with _on_disk(upload, suffix) as path:
        try:
            with VideoReader(path) as reader:
                next(reader.frames())
                info = reader.info
        except (MediaError, StopIteration):
            return Problem("unreadable", {})
    if info.frame_count > 0 and info.frame_count / info.fps > max_seconds():
        return Problem(
            "too_long",
            {
                "minutes": round(info.frame_count / info.fps / 60.0, 1),
                "limit": round(max_seconds() / 60.0, 1),
            },
        )
    return None


@contextmanager
def _on_disk(upload: UploadedFile, suffix: str) -> Iterator[Path]:
    """OpenCV reads paths: a large upload already is one, a small one is written out."""
    if isinstance(upload, TemporaryUploadedFile):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        upload.seek(0)
        yield Path(tmp.name)


class UploadLimit(FileUploadHandler):
    """Stops reading a file past the limit, so an oversized upload is not parsed and copied.

    It goes first among the request's handlers; the view then shows the size error. Fields
    before the file (the CSRF token) are still read.
    """

    def __init__(self, request: HttpRequest | None = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = max_bytes() if limit is None else limit
        self.received = 0
        self.body_length = 0
        self.exceeded = False

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.body_length = content_length

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.body_length > self.limit + MULTIPART_SLACK:
            self._stop(self.body_length)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop(self.received)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _stop(self, size: int) -> None:
        self.exceeded = True
        self.received = size
        raise StopUpload(connection_reset=False)
