"""Daily check-ins, the stops they raise, and the health profile they are read against.

A check-in is one day's answers. A stop is a danger sign the clinic must see: it holds until a
clinician clears it, whatever the patient answers next. The health profile holds what does not
change from day to day (a hip replacement, osteoporosis...), asked once and versioned.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hipcoach.checkin.screening import Level


class CheckIn(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    pain_now = models.PositiveSmallIntegerField(
        null=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    symptoms = models.JSONField(default=dict)  # symptom -> "left" | "right" | "both"
    answers = models.JSONField(default=list)  # the screening questions answered yes
    outcome = models.CharField(max_length=8)  # proceed | modify | stop
    level = models.CharField(max_length=12, blank=True)  # the most urgent rule's level
    flags = models.JSONField(default=list)  # ids of every rule triggered
    # Rules the clinician had accepted as known for this patient: reported, but not a stop.
    known = models.JSONField(default=list)
    modification = models.CharField(max_length=12, blank=True)
    rules_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def stops(self) -> bool:
        return self.outcome == "stop"


class HipReplacement(models.TextChoices):
    NONE = "none", _("No")
    LEFT = "left", _("Left hip")
    RIGHT = "right", _("Right hip")
    BOTH = "both", _("Both hips")


class SurgicalApproach(models.TextChoices):
    UNKNOWN = "unknown", _("I don't know")
    ANTERIOR = "anterior", _("Anterior (from the front)")
    POSTERIOR = "posterior", _("Posterior (from the back)")
    LATERAL = "lateral", _("Lateral (from the side)")


class HealthProfile(models.Model):
    """One version of what the patient told us once: every change is a new row, so the
    clinician sees who changed what and when."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="health_profiles"
    )
    created_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    hip_replacement = models.CharField(
        _("Have you had a hip replacement?"),
        max_length=8,
        choices=HipReplacement.choices,
        default=HipReplacement.NONE,
    )
    hip_approach = models.CharField(
        _("How was it done?"),
        max_length=10,
        choices=SurgicalApproach.choices,
        default=SurgicalApproach.UNKNOWN,
    )
    hip_replacement_date = models.DateField(_("When (roughly)?"), null=True, blank=True)
    surgeon_cleared = models.BooleanField(
        _("My surgeon has said this hip stretch is right for me"), default=False
    )
    osteoporosis = models.BooleanField(_("Osteoporosis (thin, fragile bones)"), default=False)
    pregnancy = models.BooleanField(_("I am pregnant"), default=False)
    balance_problems = models.BooleanField(
        _("I get dizzy, lose my balance or have fallen in the last year"), default=False
    )
    knee_problems = models.BooleanField(
        _("I have knee problems (kneeling can hurt)"), default=False
    )
    cancer_history = models.BooleanField(_("I have had cancer"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    FLAGS = ("osteoporosis", "pregnancy", "balance_problems", "knee_problems", "cancer_history")
    # What the patient or clinician answers (the rest is who and when).
    FIELDS = ("hip_replacement", "hip_approach", "hip_replacement_date", "surgeon_cleared", *FLAGS)

    def facts(self) -> frozenset[str]:
        """The profile's part of the screening facts (screening.PROFILE_FACTS)."""
        facts = {name for name in self.FLAGS if getattr(self, name)}
        if self.hip_replacement != HipReplacement.NONE:
            facts.add("hip_replacement")
            if self.surgeon_cleared:
                facts.add("surgeon_cleared")
        return frozenset(facts)

    @property
    def needs_surgeon(self) -> bool:
        """A hip replacement the surgeon has not cleared: no hip-extension stretch at all."""
        return self.hip_replacement != HipReplacement.NONE and not self.surgeon_cleared


class StopState(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Seen by the clinic")
    CLEARED = "cleared", _("Cleared")
    LAPSED = "lapsed", _("Lapsed")


class StopQuerySet(models.QuerySet["Stop"]):
    def in_force(self, now: datetime) -> StopQuerySet:
        """Stops that still block stretching and the chair-stand test."""
        return self.filter(cleared_at__isnull=True).filter(
            Q(lapses_at__isnull=True) | Q(lapses_at__gt=now)
        )

    def unacknowledged(self) -> StopQuerySet:
        return self.filter(acknowledged_at__isnull=True)


class Stop(models.Model):
    """A danger sign reported by the patient (or the rising-pain button): no stretching until a
    clinician clears it, and the clinic is told at once."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stops"
    )
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="raised_stops"
    )
    profile = models.ForeignKey(
        HealthProfile,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="raised_stops",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    level = models.CharField(max_length=12)
    flags = models.JSONField(default=list)  # the rule ids that hold
    # A see-care stop may lift itself after the clinic's chosen time; the others never do.
    lapses_at = models.DateTimeField(null=True, blank=True)
    notified = models.PositiveSmallIntegerField(default=0)  # clinicians emailed
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = StopQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def level_enum(self) -> Level:
        return Level[self.level.upper()]

    def state(self, now: datetime) -> StopState:
        if self.cleared_at is not None:
            return StopState.CLEARED
        if self.lapses_at is not None and self.lapses_at <= now:
            return StopState.LAPSED
        if self.acknowledged_at is not None:
            return StopState.ACKNOWLEDGED
        return StopState.NEW

    def in_force(self, now: datetime) -> bool:
        return self.state(now) in (StopState.NEW, StopState.ACKNOWLEDGED)


class StopNote(models.Model):
    """What a clinician did or advised about a stop, in the order written."""

    stop = models.ForeignKey(Stop, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(max_length=2000)
    cleared = models.BooleanField(default=False)  # this note lifted the stop

    class Meta:
        ordering = ["created_at", "id"]


class KnownSign(models.Model):
    """A see-care sign the clinician has checked and accepts as the patient's usual (a
    long-standing cold leg, say): reported again, it is recorded but no longer stops.
    Emergency and doctor-today signs can never be made known."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_signs"
    )
    rule_id = models.CharField(max_length=64)
    accepted_at = models.DateTimeField(default=timezone.now)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "rule_id"], name="known_sign_once")
        ]
