"""The font for PDF reports, Japanese and Latin, from a pinned npm package, quick to load.

Noto Sans JP (SIL Open Font License 1.1) comes from ``@fontsource/noto-sans-jp`` in
``node_modules`` (``make npm``; pinned in package.json), so a PDF never depends on the fonts a
machine happens to have (a bare Debian has no Japanese font at all: the text would be boxes).

Fontsource ships WOFF2. WeasyPrint reads WOFF2, but decompresses it in pure Python on every
document: about 3.5 s for the Japanese face. So each face is decompressed once to TrueType
into ``var/fonts/`` and WeasyPrint loads that (about 20 ms a document).

The base face is Fontsource's "japanese" subset: about 6,900 characters, the kana and kanji of
JIS X 0208 with Latin and punctuation. Rarer characters, such as the 髙 or 﨑 of many family
names, or accented Latin letters, are in Fontsource's other subsets: a document gets, beside the
base, just the subsets holding a character it uses that the base lacks, each declared with its
``unicode-range`` so that it is used for those characters alone.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from fontTools.ttLib import TTFont, woff2

PACKAGE = "@fontsource/noto-sans-jp"
FAMILY = "Noto Sans JP"
WEIGHTS = (400, 700)

_FACE = re.compile(
    r"src:\s*url\(\./files/(?P<file>[^)]+\.woff2)\)[^;]*;\s*unicode-range:\s*(?P<ranges>[^;]+);"
)
_lock = threading.Lock()


class FontsMissing(RuntimeError):
    """The font package is not installed; the message says how to install it."""


@dataclass(frozen=True, slots=True)
class Face:
    weight: int
    source: Path
    ranges: tuple[tuple[int, int], ...] = ()  # empty for the base face: every character

    def covers(self, codepoint: int) -> bool:
        return any(low <= codepoint <= high for low, high in self.ranges)


def package_dir() -> Path:
    return Path(settings.REPO_DIR) / "node_modules" / Path(*PACKAGE.split("/"))


def _version() -> str:
    manifest = package_dir() / "package.json"
    if not manifest.is_file():
        raise FontsMissing(f"{PACKAGE} is not installed: run `make npm` (npm ci)")
    return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])


def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    """``U+4e00-4e0f,U+3042`` as (first, last) code points."""
    out: list[tuple[int, int]] = []
    for item in text.split(","):
        low, _, high = item.strip().removeprefix("U+").partition("-")
        if "?" in low:  # U+4?? is U+400-4FF
            low, high = low.replace("?", "0"), low.replace("?", "F")
        out.append((int(low, 16), int(high or low, 16)))
    return tuple(out)


@cache
def faces() -> tuple[tuple[Face, ...], tuple[Face, ...]]:
    """(the base faces, one a weight; every other subset with its ranges)."""
    folder = package_dir()
    _version()
    base = tuple(
        Face(w, folder / "files" / f"noto-sans-jp-japanese-{w}-normal.woff2") for w in WEIGHTS
    )
    extra: list[Face] = []
    for w in WEIGHTS:
        css = (folder / f"{w}.css").read_text(encoding="utf-8")
        extra.extend(
            Face(w, folder / "files" / m["file"], _ranges(m["ranges"])) for m in _FACE.finditer(css)
        )
    missing = [f.source for f in (*base, *extra) if not f.source.is_file()]
    if missing or not extra:
        raise FontsMissing(f"{PACKAGE} is incomplete ({missing[:1]}): run `make npm` (npm ci)")
    return base, tuple(extra)


def cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "fonts" / f"noto-sans-jp-{_version()}"


def truetype(face: Face) -> Path:
    """The face as TrueType, decompressed once; written under a temporary name, then renamed."""
    target = cache_dir() / face.source.name.replace(".woff2", ".ttf")
    if target.is_file():
        return target
    with _lock:
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.name}.{os.getpid()}.part")
            with face.source.open("rb") as packed, partial.open("wb") as out:
                woff2.decompress(packed, out)
            os.replace(partial, target)
    return target


@cache
def _base_characters() -> frozenset[int]:
    base, _ = faces()
    with TTFont(truetype(base[0]), lazy=True) as font:
        return frozenset(font.getBestCmap())


def faces_for(text: str) -> list[Face]:
    """The base faces and the subsets that hold the characters of ``text`` the base lacks."""
    base, extra = faces()
    lacking = {ord(c) for c in set(text) if ord(c) > 0x7F} - _base_characters()
    return [*base, *(f for f in extra if any(f.covers(cp) for cp in lacking))]


def font_face_css(text: str) -> str:
    """``@font-face`` rules, pointing at local TrueType files, for a document of ``text``."""
    rules = []
    for face in faces_for(text):
        ranges = ""
        if face.ranges:
            ranges = "unicode-range: " + ",".join(
                f"U+{low:x}" if low == high else f"U+{low:x}-{high:x}" for low, high in face.ranges
            )
            ranges += ";"
        rules.append(
            f"@font-face {{ font-family: '{FAMILY}'; font-style: normal; "
            f"font-weight: {face.weight}; src: url('{truetype(face).as_uri()}'); {ranges} }}"
        )
    return "\n".join(rules)
