"""Analyse photos, videos and landmark files: the service behind `hipcoach analyze`.

It joins the pose adapter (pixels to landmarks) to the engine (landmarks to judgements) and
shapes the result into the documented JSON schema (docs/analysis-schema.md). Any front end (the
CLI now, background video review later) calls this rather than wiring the pieces again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.analyzer import FrameAnalyzer
from coach.assessment import Assessment, View
from coach.coaching import SequenceReport, analyze_sequence
from coach.cues import cue_text
from coach.events import Cue
from coach.landmarks import BodyLandmark, PoseFrame
from coach.protocol import Protocol
from coach.session import SessionState
from pose import landmark_file
from pose.estimator import MediaPipePoseEstimator, RgbImage
from pose.media import MediaError, VideoReader, kind_of, read_image
from pose.models import DEFAULT_VARIANT, find_bundle

SCHEMA_VERSION = 1

# (frames read, frames the container says it holds, or 0 when it does not say): for progress.
ProgressHook = Callable[[int, int], None]
# The whole judgement of a recording, for a front end that keeps more than the summary
# (background review stores its timeline).
ReportHook = Callable[[SequenceReport], None]


class AnalysisError(Exception):
    """A file that could not be analysed; the message is meant for the person who gave it."""


@dataclass(slots=True)
class Analyzer:
    """Holds the pose model, read once, for any number of files."""

    protocol: Protocol
    language: str = "en"
    variant: str = DEFAULT_VARIANT
    _model: bytes | None = field(default=None, init=False)
    _image_estimator: MediaPipePoseEstimator | None = field(default=None, init=False)

    def model_bytes(self) -> bytes:
        if self._model is None:
            self._model = find_bundle(self.variant).read_bytes()
        return self._model

    def close(self) -> None:
        if self._image_estimator is not None:
            self._image_estimator.close()
            self._image_estimator = None

    def analyze(
        self,
        path: Path,
        *,
        annotate_to: Path | None = None,
        on_progress: ProgressHook | None = None,
        on_report: ReportHook | None = None,
    ) -> dict[str, Any]:
        """``on_progress`` follows a video as it is read; ``on_report`` gets its judgement."""
        try:
            kind = kind_of(path)
            if kind == "image":
                return self._image(path, annotate_to)
            if kind == "video":
                return self._video(path, annotate_to, on_progress, on_report)
            if annotate_to is not None:
                raise AnalysisError(f"{path}: a landmark file has no pictures to annotate")
            return self._landmarks(path)
        except (MediaError, landmark_file.LandmarkFileError) as exc:
            raise AnalysisError(str(exc)) from None

    # -- per kind ---------------------------------------------------------------------------

    def judge_image(self, rgb: RgbImage) -> tuple[PoseFrame | None, Assessment]:
        """One photo, judged alone: no smoothing, no history."""
        if self._image_estimator is None:
            self._image_estimator = MediaPipePoseEstimator("image", model_bytes=self.model_bytes())
        frame = self._image_estimator.estimate(rgb, 0.0)
        return frame, FrameAnalyzer(self.protocol, smoothing=None).assess(frame, 0.0)

    def _image(self, path: Path, annotate_to: Path | None) -> dict[str, Any]:
        rgb = read_image(path)
        frame, assessment = self.judge_image(rgb)
        if annotate_to is not None:
            from pose.annotate import annotate, write_image  # noqa: PLC0415 - cv2 drawing

            lines = status_lines(assessment)
            write_image(
                annotate_to,
                annotate(rgb, frame, assessment, lines=lines, angle_at=_anchors(assessment)),
            )
        return {
            "schema": SCHEMA_VERSION,
            "path": str(path),
            "type": "image",
            "image_width": int(rgb.shape[1]),
            "image_height": int(rgb.shape[0]),
            **self.frame_result(frame, assessment),
        }

    def frame_result(self, frame: PoseFrame | None, a: Assessment) -> dict[str, Any]:
        return {
            "detected": frame is not None,
            "view": a.view.value,
            "in_position": a.in_position,
            "stretched_side": a.side.value if a.in_position and a.side else None,
            "angles": dict(a.angles),
            "faults": [
                {
                    "code": f.code,
                    "value": f.value,
                    "target": f.target,
                    "tolerance": f.tolerance,
                    "cue": cue_text(Cue(f.code), self.language),
                }
                for f in a.faults
            ],
            "unmet": list(a.unmet),
            "advice": cue_text(Cue(advice_code(a)), self.language),
        }

    def _video(
        self,
        path: Path,
        annotate_to: Path | None,
        on_progress: ProgressHook | None = None,
        on_report: ReportHook | None = None,
    ) -> dict[str, Any]:
        with VideoReader(path) as reader:
            estimator = MediaPipePoseEstimator("video", model_bytes=self.model_bytes())
            try:
                frames = _estimated(reader, estimator, on_progress)
                if annotate_to is None:
                    report = analyze_sequence(((t, f) for t, f, _ in frames), self.protocol)
                else:
                    report = self._annotated(frames, annotate_to, reader.info.fps)
            finally:
                estimator.close()
            fps = reader.info.fps
        if report.frames == 0:
            raise AnalysisError(f"{path}: the video has no readable frames")
        if on_report is not None:
            on_report(report)
        return self._sequence_result(path, "video", fps, report)

    def _annotated(
        self,
        frames: Iterator[tuple[float, PoseFrame | None, RgbImage]],
        out: Path,
        fps: float,
    ) -> SequenceReport:
        from pose.annotate import AnnotatedVideoWriter, annotate  # noqa: PLC0415 - cv2 drawing

        current: list[tuple[PoseFrame | None, RgbImage]] = []

        def pictures_aside() -> Iterator[tuple[float, PoseFrame | None]]:
            for t, frame, rgb in frames:
                current[:] = [(frame, rgb)]
                yield t, frame

        with AnnotatedVideoWriter(out, fps) as writer:

            def draw(a: Assessment, state: SessionState) -> None:
                frame, rgb = current[0]
                lines = status_lines(a, session_line(state))
                writer.write(annotate(rgb, frame, a, lines=lines, angle_at=_anchors(a)))

            return analyze_sequence(pictures_aside(), self.protocol, on_frame=draw)

    def _landmarks(self, path: Path) -> dict[str, Any]:
        data = landmark_file.read(path)
        if len(data.frames) == 1 and data.fps is None:
            t, frame = data.frames[0]
            a = FrameAnalyzer(self.protocol, smoothing=None).assess(frame, t)
            return {
                "schema": SCHEMA_VERSION,
                "path": str(path),
                "type": "landmarks",
                **self.frame_result(frame, a),
            }
        report = analyze_sequence(data.frames, self.protocol)
        return self._sequence_result(path, "landmarks", data.fps, report)

    def _sequence_result(
        self, path: Path, kind: str, fps: float | None, report: SequenceReport
    ) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "path": str(path),
            "type": kind,
            "fps": None if fps is None else round(fps, 3),
            "protocol": self.protocol.id,
            "hold_target_s": self.protocol.hold_s,
            "sets_per_side": self.protocol.sets_per_side,
            **report.to_dict(),
            "fault_cues": {
                code: cue_text(Cue(code), self.language) for code in sorted(report.fault_s)
            },
        }


def _estimated(
    reader: VideoReader,
    estimator: MediaPipePoseEstimator,
    on_progress: ProgressHook | None = None,
) -> Iterator[tuple[float, PoseFrame | None, RgbImage]]:
    expected = max(reader.info.frame_count, 0)
    for index, (t, rgb) in enumerate(reader.frames(), start=1):
        yield t, estimator.estimate(rgb, t), rgb
        if on_progress is not None:
            on_progress(index, expected)


def _anchors(a: Assessment) -> dict[str, BodyLandmark]:
    return {name: BodyLandmark(index) for name, index in a.anchors.items()}


def advice_code(a: Assessment) -> str:
    """The one thing to say about a frame: what to fix first, or that it looks right."""
    if a.view in (View.NO_PERSON, View.LOW_VISIBILITY):
        return "cant_see_you"
    if a.view is View.NOT_SIDE_ON:
        return "turn_sideways"
    if a.unmet:
        return a.unmet[0]
    if a.faults:
        return a.faults[0].code
    return "good_form"


def session_line(state: SessionState) -> str:
    side = state.side.value if state.side else "-"
    return (
        f"{state.phase.value} | {side} set {state.set_number}/{state.sets_per_side}"
        f" | good form {state.held_s:.0f}/{state.target_s:.0f} s"
    )


def status_lines(a: Assessment, *extra: str) -> list[str]:
    """Short English lines for drawing on pictures (OpenCV fonts cannot draw Japanese)."""
    lines = [*extra]
    if a.in_position and a.side:
        lines.append(f"in position: {a.side.value} hip stretched")
    else:
        lines.append(cue_text(Cue(advice_code(a)), "en"))
    lines.extend(f"{name.replace('_', ' ')}: {value:.0f} deg" for name, value in a.angles.items())
    lines.extend(f"FAULT: {cue_text(Cue(f.code), 'en')}" for f in a.faults)
    return lines
