"""Copy the browser's third-party files into ``src/hipcoach/static/vendor/``, offline.

The live session page runs MediaPipe's pose landmarker in the browser, served from our own
origin so that it works without a CDN (the page's Content-Security-Policy allows nothing else).
Everything comes from the pinned npm packages in ``node_modules`` (``make npm``) and the pose
model bundles assembled by ``make models``:

    vendor/vision_bundle.mjs                      @mediapipe/tasks-vision
    vendor/wasm/vision_wasm_internal.{js,wasm}    its WebAssembly (SIMD)
    vendor/wasm/vision_wasm_nosimd_internal.*     fallback for browsers without Wasm SIMD
    vendor/axe.min.js                             axe-core, for accessibility checks in tests
    vendor/pose_landmarker_{lite,full}.task       the pose model bundles

Usage (from the repository root)::

    .venv/bin/python scripts/vendor_static.py

Safe to re-run: unchanged files are left alone, files no longer vendored are removed (hidden
files such as the Makefile's stamp are kept), and each action is printed. Exits with status 1
and says which command to run when a source is missing.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO / "node_modules"
MODELS = REPO / "src" / "pose" / "models"
DEST = REPO / "src" / "hipcoach" / "static" / "vendor"

TASKS_VISION = "@mediapipe/tasks-vision"
AXE = "axe-core"


class VendorError(Exception):
    """A source file is missing or stale; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class Asset:
    """One file to copy: where from, where to (relative to the vendor folder), how to get it."""

    source: Path
    target: str
    remedy: str


def _npm(package: str, *parts: str) -> Path:
    return NODE_MODULES.joinpath(*package.split("/"), *parts)


def assets() -> list[Asset]:
    npm = "run `make npm` (npm ci --no-audit --no-fund)"
    models = "run `make models` to assemble the pose model bundles"
    # FilesetResolver.forVisionTasks() loads the nosimd pair where WebAssembly SIMD is missing.
    wasm = [
        f"vision_wasm_{variant}.{ext}"
        for variant in ("internal", "nosimd_internal")
        for ext in ("js", "wasm")
    ]
    return [
        Asset(_npm(TASKS_VISION, "vision_bundle.mjs"), "vision_bundle.mjs", npm),
        *(Asset(_npm(TASKS_VISION, "wasm", name), f"wasm/{name}", npm) for name in wasm),
        Asset(_npm(AXE, "axe.min.js"), "axe.min.js", npm),
        *(
            Asset(MODELS / f"pose_landmarker_{size}.task", f"pose_landmarker_{size}.task", models)
            for size in ("lite", "full")
        ),
    ]


def check_npm_versions() -> None:
    """The installed packages must be the versions package.json pins (a stale node_modules)."""
    wanted: dict[str, str] = json.loads((REPO / "package.json").read_text(encoding="utf-8"))[
        "dependencies"
    ]
    for package in (TASKS_VISION, AXE):
        manifest = _npm(package, "package.json")
        if not manifest.is_file():
            raise VendorError(f"{package} is not installed: run `make npm`")
        installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        if package in wanted and installed != wanted[package]:
            raise VendorError(
                f"{package} {installed} is installed but package.json pins {wanted[package]}: "
                "run `make npm`"
            )


def _show(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _copy(source: Path, target: Path) -> None:
    """Copy via a temporary name, so a half-written file is never served."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)
    os.replace(partial, target)


def vendor(dest: Path) -> list[str]:
    """Bring ``dest`` up to date; return one line per action taken."""
    wanted = assets()
    missing = [a for a in wanted if not a.source.is_file()]
    if missing:
        lines = [f"  {_show(a.source)}: {a.remedy}" for a in missing]
        raise VendorError("missing source files:\n" + "\n".join(lines))
    check_npm_versions()

    report: list[str] = []
    for asset in wanted:
        target = dest / asset.target
        if target.is_file() and filecmp.cmp(asset.source, target, shallow=False):
            report.append(f"unchanged {_show(target)}")
            continue
        _copy(asset.source, target)
        size = target.stat().st_size / 1e6
        report.append(f"copied    {_show(asset.source)} -> {_show(target)} ({size:.1f} MB)")

    keep = {dest / a.target for a in wanted}
    for path in sorted(dest.rglob("*"), reverse=True):
        # Hidden files are left alone: the Makefile keeps its stamp here.
        if path.is_file() and path not in keep and not path.name.startswith("."):
            path.unlink()
            report.append(f"removed   {_show(path)}")
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Copy the pose runtime, its model bundles and axe-core into "
        f"{DEST.relative_to(REPO)}/ (a git-ignored folder this script owns)."
    )
    parser.parse_args(argv)
    try:
        for line in vendor(DEST):
            print(line)
    except VendorError as exc:
        print(f"vendor_static: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
