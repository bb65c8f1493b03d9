"""Assemble MediaPipe ``.task`` pose bundles from models the package registries ship.

No registry ships a ready ``pose_landmarker.task`` and clinics are often offline, so the build
makes one: the person detector from the mediapipe 0.10.14 wheel plus a landmark model (lite,
full or heavy) from the npm package ``@mediapipe/pose``, each given the input-normalisation
metadata the Tasks API requires. The browser serves the same bundle: one model, one API.

Run ``python -m pose.bundle --npm-pose node_modules/@mediapipe/pose``; ``make`` does.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from pose.models import MODEL_DIR, VARIANTS, bundle_path

_DETECTOR_IN_WHEEL = Path("modules/pose_detection/pose_detection.tflite")
# (mean, std, feature outputs) that MediaPipe's own pose bundles declare.
_DETECTOR_NORM = (127.5, 127.5, 2)
_LANDMARKER_NORM = (0.0, 255.0, 5)


def _with_metadata(model: bytes, name: str, norm: tuple[float, float, int]) -> bytes:
    from mediapipe.tasks.python.metadata.metadata_writers import (  # noqa: PLC0415
        metadata_writer,
    )

    mean, std, outputs = norm
    writer = metadata_writer.MetadataWriter.create(bytearray(model))
    try:
        with warnings.catch_warnings():
            # mediapipe 0.10.14 opens the model as a zip and never closes the file.
            warnings.simplefilter("ignore", ResourceWarning)
            writer.add_general_info(
                name, "hipcoach build of a registry-shipped MediaPipe pose model"
            )
            writer.add_image_input(norm_mean=[mean], norm_std=[std])
            for _ in range(outputs):
                writer.add_feature_output()
            populated, _ = writer.populate()
    finally:
        # ...and leaves its scratch folder to the garbage collector, which warns too.
        scratch = getattr(writer, "_temp_folder", None)
        if scratch is not None:
            scratch.cleanup()
    return bytes(populated)


def wheel_detector() -> Path:
    import mediapipe  # noqa: PLC0415

    path = Path(mediapipe.__file__).parent / _DETECTOR_IN_WHEEL
    if not path.is_file():
        raise FileNotFoundError(f"the pose detector is not in this mediapipe install: {path}")
    return path


def build(
    npm_pose_dir: Path, out_dir: Path = MODEL_DIR, variants: tuple[str, ...] = VARIANTS
) -> list[Path]:
    from mediapipe.tasks.python.metadata.metadata_writers import (  # noqa: PLC0415
        model_asset_bundle_utils,
    )

    detector = _with_metadata(wheel_detector().read_bytes(), "pose_detector", _DETECTOR_NORM)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for variant in variants:
        source = npm_pose_dir / f"pose_landmark_{variant}.tflite"
        if not source.is_file():
            raise FileNotFoundError(f"{source} is missing: run `npm ci` (make does)")
        landmarker = _with_metadata(
            source.read_bytes(), "pose_landmarks_detector", _LANDMARKER_NORM
        )
        target = bundle_path(variant, out_dir)
        partial = target.with_suffix(".part")
        model_asset_bundle_utils.create_model_asset_bundle(
            {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarker},
            str(partial),
        )
        partial.replace(target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--npm-pose", type=Path, required=True, help="node_modules/@mediapipe/pose")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    args = parser.parse_args(argv)
    try:
        for path in build(args.npm_pose, args.out):
            print(f"built {path} ({path.stat().st_size / 1e6:.1f} MB)")
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
