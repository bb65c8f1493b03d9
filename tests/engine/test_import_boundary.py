"""The engine must run where MediaPipe, OpenCV and Django are not installed (or not wanted)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import coach

FORBIDDEN = ("mediapipe", "cv2", "django")


def engine_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.walk_packages(coach.__path__, prefix="coach."))


def test_engine_modules_found():
    modules = engine_modules()
    for name in ("coach.session", "coach.coaching", "coach.landmarks", "coach.protocols"):
        assert name in modules


def test_importing_the_engine_loads_no_adapter_or_web_code():
    modules = ["coach", *engine_modules()]
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from coach import cues, protocol\n"
        "protocol.load(); cues.catalog()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = json.loads(result.stdout)
    assert "coach.session" in loaded
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert bad == []
    # Nor the project's own adapters.
    assert not [m for m in loaded if m.split(".")[0] in ("pose", "hipcoach")]
