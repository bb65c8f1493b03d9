"""People: patients who stretch at home and the clinicians who look after them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hipcoach.clinics.models import validate_timezone


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CLINICIAN = "clinician", _("Clinician")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PATIENT)
    clinic = models.ForeignKey(
        "clinics.Clinic",
        verbose_name=_("clinic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Where the person lives, for booking times; "" means the clinic's own time zone.
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    # A clinician who may edit the clinic's profile, hours and staff availability.
    is_clinic_admin = models.BooleanField(_("clinic administrator"), default=False)

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    def time_zone_name(self) -> str:
        """The person's own zone, else their clinic's, else the server's."""
        if self.timezone:
            return self.timezone
        if self.clinic is not None:
            return self.clinic.timezone
        return str(settings.TIME_ZONE)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
