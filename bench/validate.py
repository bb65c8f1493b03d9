"""`make validate`: the engine's published accuracy on both batches of shared pose material.

Runs every labelled photo and video of ``../shared/data/poses`` and ``../shared/data/poses2``
through the same path as ``hipcoach analyze`` (MediaPipe full model, then the coach) and
measures it against the labels: stretch recall by view and by person, the stretched side, mirror
images (the pixels flipped before pose estimation), false positives on other poses and lunges,
hovering knees, and hold timing on videos with labelled timelines. docs/accuracy.md explains
each number; bench/validate_metrics.py holds the label reading and the arithmetic.

Pose landmarks are cached per file (under var/validate-cache, keyed by the file's hash and the
model bundle's), so a re-run after an engine change only re-runs the engine; ``--no-cache``
estimates everything again. The engine always judges the cached landmark file, exactly as
``hipcoach analyze frames.jsonl`` would, so cached and fresh runs give the same answers.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from validate_metrics import (
    Interval,
    Label,
    MirrorCase,
    Segment,
    credited_intervals,
    error_summary,
    expected_holds,
    grouped_rates,
    match_holds,
    mirror_summary,
    other_side,
    parse_timeline,
    rate,
    read_labels,
    seconds_inside,
    side_accuracy,
)

from coach import protocol as protocols
from coach.assessment import Assessment
from coach.coaching import SequenceReport, analyze_sequence
from coach.landmarks import PoseFrame
from coach.protocol import Protocol
from coach.session import SessionState
from hipcoach.analysis import Analyzer
from pose import landmark_file
from pose.estimator import MediaPipePoseEstimator, quiet_native_logs
from pose.media import VideoReader, read_image
from pose.models import VARIANTS, find_bundle

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
BATCHES = ("poses", "poses2")
SCHEMA = 1
CACHE_VERSION = 1
# `hipcoach analyze` reads these video containers (pose.media.VIDEO_SUFFIXES); a .gif is refused.
ANALYZABLE_VIDEO = frozenset({".mp4", ".webm", ".avi", ".mov", ".mkv", ".m4v"})


# -- pose landmarks, cached --------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record(timestamp_ms: float, frame: PoseFrame | None) -> dict[str, Any]:
    """A landmark-file line at full float precision (json round-trips floats exactly)."""
    if frame is None:
        return {"timestamp_ms": timestamp_ms, "pose": None}
    out: dict[str, Any] = {
        "timestamp_ms": frame.timestamp_ms,
        "image_width": frame.image_width,
        "image_height": frame.image_height,
        "landmarks": frame.landmarks.tolist(),
    }
    if frame.world is not None:
        out["world_landmarks"] = frame.world.tolist()
    return out


@dataclass(slots=True)
class PoseCache:
    """Landmark files of every photo (and its mirror image) and video, estimated once."""

    folder: Path
    variant: str
    use_cached: bool
    model: bytes = b""
    model_sha: str = ""
    hits: int = 0
    misses: int = 0
    pose_s: float = 0.0
    _image: MediaPipePoseEstimator | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        bundle = find_bundle(self.variant)
        self.model = bundle.read_bytes()
        self.model_sha = hashlib.sha256(self.model).hexdigest()
        self.folder.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        if self._image is not None:
            self._image.close()
            self._image = None

    def landmarks(self, path: Path, media: str, *, mirrored: bool = False) -> tuple[Path, float]:
        """The landmark file for ``path`` and the seconds its pose estimation took.

        The seconds are those of the run that made the file (kept in its header, which landmark
        readers ignore beyond the documented keys), so a cached run can still say what is slow.
        """
        name = (
            f"v{CACHE_VERSION}-{_sha256(path)[:24]}-{self.variant}-{self.model_sha[:12]}-{media}"
            f"{'-mirror' if mirrored else ''}.jsonl"
        )
        target = self.folder / name
        if self.use_cached and target.is_file():
            self.hits += 1
            with target.open(encoding="utf-8") as handle:
                recorded = json.loads(handle.readline()).get("estimate_s", 0.0)
            return target, float(recorded)
        self.misses += 1
        start = time.perf_counter()
        if media == "image":
            fps = None
            lines = [self._estimate_image(path, mirrored)]
        else:
            fps, lines = self._estimate_video(path)
        spent = time.perf_counter() - start
        self.pose_s += spent
        tmp = target.with_name(target.name + f".{os.getpid()}.part")
        with tmp.open("w", encoding="utf-8") as out:
            header = {"format": landmark_file.FORMAT, "version": landmark_file.VERSION}
            info = {"source": path.name, "fps": fps, "estimate_s": round(spent, 3)}
            out.write(json.dumps({**header, **info}) + "\n")
            for line in lines:
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
        tmp.replace(target)
        return target, spent

    def _estimate_image(self, path: Path, mirrored: bool) -> dict[str, Any]:
        rgb = read_image(path)
        if mirrored:
            rgb = np.ascontiguousarray(rgb[:, ::-1])
        if self._image is None:
            self._image = MediaPipePoseEstimator("image", model_bytes=self.model)
        return _record(0.0, self._image.estimate(rgb, 0.0))

    def _estimate_video(self, path: Path) -> tuple[float, list[dict[str, Any]]]:
        # The same as hipcoach.analysis.Analyzer._video: a fresh tracker per video.
        with (
            VideoReader(path) as reader,
            MediaPipePoseEstimator("video", model_bytes=self.model) as estimator,
        ):
            lines = [_record(t, estimator.estimate(rgb, t)) for t, rgb in reader.frames()]
            return reader.info.fps, lines


# -- judging ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrameSample:
    t_s: float
    in_position: bool
    held_s: float
    rear_hip_extension: float | None


def _engine_answer(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "detected": result["detected"],
        "view": result["view"],
        "in_position": result["in_position"],
        "side": result["stretched_side"],
        "unmet": result["unmet"],
        "faults": [f["code"] for f in result["faults"]],
        "advice": result["advice"],
        "angles": {k: round(v, 1) for k, v in result["angles"].items()},
    }


def judge_photo(label: Label, path: Path, cache: PoseCache, analyzer: Analyzer) -> dict[str, Any]:
    landmarks, pose_s = cache.landmarks(path, "image")
    answer = _engine_answer(analyzer.analyze(landmarks))
    row: dict[str, Any] = {
        "file": label.key,
        "kind": label.kind,
        "category": label.category,
        "view": label.view,
        "view_text": label.view_text,
        "source": label.source,
        "clip": label.clip,
        "expected_side": label.side,
        "side_from": label.side_how,
        "hovering_knee": label.hovering_knee,
        "expected_pelvis": label.pelvis,
        "engine": answer,
        "pose_s": round(pose_s, 2),
    }
    if label.kind == "stretch":
        row["correct"] = answer["in_position"]
        row["side_correct"] = (
            answer["side"] == label.side if answer["in_position"] and label.side else None
        )
        mirror_landmarks, mirror_s = cache.landmarks(path, "image", mirrored=True)
        mirrored = _engine_answer(analyzer.analyze(mirror_landmarks))
        row["mirror"] = {
            **mirrored,
            "expected_side": other_side(label.side),
            "side_correct": mirrored["side"] == other_side(label.side)
            if mirrored["in_position"]
            else None,
        }
        row["pose_s"] = round(pose_s + mirror_s, 2)
    else:
        row["correct"] = not answer["in_position"]
    return row


def _samples(frames: list[tuple[float, PoseFrame | None]], protocol: Protocol) -> list[FrameSample]:
    """Each frame's judgement and the current set's good-form counter, from the same engine."""
    samples: list[FrameSample] = []

    def keep(a: Assessment, state: SessionState) -> None:
        extension = a.angles.get("rear_hip_extension") if a.in_position else None
        samples.append(FrameSample(a.timestamp_ms / 1000.0, a.in_position, state.held_s, extension))

    analyze_sequence(frames, protocol, on_frame=keep)
    return samples


def _in_position_intervals(samples: Sequence[FrameSample]) -> list[Interval]:
    # As analyze_sequence counts in_position_s: a frame in position owns the gap to the next.
    return [(a.t_s, b.t_s) for a, b in itertools.pairwise(samples) if a.in_position]


def judge_video(
    label: Label, path: Path, cache: PoseCache, analyzer: Analyzer, protocol: Protocol
) -> dict[str, Any]:
    landmarks, pose_s = cache.landmarks(path, "video")
    reports: list[SequenceReport] = []
    result = analyzer.analyze(landmarks, on_report=reports.append)
    samples = _samples(landmark_file.read(landmarks).frames, protocol)
    credits = credited_intervals((s.t_s, s.held_s) for s in samples)
    credited = sum(b - a for a, b in credits)
    duration = result["duration_s"]
    engine_holds: list[Interval] = [(h["start_s"], h["end_s"]) for h in result["holds"]]
    row: dict[str, Any] = {
        "file": label.key,
        "kind": label.kind,
        "view": label.view,
        "view_text": label.view_text,
        "source": label.source,
        "expected_side": label.side,
        "side_from": label.side_how,
        "engine": {
            key: result[key]
            for key in (
                "frames",
                "frames_with_person",
                "fps",
                "duration_s",
                "in_position_s",
                "good_form_s",
                "holds",
                "faults",
            )
        },
        # Good-form time rebuilt frame by frame must add up to the engine's own total.
        "good_form_attribution_ok": abs(credited - result["good_form_s"]) <= 0.05,
        "pose_s": round(pose_s, 2),
    }
    expected = expected_holds(label)
    if expected is None:
        row["timing"] = None
        row["timing_note"] = "the label gives no timeline to measure against"
        return row
    holds, how = expected
    # A labelled end past the last frame ("holds to the end (~7-19.5 s)") is the clip's end.
    windows: list[Interval] = [(s.start_s, _end(s, duration)) for s in holds]
    matches, extra = match_holds(windows, engine_holds)
    inside = seconds_inside(credits, windows)
    row["timing"] = {
        "holds_from": how,
        "labelled_holds": [
            {"start_s": w[0], "end_s": w[1], "words": s.text}
            for w, s in zip(windows, holds, strict=True)
        ],
        "matches": [asdict(m) for m in matches],
        "extra_holds": [{"start_s": a, "end_s": b} for a, b in extra],
        "labelled_hold_s": round(sum(b - a for a, b in windows), 2),
        "good_form_inside_labelled_s": round(inside, 2),
        "good_form_outside_labelled_s": round(max(0.0, credited - inside), 2),
        "hold_sides": [h["side"] for h in result["holds"]],
        "segments": [
            _segment_row(s, duration, credits, samples) for s in _all_segments(label, holds)
        ],
    }
    return row


def _all_segments(label: Label, holds: list[Segment]) -> list[Segment]:
    """Every labelled segment, holds or not, to see where in a clip the engine's time went."""
    return parse_timeline(label.pose) or holds


def _end(segment: Segment, duration: float) -> float:
    return duration if segment.end_s is None else min(segment.end_s, duration)


def _segment_row(
    segment: Segment, duration: float, credits: list[Interval], samples: Sequence[FrameSample]
) -> dict[str, Any]:
    """What the engine made of one labelled stretch of a clip, to see where its time went."""
    window = (segment.start_s, _end(segment, duration))
    extensions = [
        s.rear_hip_extension
        for s in samples
        if s.rear_hip_extension is not None and window[0] <= s.t_s < window[1]
    ]
    return {
        "start_s": window[0],
        "end_s": window[1],
        "hold": segment.hold,
        "words": segment.text,
        "in_position_s": round(seconds_inside(_in_position_intervals(samples), [window]), 2),
        "good_form_s": round(seconds_inside(credits, [window]), 2),
        # How far the pelvis moved forward (rear thigh from vertical) while in position.
        "rear_hip_extension_median": round(statistics.median(extensions), 1)
        if extensions
        else None,
        "rear_hip_extension_max": round(max(extensions), 1) if extensions else None,
    }


# -- the summary ----------------------------------------------------------------------------------


def summarise(photos: list[dict[str, Any]], videos: list[dict[str, Any]]) -> dict[str, Any]:
    stretch = [p for p in photos if p["kind"] == "stretch"]
    others = [p for p in photos if p["kind"] != "stretch"]
    hovering = [p for p in others if p["hovering_knee"]]
    recognised = [p for p in stretch if p["engine"]["in_position"]]
    views_seen: dict[str, Counter[str]] = {}
    for p in stretch:
        views_seen.setdefault(p["view"], Counter())[p["engine"]["view"]] += 1
    summary: dict[str, Any] = {
        "stretch_recall": {
            "overall": rate(len(recognised), len(stretch)),
            "by_view": grouped_rates((p["view"], p["engine"]["in_position"]) for p in stretch),
            "by_source": grouped_rates((p["source"], p["engine"]["in_position"]) for p in stretch),
            "by_person_clip": grouped_rates(
                (p["clip"], p["engine"]["in_position"]) for p in stretch
            ),
            "by_batch": grouped_rates(
                (p["file"].split("/")[0], p["engine"]["in_position"]) for p in stretch
            ),
            "engine_view_by_labelled_view": {k: dict(v) for k, v in sorted(views_seen.items())},
        },
        "side_accuracy": {
            "overall": side_accuracy((p["expected_side"], p["engine"]["side"]) for p in recognised),
            "by_view": {
                view: side_accuracy(
                    (p["expected_side"], p["engine"]["side"])
                    for p in recognised
                    if p["view"] == view
                )
                for view in sorted({p["view"] for p in recognised})
            },
        },
        "mirror": mirror_summary(
            [
                MirrorCase(
                    p["expected_side"],
                    p["engine"]["side"] if p["engine"]["in_position"] else None,
                    p["mirror"]["side"] if p["mirror"]["in_position"] else None,
                )
                for p in stretch
            ]
        ),
        "pelvis_shift": pelvis_summary(recognised),
        "false_positives_photos": {
            "overall": rate(sum(p["engine"]["in_position"] for p in others), len(others)),
            "by_kind": grouped_rates((p["kind"], p["engine"]["in_position"]) for p in others),
            "by_view": grouped_rates((p["view"], p["engine"]["in_position"]) for p in others),
            "by_batch": grouped_rates(
                (p["file"].split("/")[0], p["engine"]["in_position"]) for p in others
            ),
            "files": [p["file"] for p in others if p["engine"]["in_position"]],
        },
        "hovering_knee": {
            "rejected": rate(sum(not p["engine"]["in_position"] for p in hovering), len(hovering)),
            "rejected_for_the_knee": rate(
                sum("rear_knee_down" in p["engine"]["unmet"] for p in hovering), len(hovering)
            ),
            "files": {p["file"]: _short_answer(p["engine"]) for p in hovering},
        },
    }
    summary.update(_video_summary(videos))
    return summary


def pelvis_summary(recognised: list[dict[str, Any]]) -> dict[str, Any]:
    """On recognised stretch photos whose label names the pelvis: is the shift judged right?

    A photo labelled as shifted forward should not get ``pelvis_not_forward``; a set-up photo
    (pelvis neutral) should.
    """
    shifted = [p for p in recognised if p.get("expected_pelvis") == "forward"]
    neutral = [p for p in recognised if p.get("expected_pelvis") == "neutral"]

    def flagged(p: dict[str, Any]) -> bool:
        return "pelvis_not_forward" in p["engine"]["faults"]

    return {
        "shift_seen_when_shifted": rate(sum(not flagged(p) for p in shifted), len(shifted)),
        "missing_shift_named_at_setup": rate(sum(flagged(p) for p in neutral), len(neutral)),
        "misjudged": {
            p["file"]: f"{p['expected_pelvis']}, rear hip extension "
            f"{p['engine']['angles'].get('rear_hip_extension')} deg"
            for p in [*shifted, *neutral]
            if flagged(p) != (p["expected_pelvis"] == "neutral")
        },
    }


def _short_answer(answer: dict[str, Any]) -> str:
    if answer["in_position"]:
        return f"IN POSITION ({answer['side']})"
    if answer["view"] != "ok":
        return str(answer["view"])
    return "not in position: " + ", ".join(answer["unmet"] or ["?"])


def _video_summary(videos: list[dict[str, Any]]) -> dict[str, Any]:
    timed = [v for v in videos if v.get("timing") and v["kind"] == "stretch"]
    negatives = [v for v in videos if v["kind"] != "stretch" and "engine" in v]
    matches = [m for v in timed for m in v["timing"]["matches"]]
    labelled_s = sum(v["timing"]["labelled_hold_s"] for v in timed)
    inside_s = sum(v["timing"]["good_form_inside_labelled_s"] for v in timed)
    sides = [(v["expected_side"], side) for v in timed for side in v["timing"]["hold_sides"]]
    return {
        "video_holds": {
            "labelled_holds_found": rate(
                sum(m["engine"] is not None for m in matches), len(matches)
            ),
            "start_error": error_summary(m["start_error_s"] for m in matches),
            "end_error": error_summary(m["end_error_s"] for m in matches),
            "extra_holds": sum(len(v["timing"]["extra_holds"]) for v in timed),
            "hold_side_correct": side_accuracy(sides),
            "labelled_hold_s": round(labelled_s, 2),
            "good_form_inside_labelled_s": round(inside_s, 2),
            "good_form_share_of_labelled_hold": round(inside_s / labelled_s, 3)
            if labelled_s
            else None,
            "good_form_outside_labelled_s": round(
                sum(v["timing"]["good_form_outside_labelled_s"] for v in timed), 2
            ),
            "videos": [v["file"] for v in timed],
        },
        "false_positives_videos": {
            "with_good_form_time": rate(
                sum(v["engine"]["good_form_s"] > 0 for v in negatives), len(negatives)
            ),
            "with_a_hold": rate(sum(bool(v["engine"]["holds"]) for v in negatives), len(negatives)),
            "good_form_s": round(sum(v["engine"]["good_form_s"] for v in negatives), 2),
            "in_position_s": round(sum(v["engine"]["in_position_s"] for v in negatives), 2),
            "videos": {v["file"]: v["engine"]["good_form_s"] for v in negatives},
        },
    }


# -- printing --------------------------------------------------------------------------------------


def _pct(r: dict[str, Any]) -> str:
    if not r["n"]:
        return "  -  (0)"
    return f"{r['hits']}/{r['n']} ({100 * r['rate']:.0f} %)"


def _table(title: str, rows: dict[str, dict[str, Any]]) -> Iterator[str]:
    yield f"  {title}"
    for key, r in rows.items():
        yield f"    {key:<44} {_pct(r)}"


def report_lines(out: dict[str, Any]) -> Iterator[str]:
    s = out["summary"]
    recall = s["stretch_recall"]
    yield f"Stretch photos recognised (in position): {_pct(recall['overall'])}"
    yield from _table("by view", recall["by_view"])
    yield from _table("by source", recall["by_source"])
    yield from _table("by person / clip", recall["by_person_clip"])
    yield "  engine's view answer, by labelled view: " + "; ".join(
        f"{k}: {v}" for k, v in recall["engine_view_by_labelled_view"].items()
    )
    yield f"Side right on recognised stretches: {_pct(s['side_accuracy']['overall'])}"
    yield from _table("by view", s["side_accuracy"]["by_view"])
    m = s["mirror"]
    yield (
        f"Mirror images: in position {_pct(m['mirrors_in_position'])}; side flipped when both "
        f"recognised {_pct(m['flipped_when_both_recognised'])}; mirror side right "
        f"{_pct(m['mirror_side_correct'])}"
    )
    ps = s["pelvis_shift"]
    yield (
        f"Pelvis shift on recognised photos: seen when labelled shifted "
        f"{_pct(ps['shift_seen_when_shifted'])}; named as missing at set-up "
        f"{_pct(ps['missing_shift_named_at_setup'])}"
    )
    for name, why in ps["misjudged"].items():
        yield f"    misjudged: {name} ({why})"
    fp = s["false_positives_photos"]
    yield f"Other poses and lunges taken as in position: {_pct(fp['overall'])}"
    yield from _table("by kind", fp["by_kind"])
    yield from _table("by view", fp["by_view"])
    for name in fp["files"]:
        yield f"    passed: {name}"
    hk = s["hovering_knee"]
    yield (
        f"Hovering knees rejected: {_pct(hk['rejected'])} "
        f"(for the knee itself: {_pct(hk['rejected_for_the_knee'])})"
    )
    for name, answer in hk["files"].items():
        yield f"    {name}: {answer}"
    vh = s["video_holds"]
    yield (
        f"Video holds: labelled holds found {_pct(vh['labelled_holds_found'])}, "
        f"extra holds {vh['extra_holds']}, hold side right {_pct(vh['hold_side_correct'])}"
    )
    for which in ("start_error", "end_error"):
        e = vh[which]
        yield (
            f"  {which.replace('_', ' ')}: mean |err| {e['mean_abs_s']} s, median "
            f"{e['median_abs_s']} s, worst {e['max_abs_s']} s, mean signed {e['mean_s']} s"
        )
    yield (
        f"  good form inside labelled holds {vh['good_form_inside_labelled_s']} s of "
        f"{vh['labelled_hold_s']} s; outside them {vh['good_form_outside_labelled_s']} s"
    )
    fv = s["false_positives_videos"]
    yield (
        f"Other-exercise videos earning good-form time: {_pct(fv['with_good_form_time'])} "
        f"({fv['good_form_s']} s), with a hold {_pct(fv['with_a_hold'])}"
    )
    yield ""
    yield "Per video:"
    for v in out["videos"]:
        yield "  " + _video_line(v)
    yield ""
    yield "Misses (photos):"
    for p in out["photos"]:
        if not p["correct"] or p.get("side_correct") is False or _mirror_miss(p):
            yield "  " + _photo_line(p)


def _mirror_miss(p: dict[str, Any]) -> bool:
    mirror: dict[str, Any] | None = p.get("mirror")
    return mirror is not None and mirror["side_correct"] is not True


def _photo_line(p: dict[str, Any]) -> str:
    text = f"{p['file']} [{p['kind']}, {p['view']}, side {p['expected_side']}]: "
    text += _short_answer(p["engine"])
    if "mirror" in p:
        text += f" | mirror: {_short_answer(p['mirror'])}"
    return text


def _video_line(v: dict[str, Any]) -> str:
    if "engine" not in v:
        return f"{v['file']}: skipped ({v['skipped']})"
    e = v["engine"]
    holds = ", ".join(f"{h['side']} {h['start_s']}-{h['end_s']} s" for h in e["holds"]) or "none"
    text = f"{v['file']} [{v['kind']}]: holds {holds}; good form {e['good_form_s']} s"
    timing = v.get("timing")
    if timing:
        labelled = ", ".join(f"{h['start_s']}-{h['end_s']}" for h in timing["labelled_holds"])
        outside = timing["good_form_outside_labelled_s"]
        text += f"; labelled {labelled or 'none'}; good form outside them {outside} s"
    return text


# -- main -----------------------------------------------------------------------------------------


ENGINE_PATHS = ("src/coach", "src/pose", "src/hipcoach/analysis.py")


def engine_version() -> dict[str, Any]:
    """The last commit that touched the engine and whether it has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h %cs", "--", *ENGINE_PATHS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", *ENGINE_PATHS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "uncommitted_changes": None}
    return {"commit": commit, "uncommitted_changes": bool(dirty)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding poses/…")
    parser.add_argument("--out", type=Path, default=ROOT / "var/validate.json", help="JSON report")
    parser.add_argument("--cache", type=Path, default=ROOT / "var/validate-cache")
    parser.add_argument("--no-cache", action="store_true", help="estimate every pose again")
    parser.add_argument("--model", choices=VARIANTS, default="full", help="pose model (CLI: full)")
    parser.add_argument("--only", metavar="TEXT", help="only files whose path contains TEXT")
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    labels: list[tuple[Label, Path]] = []
    batches: dict[str, str | None] = {}
    for batch in BATCHES:
        folder = args.data / batch
        if not (folder / "labels.csv").is_file():
            batches[batch] = None
            print(f"validate: {folder} is absent; skipping that batch", file=sys.stderr)
            continue
        batches[batch] = str(folder)
        labels.extend((label, folder / label.file) for label in read_labels(folder, batch))
    if args.only:
        labels = [(label, path) for label, path in labels if args.only in label.key]
    if not labels:
        raise SystemExit("validate: no labelled material found (is ../shared/data there?)")
    # As the CLI builds it with no --hold or --sets.
    protocol = protocols.load(protocols.DEFAULT_PROTOCOL).prescribed(
        hold_s=None, sets_per_side=None
    )
    analyzer = Analyzer(protocol, variant=args.model)
    cache = PoseCache(args.cache, args.model, use_cached=not args.no_cache)
    photos: list[dict[str, Any]] = []
    videos: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        with quiet_native_logs():
            for label, path in labels:
                if label.media == "image":
                    photos.append(judge_photo(label, path, cache, analyzer))
                elif path.suffix.lower() not in ANALYZABLE_VIDEO:
                    videos.append(
                        {
                            "file": label.key,
                            "kind": label.kind,
                            "skipped": f"{path.suffix} is not a format hipcoach analyze reads; "
                            "its frames are labelled as photos in the same batch",
                        }
                    )
                else:
                    videos.append(judge_video(label, path, cache, analyzer, protocol))
    finally:
        cache.close()
        analyzer.close()
    wall = time.perf_counter() - started
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "model": args.model,
        "model_sha256": cache.model_sha,
        "protocol": protocol.id,
        "engine": engine_version(),
        "data": batches,
        "timing": {
            "wall_s": round(wall, 1),
            "pose_estimation_s": round(cache.pose_s, 1),
            "engine_and_rest_s": round(wall - cache.pose_s, 1),
            # What estimating every pose costs without the cache (as recorded when it was made).
            "pose_estimation_uncached_s": round(
                sum(row.get("pose_s", 0.0) for row in [*photos, *videos]), 1
            ),
            "cache_hits": cache.hits,
            "cache_misses": cache.misses,
            "slowest_pose_files": sorted(
                ((row["file"], row["pose_s"]) for row in [*photos, *videos] if "pose_s" in row),
                key=lambda item: -item[1],
            )[:5],
        },
        "summary": summarise(photos, videos),
        "photos": photos,
        "videos": videos,
    }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype", category=UserWarning)
    args = build_parser().parse_args(argv)
    out = run(args)
    engine = out["engine"]
    print(
        f"Engine: {engine['commit']}"
        + (" (with uncommitted changes)" if engine["uncommitted_changes"] else "")
        + f"; pose model {out['model']}\n"
    )
    for line in report_lines(out):
        print(line)
    t = out["timing"]
    print(
        f"\n{t['wall_s']} s: pose estimation {t['pose_estimation_s']} s "
        f"({t['cache_misses']} estimated, {t['cache_hits']} from the cache), the engine and the "
        f"rest {t['engine_and_rest_s']} s. Estimating every pose takes "
        f"{t['pose_estimation_uncached_s']} s; slowest: "
        + ", ".join(f"{name} {seconds} s" for name, seconds in t["slowest_pose_files"][:3])
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
