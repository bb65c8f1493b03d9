"""The anatomy behind the stretch, as validated data: structures, typed relations, evidence.

``anatomy.toml`` beside this module holds the model and the Learn page's teaching text in
English and Japanese. It is checked on load, so a typo fails loudly with the entry named::

    model = load()
    minor = model.structure("psoas_minor")
    minor.name.get("ja")                                   # "小腰筋"
    [model.sentence(r, "en") for r in model.relations_of("psoas_minor")]
    model.relations_with(Evidence.CLINIC_HYPOTHESIS)       # the clinic's working explanation

Every relation says how sure we are of it: ``established`` (textbook anatomy) or
``clinic_hypothesis`` (the clinic article's explanation, not established fact).

Pure Python: no Django, so the engine's tools and tests can read it too.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from coach.protocol import Text

__all__ = [
    "LANGUAGES",
    "AnatomyError",
    "AnatomyModel",
    "Evidence",
    "Kind",
    "LabelSide",
    "Note",
    "Relation",
    "RelationType",
    "RelationWords",
    "Structure",
    "Teaching",
    "Text",
    "load",
    "parse",
]

LANGUAGES = ("en", "ja")
SUPPORTED_VERSIONS = frozenset({1})

_ID = re.compile(r"[a-z][a-z0-9_]*")
_FMA = re.compile(r"FMA:[0-9]+")
_UBERON = re.compile(r"UBERON:[0-9]{7}")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


_E = TypeVar("_E", bound=StrEnum)


class AnatomyError(ValueError):
    """A malformed anatomy file; the message names the entry at fault."""


class Kind(StrEnum):
    MUSCLE = "muscle"
    FASCIA = "fascia"
    VESSEL = "vessel"
    NERVE = "nerve"
    BONE = "bone"
    JOINT = "joint"
    SPACE = "space"
    REGION = "region"


class RelationType(StrEnum):
    ORIGIN = "origin"  # a muscle arises from a bone
    INSERTION = "insertion"  # a muscle attaches to a bone
    CONTINUOUS_WITH = "continuous_with"  # tissue carries on into another
    FORMS = "forms"  # makes up part of a larger structure
    ENCLOSES = "encloses"  # surrounds
    LATERAL_TO = "lateral_to"  # lies on the outer side of
    STABILISES = "stabilises"  # holds steady
    FLEXES = "flexes"  # bends (a joint or the spine)


class Evidence(StrEnum):
    ESTABLISHED = "established"  # textbook anatomy
    CLINIC_HYPOTHESIS = "clinic_hypothesis"  # the clinic's working explanation, not established


class LabelSide(StrEnum):
    """Where a node's name is drawn, relative to the node."""

    LEFT = "left"
    RIGHT = "right"
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True, slots=True)
class Note:
    """A remark about a structure (such as how often it is absent), with where it comes from."""

    text: Text
    source: Text


@dataclass(frozen=True, slots=True)
class Structure:
    id: str
    kind: Kind
    name: Text
    short: Text  # the name drawn on the diagram (the full name unless the file gives one)
    description: Text
    notes: tuple[Note, ...]
    fma: str | None
    uberon: str | None
    x: float
    y: float
    label_side: LabelSide

    def name_in_sentence(self, language: str) -> str:
        """The name inside a sentence: English names lower-cased unless they start with a code."""
        name = self.name.get(language)
        if language == "ja" or len(name) < 2 or not name[1].islower():
            return name
        return name[0].lower() + name[1:]


@dataclass(frozen=True, slots=True)
class Relation:
    from_id: str
    type: RelationType
    to_id: str
    evidence: Evidence
    source: Text  # where the relation comes from, in words

    def touches(self, structure_id: str) -> bool:
        return structure_id in (self.from_id, self.to_id)

    def other(self, structure_id: str) -> str:
        return self.to_id if structure_id == self.from_id else self.from_id


@dataclass(frozen=True, slots=True)
class RelationWords:
    label: Text  # short, drawn on the diagram
    sentence: Text  # with {from} and {to}


@dataclass(frozen=True, slots=True)
class Teaching:
    """The Learn page's prose, in our own words; the tuples are paragraphs."""

    title: Text
    lead: Text
    safety_heading: Text
    safety: tuple[Text, ...]
    safety_contact: Text
    care_heading: Text
    care: tuple[Text, ...]
    why_heading: Text
    why: tuple[Text, ...]
    diagram_heading: Text
    diagram_help: Text
    diagram_title: Text
    diagram_scroll: Text
    orientation_medial: Text
    orientation_lateral: Text
    detail_empty: Text
    legend_established: Text
    legend_hypothesis: Text
    evidence_heading: Text
    established_heading: Text
    established: tuple[Text, ...]
    hypothesis_heading: Text
    hypothesis: tuple[Text, ...]
    hypothesis_relations: Text
    stretch_heading: Text
    steps_heading: Text
    tips_heading: Text
    hold_heading: Text
    hold: tuple[Text, ...]
    parts_heading: Text
    parts_help: Text
    connections_label: Text
    source_label: Text
    reference_label: Text

    def localised(self, language: str) -> dict[str, str | list[str]]:
        """Every text in one language: paragraphs as lists, the rest as strings."""
        out: dict[str, str | list[str]] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = (
                [t.get(language) for t in value]
                if isinstance(value, tuple)
                else value.get(language)
            )
        return out


_TEACHING_PARAGRAPHS = frozenset({"safety", "care", "why", "established", "hypothesis", "hold"})


@dataclass(frozen=True, slots=True)
class AnatomyModel:
    version: int
    width: float
    height: float
    kinds: Mapping[Kind, Text]
    relation_words: Mapping[RelationType, RelationWords]
    evidence_words: Mapping[Evidence, Text]
    structures: tuple[Structure, ...]
    relations: tuple[Relation, ...]
    teaching: Teaching

    def structure(self, structure_id: str) -> Structure:
        for s in self.structures:
            if s.id == structure_id:
                return s
        raise KeyError(structure_id)

    def relations_of(self, structure_id: str) -> tuple[Relation, ...]:
        """The relations a structure takes part in, either way round, in file order."""
        return tuple(r for r in self.relations if r.touches(structure_id))

    def relations_with(self, evidence: Evidence) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.evidence == evidence)

    def sentence(self, relation: Relation, language: str) -> str:
        """The relation in words, in ``language``."""
        template = self.relation_words[relation.type].sentence.get(language)
        return template.replace(
            "{from}", self.structure(relation.from_id).name_in_sentence(language)
        ).replace("{to}", self.structure(relation.to_id).name_in_sentence(language))


@cache
def load() -> AnatomyModel:
    """The model shipped beside this module (read and validated once per process)."""
    text = resources.files("hipcoach.learn").joinpath("anatomy.toml").read_text(encoding="utf-8")
    return parse(text, origin="anatomy.toml")


def parse(text: str, origin: str = "<anatomy>") -> AnatomyModel:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AnatomyError(f"{origin}: not valid TOML: {exc}") from None
    try:
        return _build(data)
    except AnatomyError as exc:
        raise AnatomyError(f"{origin}: {exc}") from None


# -- reading -----------------------------------------------------------------------------------


class _Entry:
    """One table of the file, with the path used in error messages (``relations[3]``)."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise AnatomyError(f"{where} must be a table")
        self.data: Mapping[str, Any] = data
        self.where = where

    def fail(self, message: str) -> AnatomyError:
        return AnatomyError(f"{self.where}: {message}")

    def only(self, allowed: frozenset[str]) -> None:
        """Refuse keys we do not know: a typo must fail loudly, not be ignored."""
        unknown = sorted(set(self.data) - allowed)
        if unknown:
            raise self.fail(f"unknown keys: {', '.join(unknown)}")

    def string(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be a non-empty string")
        return value

    def optional(self, key: str, pattern: re.Pattern[str]) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise self.fail(f"{key} {value!r} is not a valid identifier")
        return value

    def text(self, key: str, what: str | None = None) -> Text:
        if key not in self.data:
            raise self.fail(f"missing {what or key} (en and ja text)")
        return _text(self.data[key], f"{self.where}.{key}")

    def texts(self, key: str) -> tuple[Text, ...]:
        items = self.data.get(key)
        if not isinstance(items, list) or not items:
            raise self.fail(f"{key} must be a non-empty array of tables")
        return tuple(_text(item, f"{self.where}.{key}[{n}]") for n, item in enumerate(items))

    def number(self, key: str, low: float, high: float) -> float:
        value = self.data.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(f"{key} must be a number")
        if not low <= value <= high:
            raise self.fail(f"{key} must lie between {low:g} and {high:g}, got {value}")
        return float(value)

    def choice(self, key: str, enum: type[_E], what: str) -> _E:
        value = self.data.get(key)
        known = ", ".join(e.value for e in enum)
        if not isinstance(value, str):
            raise self.fail(f"missing {what} (one of: {known})")
        try:
            return enum(value)
        except ValueError:
            raise self.fail(f"unknown {what} {value!r} (known: {known})") from None


def _text(data: object, where: str) -> Text:
    entry = _Entry(data, where)
    missing = [lang for lang in LANGUAGES if lang not in entry.data]
    if missing:
        raise entry.fail(f"missing {' and '.join(missing)} text")
    entry.only(frozenset(LANGUAGES))
    return Text(en=entry.string("en"), ja=entry.string("ja"))


def _words(data: Mapping[str, Any], key: str, enum: type[StrEnum]) -> dict[str, Any]:
    """A table keyed by an enum's values: every value present, no other key."""
    table = _Entry(data.get(key, {}), f"[{key}]")
    known = {e.value for e in enum}
    unknown = sorted(set(table.data) - known)
    if unknown:
        raise table.fail(f"unknown {key.rstrip('s').replace('_', ' ')} {unknown[0]!r}")
    missing = sorted(known - set(table.data))
    if missing:
        raise table.fail(f"missing words for {', '.join(missing)}")
    return dict(table.data)


_TOP_KEYS = frozenset(
    {
        "version",
        "layout",
        "kinds",
        "relation_types",
        "evidence",
        "structures",
        "relations",
        "teaching",
    }
)
_STRUCTURE_KEYS = frozenset(
    {"id", "kind", "at", "label", "name", "short", "description", "notes", "fma", "uberon"}
)
_RELATION_KEYS = frozenset({"from", "type", "to", "evidence", "source"})


def _build(data: Mapping[str, Any]) -> AnatomyModel:
    top = _Entry(data, "file")
    top.only(_TOP_KEYS)
    version = data.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or version not in SUPPORTED_VERSIONS
    ):
        raise AnatomyError(f"version must be one of {sorted(SUPPORTED_VERSIONS)}, got {version!r}")
    layout = _Entry(data.get("layout"), "[layout]")
    layout.only(frozenset({"width", "height"}))
    width = layout.number("width", 100, 10_000)
    height = layout.number("height", 100, 10_000)

    kinds = {Kind(k): _text(v, f"[kinds].{k}") for k, v in _words(data, "kinds", Kind).items()}
    relation_words = {
        RelationType(k): _relation_words(v, f"[relation_types].{k}")
        for k, v in _words(data, "relation_types", RelationType).items()
    }
    evidence_words = {
        Evidence(k): _text(v, f"[evidence].{k}")
        for k, v in _words(data, "evidence", Evidence).items()
    }

    structures = _structures(data.get("structures"), width, height)
    relations = _relations(data.get("relations"), {s.id for s in structures})
    linked = {i for r in relations for i in (r.from_id, r.to_id)}
    for s in structures:
        if s.id not in linked:
            raise AnatomyError(f"structure {s.id!r} takes part in no relation")

    return AnatomyModel(
        version=version,
        width=width,
        height=height,
        kinds=kinds,
        relation_words=relation_words,
        evidence_words=evidence_words,
        structures=structures,
        relations=relations,
        teaching=_teaching(data.get("teaching")),
    )


def _relation_words(data: object, where: str) -> RelationWords:
    entry = _Entry(data, where)
    entry.only(frozenset({"label", "sentence"}))
    sentence = entry.text("sentence")
    for language in LANGUAGES:
        found = sorted(_PLACEHOLDER.findall(sentence.get(language)))
        if found != ["from", "to"]:
            raise entry.fail(f"the {language} sentence needs {{from}} and {{to}} once each")
    return RelationWords(label=entry.text("label"), sentence=sentence)


def _structures(items: object, width: float, height: float) -> tuple[Structure, ...]:
    if not isinstance(items, list) or not items:
        raise AnatomyError("[[structures]] must be a non-empty array of tables")
    out: list[Structure] = []
    seen: set[str] = set()
    for n, item in enumerate(items):
        entry = _Entry(item, f"structures[{n}]")
        sid = entry.data.get("id")
        if not isinstance(sid, str) or not _ID.fullmatch(sid):
            raise entry.fail(f"id {sid!r} must be lower-case letters, digits and _")
        entry.where = f"structures[{n}] ({sid})"
        entry.only(_STRUCTURE_KEYS)
        if sid in seen:
            raise entry.fail(f"duplicate id {sid!r}")
        seen.add(sid)
        at = entry.data.get("at")
        if (
            not isinstance(at, list)
            or len(at) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in at)
            or not (0 <= at[0] <= width and 0 <= at[1] <= height)
        ):
            raise entry.fail(f"at must be [x, y] inside the {width:g} x {height:g} layout")
        notes_data = entry.data.get("notes", [])
        if not isinstance(notes_data, list):
            raise entry.fail("notes must be an array of tables")
        name = entry.text("name")
        short = entry.text("short") if "short" in entry.data else name
        for language in LANGUAGES:
            if short.get(language).casefold() not in name.get(language).casefold():
                # Screen readers announce the full name; what is drawn must be part of it.
                raise entry.fail(f"the {language} short name must be part of the full name")
        out.append(
            Structure(
                id=sid,
                kind=entry.choice("kind", Kind, "kind"),
                name=name,
                short=short,
                description=entry.text("description"),
                notes=tuple(
                    _note(note, f"{entry.where}.notes[{i}]") for i, note in enumerate(notes_data)
                ),
                fma=entry.optional("fma", _FMA),
                uberon=entry.optional("uberon", _UBERON),
                x=float(at[0]),
                y=float(at[1]),
                label_side=entry.choice("label", LabelSide, "label side"),
            )
        )
    return tuple(out)


def _note(data: object, where: str) -> Note:
    entry = _Entry(data, where)
    entry.only(frozenset({*LANGUAGES, "source"}))
    missing = [lang for lang in LANGUAGES if lang not in entry.data]
    if missing:
        raise entry.fail(f"missing {' and '.join(missing)} text")
    text = Text(en=entry.string("en"), ja=entry.string("ja"))
    return Note(text=text, source=entry.text("source", "source note"))


def _relations(items: object, ids: set[str]) -> tuple[Relation, ...]:
    if not isinstance(items, list) or not items:
        raise AnatomyError("[[relations]] must be a non-empty array of tables")
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for n, item in enumerate(items):
        entry = _Entry(item, f"relations[{n}]")
        entry.where = (
            f"relations[{n}] ({entry.data.get('from')} {entry.data.get('type')} "
            f"{entry.data.get('to')})"
        )
        entry.only(_RELATION_KEYS)
        ends = (entry.string("from"), entry.string("to"))
        for end in ends:
            if end not in ids:
                raise entry.fail(f"unknown structure id {end!r}")
        if ends[0] == ends[1]:
            raise entry.fail("a structure cannot be related to itself")
        relation = Relation(
            from_id=ends[0],
            type=entry.choice("type", RelationType, "relation type"),
            to_id=ends[1],
            evidence=entry.choice("evidence", Evidence, "evidence"),
            source=entry.text("source", "source note"),
        )
        key = (relation.from_id, relation.type.value, relation.to_id)
        if key in seen:
            raise entry.fail("duplicate relation")
        seen.add(key)
        out.append(relation)
    return tuple(out)


def _teaching(data: object) -> Teaching:
    entry = _Entry(data, "[teaching]")
    names = [f.name for f in fields(Teaching)]
    entry.only(frozenset(names))
    values: dict[str, Any] = {
        name: entry.texts(name) if name in _TEACHING_PARAGRAPHS else entry.text(name)
        for name in names
    }
    return Teaching(**values)
