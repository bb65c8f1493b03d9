"""Landmark files (JSON Lines): any pose engine can feed the coach by writing one.

Line 1 is a header ``{"format": "hipcoach-landmarks", "version": 1, ...}``; every further line
is one frame in the form of :func:`coach.landmarks.frame_to_dict`, or ``{"timestamp_ms": t,
"pose": null}`` for a frame where nobody was found. docs/landmarks-format.md has the details.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from coach.landmarks import InvalidFrame, PoseFrame, check_order, frame_from_dict, frame_to_dict

FORMAT = "hipcoach-landmarks"
VERSION = 1


class LandmarkFileError(Exception):
    """A landmark file that cannot be read; the message names the line."""


@dataclass(slots=True)
class LandmarkFile:
    source: str
    fps: float | None
    frames: list[tuple[float, PoseFrame | None]] = field(default_factory=list)


def write(
    out: TextIO,
    frames: Iterable[tuple[float, PoseFrame | None]],
    *,
    source: str,
    fps: float | None,
) -> int:
    out.write(
        json.dumps({"format": FORMAT, "version": VERSION, "source": source, "fps": fps}) + "\n"
    )
    count = 0
    for timestamp_ms, frame in frames:
        record: dict[str, Any] = (
            frame_to_dict(frame)
            if frame is not None
            else {"timestamp_ms": round(timestamp_ms, 3), "pose": None}
        )
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
        count += 1
    return count


def read(path: Path) -> LandmarkFile:
    try:
        with path.open(encoding="utf-8") as handle:
            return _parse(path, handle)
    except OSError as exc:
        raise LandmarkFileError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LandmarkFileError(f"{path}: not a text file") from None


def _parse(path: Path, lines: Iterable[str]) -> LandmarkFile:
    numbered: Iterator[tuple[int, str]] = (
        (n, line) for n, line in enumerate(lines, start=1) if line.strip()
    )
    first = next(numbered, None)
    if first is None:
        raise LandmarkFileError(f"{path}: the file is empty")
    header = _json(path, *first)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise LandmarkFileError(f"{path}, line {first[0]}: not a {FORMAT} header")
    if header.get("version") != VERSION:
        raise LandmarkFileError(
            f"{path}, line {first[0]}: unsupported version {header.get('version')!r} "
            f"(this program reads version {VERSION})"
        )
    fps = header.get("fps")
    result = LandmarkFile(
        source=str(header.get("source", path.name)),
        fps=float(fps) if isinstance(fps, int | float) and fps > 0 else None,
    )
    previous: PoseFrame | None = None
    last_ms = -1.0
    for number, line in numbered:
        record = _json(path, number, line)
        try:
            if isinstance(record, dict) and "pose" in record and record["pose"] is None:
                ts = record.get("timestamp_ms")
                if not isinstance(ts, int | float) or isinstance(ts, bool) or ts <= last_ms:
                    raise InvalidFrame("timestamp_ms missing or not increasing")
                last_ms = float(ts)
                result.frames.append((last_ms, None))
                continue
            frame = frame_from_dict(record)
            check_order(previous, frame)
            if frame.timestamp_ms <= last_ms:
                raise InvalidFrame("timestamp went backwards")
        except InvalidFrame as exc:
            raise LandmarkFileError(f"{path}, line {number}: {exc}") from None
        previous = frame
        last_ms = frame.timestamp_ms
        result.frames.append((frame.timestamp_ms, frame))
    if not result.frames:
        raise LandmarkFileError(f"{path}: the file has a header but no frames")
    return result


def _json(path: Path, number: int, line: str) -> object:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise LandmarkFileError(f"{path}, line {number}: not valid JSON ({exc.msg})") from None
