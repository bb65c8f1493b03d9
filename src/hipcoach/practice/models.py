"""Home practice: the prescribed program, each guided session, and each set as it finishes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from coach import protocol as protocols
from coach.assessment import Side
from coach.protocol import Protocol, ProtocolError

# What a clinician may prescribe for the person's own range, in whole degrees past the person's
# own set-up: the protocol's [own_range] bounds (half_kneeling_psoas.toml).
MIN_SHIFT_RANGE = (3, 15)
TARGET_SHIFT_RANGE = (3, 40)


class FirstSide(models.TextChoices):
    EITHER = "either", _("Either side")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")


class SideChoice(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")


class Variant(models.TextChoices):
    """The article's stretch and the modifications a clinician (or the check-in) can choose."""

    STANDARD = "", _("Half-kneeling stretch, as in the article")
    CUSHION = "cushion", _("Half-kneeling with a cushion under the knee")
    STANDING = "standing", _("Standing split-stance stretch (timer only)")


class Program(models.Model):
    """A prescription. Never edited: a change is a new row, so history shows what was in force.

    The newest one for a patient is the one in force.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programs"
    )
    protocol_id = models.CharField(max_length=64, default=protocols.DEFAULT_PROTOCOL)
    hold_s = models.PositiveSmallIntegerField(
        _("hold (seconds)"), default=30, validators=[MinValueValidator(20), MaxValueValidator(60)]
    )
    sets_per_side = models.PositiveSmallIntegerField(
        _("sets per side"), default=2, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    first_side = models.CharField(
        _("first side"), max_length=8, choices=FirstSide.choices, default=FirstSide.EITHER
    )
    variant = models.CharField(
        _("version of the stretch"),
        max_length=12,
        choices=Variant.choices,
        default=Variant.STANDARD,
        blank=True,
    )
    sessions_per_day = models.PositiveSmallIntegerField(
        _("sessions per day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    sessions_per_week = models.PositiveSmallIntegerField(
        _("days a week"), default=7, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    # The 30-second chair-stand test every N weeks; 0 when not prescribed.
    chair_stand_every_weeks = models.PositiveSmallIntegerField(
        _("chair-stand test every (weeks)"),
        default=0,
        validators=[MaxValueValidator(12)],
    )
    # The person's own range (coach.own_range), degrees past their own set-up; blank = the
    # protocol's default.
    target_shift = models.PositiveSmallIntegerField(
        _("target shift (degrees)"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(TARGET_SHIFT_RANGE[0]),
            MaxValueValidator(TARGET_SHIFT_RANGE[1]),
        ],
    )
    min_shift = models.PositiveSmallIntegerField(
        _("minimum shift to count (degrees)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_SHIFT_RANGE[0]), MaxValueValidator(MIN_SHIFT_RANGE[1])],
    )
    notes = models.TextField(_("notes to the patient"), blank=True)
    prescribed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def protocol(self) -> Protocol:
        return protocols.load(self.protocol_id).prescribed(
            hold_s=self.hold_s,
            sets_per_side=self.sets_per_side,
            first_side=self.first_side,
            target_shift=self.target_shift,
            min_shift=self.min_shift,
        )

    def clean(self) -> None:
        super().clean()
        target: float | None = self.target_shift
        minimum: float | None = self.min_shift
        if target is None or minimum is None:
            own = protocols.load(self.protocol_id).own_range
            if own is not None:
                target = own.target_shift if target is None else target
                minimum = own.min_shift if minimum is None else minimum
        if target is not None and minimum is not None and target < minimum:
            raise ValidationError(
                {
                    "target_shift": _(
                        "The target shift must be at least the minimum shift to count "
                        "(%(minimum)s degrees)."
                    )
                    % {"minimum": f"{minimum:g}"}
                }
            )
        try:
            self.protocol()
        except ProtocolError as error:
            raise ValidationError(str(error)) from None


class SessionStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


class SessionMode(models.TextChoices):
    CAMERA = "camera", _("Camera")
    TIMER = "timer", _("Timer only")


class StretchSession(models.Model):
    """One guided session. The prescription is copied in, so later changes don't rewrite it."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stretch_sessions"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sessions")
    protocol_id = models.CharField(max_length=64)
    hold_s = models.PositiveSmallIntegerField()
    sets_per_side = models.PositiveSmallIntegerField()
    first_side = models.CharField(max_length=8, choices=SideChoice.choices, blank=True)
    # The prescribed own range (Program.target_shift/min_shift); null = the protocol's default.
    target_shift = models.PositiveSmallIntegerField(null=True, blank=True)
    min_shift = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.ACTIVE
    )
    mode = models.CharField(max_length=8, choices=SessionMode.choices, default=SessionMode.CAMERA)
    # "" the article's stretch; "cushion" or "standing" when the check-in chose a modification.
    variant = models.CharField(max_length=12, blank=True)
    language = models.CharField(max_length=8, default="en")
    # The session's own clock (ms) when last saved: a reconnect continues from it.
    clock_ms = models.FloatField(default=0.0)
    # coach.timeline's stored form: phases and fault episodes, saved with each finished set.
    timeline = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    @property
    def is_active(self) -> bool:
        return self.status == SessionStatus.ACTIVE

    def protocol(self) -> Protocol:
        return protocols.load(self.protocol_id).prescribed(
            hold_s=self.hold_s,
            sets_per_side=self.sets_per_side,
            target_shift=self.target_shift,
            min_shift=self.min_shift,
        )

    def shift_target(self) -> float | None:
        """Degrees past the person's own set-up to aim for in this session, if any."""
        own = self.protocol().own_range
        return own.target_shift if own is not None else None

    def first(self) -> Side | None:
        return Side(self.first_side) if self.first_side else None

    def good_form_s(self) -> float:
        """Seconds of hold the camera saw in good form (timer-only sets do not count)."""
        return float(sum(s.good_form_s for s in self.sets.all() if s.form_checked))


class SetResult(models.Model):
    """A finished set, stored the moment it finishes so a dropped connection loses nothing."""

    session = models.ForeignKey(StretchSession, on_delete=models.CASCADE, related_name="sets")
    side = models.CharField(max_length=8, choices=SideChoice.choices)
    set_number = models.PositiveSmallIntegerField()
    target_s = models.FloatField()
    good_form_s = models.FloatField()
    completed = models.BooleanField(default=True)
    # False for timer-only sets: nothing checked the form, so their time is not "good form".
    form_checked = models.BooleanField(default=True)
    faults = models.JSONField(default=dict)
    # The furthest rear-hip extension reached ("reached", comparable session to session), and
    # the side's own set-up it started from (null: no baseline, the absolute line applied).
    max_rear_hip_extension = models.FloatField(null=True, blank=True)
    baseline_rear_hip_extension = models.FloatField(null=True, blank=True)
    finished_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finished_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "side", "set_number"], name="one_result_per_set"
            )
        ]

    @property
    def reached_shift(self) -> float | None:
        """Degrees past the person's own set-up reached in this set."""
        if self.baseline_rear_hip_extension is None or self.max_rear_hip_extension is None:
            return None
        return self.max_rear_hip_extension - self.baseline_rear_hip_extension

    def fault_list(self) -> list[tuple[str, float]]:
        return sorted(self.faults.items(), key=lambda item: -float(item[1]))
