"""Outcome measures free to use: the Patient-Specific Functional Scale and the chair-stand test.

Pain (NRS) comes from the daily check-in, hip extension and hold time from the sessions; no item
text of a licensed questionnaire is stored or shown.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PSFS_MAX_ACTIVITIES = 5


class PSFSActivity(models.Model):
    """An activity the patient finds hard because of the hip, in their own words."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="psfs_activities"
    )
    name = models.CharField(_("activity"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class PSFSRating(models.Model):
    """0 = unable to do the activity, 10 = able to do it as before the problem."""

    activity = models.ForeignKey(PSFSActivity, on_delete=models.CASCADE, related_name="ratings")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    rated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rated_at", "id"]


class ChairStandMethod(models.TextChoices):
    CAMERA = "camera", _("Counted by the camera")
    MANUAL = "manual", _("Counted by you")


class ChairStandResult(models.Model):
    """The 30-second chair-stand test: full stands from sitting in 30 seconds.

    ``count`` is the test's score, as CDC STEADI scores it: 0 when the patient used their hands
    to stand (``used_hands``: the arms were not crossed, or they pushed off the thighs or the
    chair). ``raw_count`` keeps the full stands done either way, for the clinician.
    """

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chair_stands"
    )
    count = models.PositiveSmallIntegerField(
        _("stands in 30 seconds"), validators=[MinValueValidator(0), MaxValueValidator(60)]
    )
    raw_count = models.PositiveSmallIntegerField(
        _("full stands, counting those done with the hands"),
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    used_hands = models.BooleanField(_("used the hands to stand"), default=False)
    method = models.CharField(max_length=8, choices=ChairStandMethod.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_hands=False, count=models.F("raw_count"))
                | models.Q(used_hands=True, count=0),
                name="chair_stand_score_follows_hands",
            )
        ]
