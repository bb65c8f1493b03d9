"""`make bench`: how much the coach costs beside the pose model, measured in one run.

1. Engine: every frame of a recorded real session through analyzer + session, timed one by one
   (median and p99 per frame, against the 0.5 ms target).
2. Video: raw MediaPipe inference (decode + pose) against the whole `hipcoach analyze` path on
   the same clip, alternating runs so machine noise hits both alike; the ratio is the cost of
   the engine, the JSON shaping and everything else we add (target: at most 10 %).

Timings on these shared 2-core machines wander by ±10 %; compare ratios, not absolute numbers,
and see ../shared/design/pose-runtime.md for the reference figures measured there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from coach import protocol
from coach.coaching import Coach
from hipcoach.analysis import Analyzer
from pose import landmark_file
from pose.estimator import MediaPipePoseEstimator, quiet_native_logs
from pose.media import VideoReader

ROOT = Path(__file__).resolve().parents[1]
FRAMES = ROOT / "tests/fixtures/frames/cornell_kneeling_hip_flexor.jsonl"
VIDEO = ROOT.parent / "shared/data/poses/videos/cornell_kneeling_hip_flexor.mp4"
# ../shared/design/pose-runtime.md: Tasks API PoseLandmarker, full bundle, VIDEO mode, 640x480.
REFERENCE_FULL_MS = 22.4


def engine(repeats: int) -> list[float]:

    frames = landmark_file.read(FRAMES).frames
    per_frame: list[float] = []
    for _ in range(repeats):
        coach = Coach(protocol.load())
        coach.start()
        for t, frame in frames:
            start = time.perf_counter_ns()
            coach.feed(frame, t)
            per_frame.append((time.perf_counter_ns() - start) / 1e6)
    return per_frame


def raw_inference(video: Path, model: bytes) -> tuple[int, float]:

    start = time.perf_counter()
    count = 0
    with VideoReader(video) as reader, MediaPipePoseEstimator("video", model_bytes=model) as est:
        for t, rgb in reader.frames():
            est.estimate(rgb, t)
            count += 1
    return count, time.perf_counter() - start


def full_analysis(video: Path, analyzer: Analyzer) -> tuple[int, float]:
    start = time.perf_counter()
    result = analyzer.analyze(video)
    return int(result["frames"]), time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3, help="video runs of each kind")
    parser.add_argument("--engine-repeats", type=int, default=20)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype")

    times = np.array(engine(args.engine_repeats))
    med, p99 = float(np.median(times)), float(np.percentile(times, 99))
    print(
        f"engine: {len(times)} frames, median {med:.3f} ms, p99 {p99:.3f} ms per frame "
        f"(target p99 <= 0.5 ms: {'met' if p99 <= 0.5 else 'NOT met'})"
    )

    if not VIDEO.is_file():
        print(f"video: skipped, {VIDEO} is absent")
        return 0

    analyzer = Analyzer(protocol.load())
    raw_fps: list[float] = []
    full_fps: list[float] = []
    with quiet_native_logs():
        model = analyzer.model_bytes()
        raw_inference(VIDEO, model)  # warm-up: first-run allocations, file cache
        for _ in range(args.rounds):
            n, s = raw_inference(VIDEO, model)
            raw_fps.append(n / s)
            n, s = full_analysis(VIDEO, analyzer)
            full_fps.append(n / s)
    raw = statistics.median(raw_fps)
    full = statistics.median(full_fps)
    overhead = raw / full - 1.0
    print(f"video: {VIDEO.name}, {args.rounds} rounds each, alternating")
    print(
        f"  raw MediaPipe (decode + pose): median {raw:.1f} frames/s ({1000 / raw:.1f} ms/frame;"
        f" reference for the pose model alone: {REFERENCE_FULL_MS} ms)"
    )
    print(
        f"  hipcoach analyze:              median {full:.1f} frames/s ({1000 / full:.1f} ms/frame)"
    )
    print(
        f"  ratio analyze/raw time: {raw / full:.3f} -> overhead {overhead * 100:+.1f} % "
        f"(target <= 10 %: {'met' if overhead <= 0.10 else 'NOT met'})"
    )
    print(f"  engine share of a frame: {med / (1000 / full) * 100:.2f} % (median engine / analyze)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
