"""People: patients who stretch at home and the clinicians who look after them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hipcoach.clinics.models import validate_timezone

validate_phone_number = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{5,30}$",
    _("Enter a phone number: digits, spaces and dashes, with + first for another country."),
)


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
    # So the clinic can call a patient who reported a danger sign.
    phone = models.CharField(
        _("phone"), max_length=40, blank=True, validators=[validate_phone_number]
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


class Invitation(models.Model):
    """A one-time link a clinician gives a new patient to make their own account.

    Only a hash of the token is stored: a database leak does not hand out usable links.
    """

    clinic = models.ForeignKey(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    name = models.CharField(_("name (optional)"), max_length=150, blank=True)
    email = models.EmailField(_("email (optional)"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitation"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name or self.email or f"#{self.pk}"

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now

    def state(self, now: datetime) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "open"
