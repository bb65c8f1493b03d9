"""`hipcoach`: analyse stretch photos and videos, and export landmarks for other tools.

Exit codes: 0 all files analysed, 1 at least one file could not be read or showed nobody,
2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from coach import protocol as protocols
from coach.protocol import ProtocolError
from pose.models import VARIANTS, ModelMissing

EXIT_OK = 0
EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hipcoach", description="Check the half-kneeling psoas stretch in photos and videos."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    analyze = sub.add_parser(
        "analyze",
        help="judge photos, videos or landmark files",
        description="Judge photos (.jpg .png), videos (.mp4 .webm .avi .mov) or landmark files "
        "(.jsonl from `hipcoach landmarks` or any other pose engine).",
    )
    analyze.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    analyze.add_argument("--json", action="store_true", help="JSON output (JSON Lines for many)")
    analyze.add_argument(
        "--annotate",
        type=Path,
        metavar="OUT",
        help="write the picture or video with skeleton, angles and faults drawn; "
        "with several paths, OUT is a folder",
    )
    analyze.add_argument("--lang", choices=("en", "ja"), default="en", help="language of cues")
    analyze.add_argument("--protocol", default=protocols.DEFAULT_PROTOCOL, help="protocol id")
    analyze.add_argument(
        "--hold",
        type=float,
        help="prescribed hold in seconds, within the protocol's range (20-60 for the "
        "half-kneeling stretch; ACSM advises 30-60 s for older adults)",
    )
    analyze.add_argument("--sets", type=int, help="prescribed sets per side")
    analyze.add_argument("--model", choices=VARIANTS, default="full", help="pose model size")
    export = sub.add_parser("landmarks", help="export pose landmarks of a photo or video as JSONL")
    export.add_argument("path", type=Path)
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FRAMES.jsonl")
    export.add_argument("--model", choices=VARIANTS, default="full", help="pose model size")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # protobuf 4 warns on every run about an API mediapipe 0.10.14 still calls.
    warnings.filterwarnings("ignore", message="SymbolDatabase.GetPrototype", category=UserWarning)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "landmarks":
            return _landmarks(args)
        return _analyze(args, sys.stdout)
    except ModelMissing as exc:
        print(f"hipcoach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("hipcoach: interrupted", file=sys.stderr)
        return 130


def _analyze(args: argparse.Namespace, out: TextIO) -> int:
    from hipcoach.analysis import AnalysisError, Analyzer  # noqa: PLC0415 - loads MediaPipe
    from pose.estimator import quiet_native_logs  # noqa: PLC0415

    try:
        protocol = protocols.load(args.protocol).prescribed(
            hold_s=args.hold, sets_per_side=args.sets
        )
    except ProtocolError as exc:
        print(f"hipcoach: {exc}", file=sys.stderr)
        return 2
    targets = _annotation_targets(args.paths, args.annotate)
    analyzer = Analyzer(protocol, language=args.lang, variant=args.model)
    failed = 0
    with quiet_native_logs():
        try:
            for path, target in zip(args.paths, targets, strict=True):
                try:
                    result = analyzer.analyze(path, annotate_to=target)
                except AnalysisError as exc:
                    failed += 1
                    result = {"path": str(path), "error": str(exc)}
                    print(f"hipcoach: {exc}", file=sys.stderr)
                else:
                    if nobody_found(result):
                        failed += 1
                        print(
                            f"hipcoach: {path}: no person found. Film side-on with the whole "
                            "body, feet included, in the picture.",
                            file=sys.stderr,
                        )
                if args.json:
                    out.write(json.dumps(result, ensure_ascii=False) + "\n")
                elif "error" not in result:
                    out.write(describe(result) + "\n")
                out.flush()
        finally:
            analyzer.close()
    return EXIT_FAILED if failed else EXIT_OK


def nobody_found(result: dict[str, Any]) -> bool:
    """A picture or recording in which the pose model never found anyone: nothing was judged."""
    return result.get("detected") is False or result.get("frames_with_person") == 0


def _annotation_targets(paths: list[Path], out: Path | None) -> list[Path | None]:
    if out is None:
        return [None] * len(paths)
    if len(paths) == 1 and not out.is_dir():
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    targets: list[Path | None] = []
    for path in paths:
        suffix = ".jpg" if path.suffix.lower() in {".jpg", ".jpeg", ".png"} else ".mp4"
        targets.append(out / f"{path.stem}.annotated{suffix}")
    return targets


def _landmarks(args: argparse.Namespace) -> int:
    from pose import landmark_file  # noqa: PLC0415
    from pose.estimator import MediaPipePoseEstimator, quiet_native_logs  # noqa: PLC0415
    from pose.media import MediaError, VideoReader, kind_of, read_image  # noqa: PLC0415

    path: Path = args.path
    try:
        kind = kind_of(path)
        if kind == "landmarks":
            raise MediaError(f"{path} is already a landmark file")
        with quiet_native_logs():
            tmp = args.output.with_name(args.output.name + ".part")
            with tmp.open("w", encoding="utf-8") as handle:
                if kind == "image":
                    with MediaPipePoseEstimator("image", args.model) as est:
                        frame = est.estimate(read_image(path), 0.0)
                        count = landmark_file.write(
                            handle, [(0.0, frame)], source=path.name, fps=None
                        )
                else:
                    with (
                        VideoReader(path) as reader,
                        MediaPipePoseEstimator("video", args.model) as est,
                    ):
                        frames = ((t, est.estimate(rgb, t)) for t, rgb in reader.frames())
                        count = landmark_file.write(
                            handle, frames, source=path.name, fps=reader.info.fps
                        )
            tmp.replace(args.output)
    except (MediaError, OSError) as exc:
        args.output.with_name(args.output.name + ".part").unlink(missing_ok=True)
        print(f"hipcoach: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {count} frames to {args.output}", file=sys.stderr)
    return EXIT_OK


def describe(result: dict[str, Any]) -> str:
    """A plain-language summary for people reading a terminal."""
    lines = [f"{result['path']}:"]
    if "holds" not in result:
        if not result["detected"]:
            lines.append("  no person found")
        elif result["in_position"]:
            lines.append(f"  in the stretch position, {result['stretched_side']} hip stretched")
        else:
            lines.append(f"  not in the stretch position ({result['view']})")
        for name, value in result["angles"].items():
            lines.append(f"  {name.replace('_', ' ')}: {value:.0f}°")
        for fault in result["faults"]:
            lines.append(f"  fault {fault['code']}: {fault['value']:.0f}° — {fault['cue']}")
        lines.append(f"  advice: {result['advice']}")
        return "\n".join(lines)
    lines.append(
        f"  {result['frames']} frames at {result['fps'] or 0:.1f}/s, "
        f"{result['duration_s']:.1f} s; person seen in {result['frames_with_person']} frames"
    )
    if not result["holds"]:
        lines.append("  no hold of the stretch found")
    for hold in result["holds"]:
        lines.append(
            f"  hold, {hold['side']} side, set {hold['set']}: {hold['start_s']:.1f}–"
            f"{hold['end_s']:.1f} s, good form {hold['good_form_s']:.1f} s"
        )
    for code, seconds in result["faults"].items():
        lines.append(f"  fault {code}: {seconds:.1f} s — {result['fault_cues'][code]}")
    lines.append(
        f"  sets done {result['sets_done']}/{result['sets_total']}"
        f" (hold {result['hold_target_s']:g} s); protocol "
        + ("completed" if result["protocol_completed"] else "not completed")
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
