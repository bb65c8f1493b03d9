"""Cue texts in English and Japanese, kept as data so clinicians can reword them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from coach.events import Cue
from coach.protocol import LANGUAGES

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
KNOWN_PARAMS = frozenset({"side", "set", "seconds"})


class CueCatalogError(ValueError):
    """The cue file is incomplete or inconsistent."""


@dataclass(frozen=True, slots=True)
class CueCatalog:
    texts: dict[str, dict[str, str]]
    sides: dict[str, dict[str, str]]

    def text(self, cue: Cue, language: str = "en") -> str:
        """The cue as a sentence; an unknown code or language falls back, never raises."""
        lang = language if language in LANGUAGES else "en"
        template = self.texts.get(cue.code, {}).get(lang) or cue.code.replace("_", " ")
        params = dict(cue.params)
        if "side" in params:
            params["side"] = self.sides.get(params["side"], {}).get(lang, params["side"])
        return _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), template)


def parse(text: str) -> CueCatalog:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CueCatalogError(f"not valid TOML: {exc}") from None
    texts: dict[str, dict[str, str]] = {}
    for section in ("cues", "sides"):
        if not isinstance(data.get(section), dict):
            raise CueCatalogError(f"missing table [{section}]")
    for code, entry in {**data["cues"], **data["sides"]}.items():
        if not isinstance(entry, dict):
            raise CueCatalogError(f"cue {code!r} must be a table with en and ja text")
        missing = [lang for lang in LANGUAGES if not str(entry.get(lang, "")).strip()]
        if missing:
            raise CueCatalogError(f"cue {code!r} has no {', '.join(missing)} text")
        names = [set(_PLACEHOLDER.findall(entry[lang])) for lang in LANGUAGES]
        if names[0] != names[1] or not names[0] <= KNOWN_PARAMS:
            raise CueCatalogError(f"cue {code!r}: placeholders differ between languages")
        texts[code] = {lang: entry[lang] for lang in LANGUAGES}
    sides = {k: texts.pop(k) for k in data["sides"]}
    return CueCatalog(texts=texts, sides=sides)


@cache
def catalog() -> CueCatalog:
    return parse(resources.files("coach.data").joinpath("cues.toml").read_text(encoding="utf-8"))


def cue_text(cue: Cue, language: str = "en") -> str:
    return catalog().text(cue, language)
