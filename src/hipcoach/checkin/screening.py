"""Red-flag screening before a stretch: answers in, what to do out. Pure Python, no Django.

The rules are data (redflags.toml) with their sources; this module turns the check-in answers
into named facts and finds every rule they trigger. The most urgent rule decides: a red flag
stops the session and sends the person to care; a "modify" rule swaps the kneeling stretch for
a documented modification. The wording lives in the data and never names a diagnosis.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from importlib import resources
from typing import Any

SIDES = ("none", "left", "right", "both")
SYMPTOMS = ("leg_coldness", "leg_swelling", "numbness_tingling", "weakness", "walking_discomfort")
# What the daily check-in asks: only what can change from one day to the next.
QUESTIONS = (
    "breathless_or_chest_pain",
    "leg_changed_suddenly",
    "leg_shortened_or_turned",
    "saddle_numbness",
    "bladder_bowel_new",
    "numb_or_weak_both_new",
    "recent_fall",
    "fall_cannot_bear_weight",
    "pain_bearing_weight",
    "leg_pain",
    "leg_warm_or_red",
    "leg_pale",
    "weakness_new",
    "recent_travel_surgery_immobility",
    "fever",
    "hot_swollen_joint",
    "night_pain_wakes",
    "weight_loss_unexplained",
    "pain_rose_during_stretch",
    "cannot_kneel",
    "kneeling_hurts",
)
# What the health profile says: asked once, kept and versioned (models.HealthProfile).
PROFILE_FACTS = (
    "hip_replacement",
    "surgeon_cleared",
    "osteoporosis",
    "pregnancy",
    "balance_problems",
    "knee_problems",
    "cancer_history",
)
FACTS = frozenset(
    {
        *QUESTIONS,
        *PROFILE_FACTS,
        "leg_cold",
        "leg_numb",
        "leg_weak",
        "swelling_any",
        "swelling_one_side",
        "swelling_both",
        "new_weakness",
        "both_legs_new",
        "pain_severe",
    }
    - {"weakness_new", "numb_or_weak_both_new"}
)
SEVERE_PAIN = 8
MODIFICATIONS = ("standing", "cushion")  # in order of precedence
TRIGGERS = ("checkin", "profile")


class Level(IntEnum):
    """How urgent, most urgent highest. NO_STRETCH and above stop today's stretch; SEE_CARE and
    above hold until a clinician clears them (a new check-in cannot)."""

    MODIFY = 1
    NO_STRETCH = 2
    SEE_CARE = 3
    URGENT = 4
    EMERGENCY = 5

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def stops(self) -> bool:
        return self >= Level.NO_STRETCH

    @property
    def holds(self) -> bool:
        """A stop that stays until a clinician clears it."""
        return self >= Level.SEE_CARE


class RulesError(ValueError):
    """The red-flag file is malformed; the message names the rule."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: Level
    all: frozenset[str]
    any: frozenset[str]
    none: frozenset[str]
    advice: Mapping[str, str]
    source: str
    modification: str | None = None
    trigger: str = "checkin"

    def matches(self, facts: frozenset[str]) -> bool:
        return (
            self.all <= facts
            and (not self.any or bool(self.any & facts))
            and not (self.none & facts)
        )


@dataclass(frozen=True, slots=True)
class RuleSet:
    version: int
    rules: tuple[Rule, ...]
    modification_steps: Mapping[str, tuple[Mapping[str, str], ...]]


@dataclass(frozen=True, slots=True)
class Answers:
    """One check-in. ``symptoms`` maps each of SYMPTOMS to one of SIDES; ``profile`` holds the
    health profile's facts in force at the time (PROFILE_FACTS)."""

    pain_now: int
    symptoms: Mapping[str, str] = field(default_factory=dict)
    yes: frozenset[str] = frozenset()
    profile: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not 0 <= self.pain_now <= 10:
            raise ValueError("pain must be 0 to 10")
        for name, side in self.symptoms.items():
            if name not in SYMPTOMS or side not in SIDES:
                raise ValueError(f"unknown symptom or side: {name}={side}")
        unknown = self.yes - set(QUESTIONS)
        if unknown:
            raise ValueError(f"unknown questions: {', '.join(sorted(unknown))}")
        unknown = self.profile - set(PROFILE_FACTS)
        if unknown:
            raise ValueError(f"unknown profile facts: {', '.join(sorted(unknown))}")

    def side(self, symptom: str) -> str:
        return self.symptoms.get(symptom, "none")

    def facts(self) -> frozenset[str]:
        """The named facts the rules are written in. A sign counts with or without its side:
        someone who ticks "new weakness" but no leg has still reported new weakness."""
        facts = (set(self.yes) | set(self.profile)) - {"weakness_new", "numb_or_weak_both_new"}
        if self.side("leg_coldness") != "none":
            facts.add("leg_cold")
        swelling = self.side("leg_swelling")
        if swelling != "none":
            facts.add("swelling_any")
        if swelling in ("left", "right"):
            facts.add("swelling_one_side")
        if swelling == "both":
            facts.add("swelling_both")
        if self.side("numbness_tingling") != "none":
            facts.add("leg_numb")
        if self.side("weakness") != "none":
            facts.add("leg_weak")
        if "weakness_new" in self.yes:
            facts.add("new_weakness")
        both_new = "weakness_new" in self.yes and "both" in (
            self.side("weakness"),
            self.side("numbness_tingling"),
        )
        if both_new or "numb_or_weak_both_new" in self.yes:
            facts.add("both_legs_new")
        if self.pain_now >= SEVERE_PAIN:
            facts.add("pain_severe")
        return frozenset(facts)


@dataclass(frozen=True, slots=True)
class Screening:
    triggered: tuple[Rule, ...]

    @property
    def level(self) -> Level | None:
        return max((r.level for r in self.triggered), default=None)

    @property
    def stops(self) -> bool:
        return self.level is not None and self.level.stops

    @property
    def modification(self) -> str | None:
        if self.stops:
            return None
        chosen = {r.modification for r in self.triggered if r.modification}
        return next((m for m in MODIFICATIONS if m in chosen), None)

    @property
    def holds(self) -> bool:
        """Whether the stop stays until a clinician clears it."""
        return self.level is not None and self.level.holds

    @property
    def outcome(self) -> str:
        if self.stops:
            return "stop"
        return "modify" if self.modification else "proceed"


def screen(answers: Answers, rules: RuleSet | None = None) -> Screening:
    """The check-in's screening: every rule its facts trigger, most urgent first. Profile-
    triggered rules are left out: they raise their stop once, when the profile changes."""
    ruleset = rules or load()
    facts = answers.facts()
    return _screening(r for r in ruleset.rules if r.trigger == "checkin" and r.matches(facts))


def screen_profile_change(
    before: frozenset[str], after: frozenset[str], rules: RuleSet | None = None
) -> Screening:
    """The profile rules that a change of the health profile newly triggers."""
    ruleset = rules or load()
    return _screening(
        r
        for r in ruleset.rules
        if r.trigger == "profile" and r.matches(after) and not r.matches(before)
    )


def _screening(rules: Iterable[Rule]) -> Screening:
    return Screening(tuple(sorted(rules, key=lambda r: (-r.level, r.id))))


@cache
def load() -> RuleSet:
    text = resources.files("hipcoach.checkin").joinpath("redflags.toml").read_text("utf-8")
    return parse(text)


def parse(text: str) -> RuleSet:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"not valid TOML: {exc}") from None
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RulesError("needs [[rules]]")
    rules = tuple(_rule(item, n) for n, item in enumerate(raw_rules))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RulesError("rule ids must be unique")
    steps: dict[str, tuple[Mapping[str, str], ...]] = {}
    for name, table in (data.get("modifications") or {}).items():
        if name not in MODIFICATIONS:
            raise RulesError(f"unknown modification {name!r}")
        items = table.get("steps") if isinstance(table, Mapping) else None
        if not isinstance(items, list) or not items:
            raise RulesError(f"modification {name!r} needs steps")
        steps[name] = tuple(_text(step, f"modifications.{name}.steps") for step in items)
    for rule in rules:
        if rule.modification and rule.modification not in steps:
            raise RulesError(f"{rule.id}: modification {rule.modification!r} has no steps")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise RulesError("version must be a whole number")
    return RuleSet(version=version, rules=rules, modification_steps=steps)


def _text(item: Any, where: str) -> Mapping[str, str]:
    if not isinstance(item, Mapping) or not all(
        isinstance(item.get(lang), str) and item[lang].strip() for lang in ("en", "ja")
    ):
        raise RulesError(f"{where}: needs en and ja text")
    return {"en": item["en"], "ja": item["ja"]}


def _rule(item: Any, n: int) -> Rule:
    if not isinstance(item, Mapping):
        raise RulesError(f"rules[{n}] must be a table")
    rid = item.get("id")
    if not isinstance(rid, str) or not rid:
        raise RulesError(f"rules[{n}] needs an id")
    try:
        level = Level[str(item.get("level", "")).upper()]
    except KeyError:
        raise RulesError(
            f"{rid}: level must be emergency, urgent, see_care, no_stretch or modify"
        ) from None
    sets = {}
    for key in ("all", "any", "none"):
        names = item.get(key, [])
        if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
            raise RulesError(f"{rid}: {key} must be a list of fact names")
        unknown = set(names) - FACTS
        if unknown:
            raise RulesError(f"{rid}: unknown facts {', '.join(sorted(unknown))}")
        sets[key] = frozenset(names)
    if not sets["all"] and not sets["any"]:
        raise RulesError(f"{rid}: needs facts in all or any")
    source = item.get("source")
    if not isinstance(source, str) or not source.strip():
        raise RulesError(f"{rid}: needs a source")
    modification = item.get("modification")
    if (level is Level.MODIFY) != (modification is not None):
        raise RulesError(f"{rid}: a modify rule names its modification, and only it")
    trigger = item.get("trigger", "checkin")
    if trigger not in TRIGGERS:
        raise RulesError(f"{rid}: trigger must be checkin or profile")
    if trigger == "profile" and not level.holds:
        raise RulesError(f"{rid}: a profile rule raises a stop that holds (see_care or above)")
    unknown_keys = set(item) - {
        "trigger",
        "id",
        "level",
        "all",
        "any",
        "none",
        "advice",
        "source",
        "modification",
    }
    if unknown_keys:
        raise RulesError(f"{rid}: unknown keys {', '.join(sorted(unknown_keys))}")
    return Rule(
        id=rid,
        level=level,
        all=sets["all"],
        any=sets["any"],
        none=sets["none"],
        advice=_text(item.get("advice"), f"{rid}.advice"),
        source=source,
        modification=modification,
        trigger=trigger,
    )
