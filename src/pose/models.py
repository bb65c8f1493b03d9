"""Where the built pose bundles live, and a clear error when they are not there."""

from __future__ import annotations

import os
from pathlib import Path

VARIANTS = ("lite", "full", "heavy")
DEFAULT_VARIANT = "full"
MODEL_DIR = Path(__file__).resolve().parent / "models"
ENV_MODEL = "HIPCOACH_POSE_MODEL"


class ModelMissing(RuntimeError):
    """The bundle was never built; ``make models`` builds it offline."""


def bundle_path(variant: str = DEFAULT_VARIANT, model_dir: Path = MODEL_DIR) -> Path:
    if variant not in VARIANTS:
        raise ValueError(f"unknown pose model {variant!r}: choose one of {', '.join(VARIANTS)}")
    return model_dir / f"pose_landmarker_{variant}.task"


def find_bundle(variant: str = DEFAULT_VARIANT) -> Path:
    """The bundle to load: ``$HIPCOACH_POSE_MODEL`` if set, else the one ``make models`` built."""
    override = os.environ.get(ENV_MODEL)
    path = Path(override) if override else bundle_path(variant)
    if not path.is_file():
        raise ModelMissing(
            f"pose model not found at {path}. Build it with `make models` "
            "(it assembles the bundle from the installed packages; no download)."
        )
    return path
