"""What the engine concludes about a frame: can it see, is it the stretch, which side, faults."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Side(StrEnum):
    """The person's own side (verified laterality), never just the pose model's label."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class View(StrEnum):
    """Whether the frame can be judged at all; anything but OK means "say so, don't guess"."""

    OK = "ok"
    NO_PERSON = "no_person"
    LOW_VISIBILITY = "low_visibility"
    NOT_SIDE_ON = "not_side_on"
    # Framing problems: judged before the pose, each with its own cue (in ``unmet``).
    CUT_OFF = "cut_off"  # hips, knees or feet outside the picture
    TOO_SMALL = "too_small"  # the person is too small in the picture to measure


class Posture(StrEnum):
    """Coarse position, from the legs and trunk, before form is judged."""

    UNKNOWN = "unknown"
    OTHER = "other"
    HALF_KNEELING = "half_kneeling"


@dataclass(frozen=True, slots=True)
class Fault:
    """A broken form rule: ``value`` measured against ``target`` ± ``tolerance`` (degrees)."""

    code: str
    value: float
    target: float
    tolerance: float


@dataclass(frozen=True, slots=True)
class Assessment:
    timestamp_ms: float
    view: View
    posture: Posture = Posture.UNKNOWN
    side: Side | None = None
    angles: Mapping[str, float] = field(default_factory=dict)
    faults: tuple[Fault, ...] = ()
    # Rule ids of the position itself that are not met yet (e.g. "rear_knee_down"): the cue for
    # someone getting into position, as opposed to faults of someone already in it.
    unmet: tuple[str, ...] = ()
    # The landmark index each angle is measured at, for drawing it in the right place.
    anchors: Mapping[str, int] = field(default_factory=dict)

    @property
    def in_position(self) -> bool:
        return self.view is View.OK and self.posture is Posture.HALF_KNEELING

    @property
    def good_form(self) -> bool:
        return self.in_position and not self.faults
