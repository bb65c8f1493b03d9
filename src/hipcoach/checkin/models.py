"""Daily check-ins: pain, leg symptoms with their side, screening answers, and the outcome."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class CheckIn(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    pain_now = models.PositiveSmallIntegerField(
        null=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    symptoms = models.JSONField(default=dict)  # symptom -> "left" | "right" | "both"
    answers = models.JSONField(default=list)  # the screening questions answered yes
    outcome = models.CharField(max_length=8)  # proceed | modify | stop
    level = models.CharField(max_length=12, blank=True)  # the most urgent rule's level
    flags = models.JSONField(default=list)  # ids of every rule triggered
    modification = models.CharField(max_length=12, blank=True)
    rules_version = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def stops(self) -> bool:
        return self.outcome == "stop"
