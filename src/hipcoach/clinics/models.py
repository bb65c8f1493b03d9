"""The clinic a patient belongs to: its profile, opening hours, and how to reach it."""

from __future__ import annotations

import re
import zoneinfo
from datetime import time
from urllib.parse import quote, urlparse

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone name such as Asia/Tokyo."), params={"value": value}
        )


def _check_host(value: str, hosts: tuple[str, ...], example: str) -> None:
    host = (urlparse(value).hostname or "").lower()
    if host not in hosts:
        raise ValidationError(_("Use a link of the form %(example)s."), params={"example": example})


def validate_whatsapp(value: str) -> None:
    """The one-tap chat link: wa.me with the number, never a third-party redirect."""
    _check_host(value, ("wa.me",), "https://wa.me/81XXXXXXXXXX")


def validate_line(value: str) -> None:
    _check_host(value, ("line.me", "lin.ee", "page.line.me"), "https://line.me/R/ti/p/@id")


_ADVICE_PHONE = re.compile(r"[0-9+#\- ]*[0-9][0-9+#\- ]*")


def validate_advice_phone(value: str) -> None:
    """A number to dial: digits, spaces, +, # and - only (e.g. #7119 or +81 75 123 4567)."""
    if not _ADVICE_PHONE.fullmatch(value):
        raise ValidationError(
            _("Use only digits, spaces and + # -, e.g. #7119."), code="invalid_advice_phone"
        )


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    address_ja = models.TextField(_("address in Japanese"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website_url = models.URLField(_("website"), blank=True)
    booking_url = models.URLField(_("online booking"), blank=True)
    map_url = models.URLField(_("map"), blank=True)
    whatsapp_url = models.URLField(_("WhatsApp"), blank=True, validators=[validate_whatsapp])
    line_url = models.URLField(_("LINE"), blank=True, validators=[validate_line])
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Tokyo", validators=[validate_timezone]
    )
    # One service a line, as the clinic writes it in each language.
    services = models.TextField(_("services treated"), blank=True)
    services_ja = models.TextField(_("services treated, in Japanese"), blank=True)
    appointment_minutes = models.PositiveSmallIntegerField(
        _("appointment length (minutes)"),
        default=60,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    # The out-of-hours medical advice line patients are pointed to beside 119 on danger-sign
    # pages, e.g. the prefecture's #7119 emergency advice centre.
    advice_line_name = models.CharField(
        _("out-of-hours advice line"),
        max_length=100,
        blank=True,
        help_text=_(
            "Shown to patients on danger-sign pages beside 119: who to call when they are not "
            "sure it is an emergency, e.g. the prefecture's emergency advice line (#7119)."
        ),
    )
    advice_line_phone = models.CharField(
        _("advice line's number"),
        max_length=30,
        blank=True,
        validators=[validate_advice_phone],
        help_text=_("The number to call, e.g. #7119. Digits, spaces and + # - only."),
    )
    # Read by the check-in gate: blank means a "see your clinician" stop never lifts itself.
    see_care_lapse_days = models.PositiveSmallIntegerField(
        _("days before a 'see your clinician' stop lifts itself"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "1 to 90 days, or blank for never. A 'see your clinician' stop lifts itself after "
            "this many days if no clinician has cleared it. Emergency and 'see a doctor today' "
            "stops never lift by themselves."
        ),
    )

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.advice_line_name.strip() and not self.advice_line_phone.strip():
            raise ValidationError(
                {"advice_line_phone": _("Give the advice line's number as well as its name.")}
            )

    def display_name(self, language: str) -> str:
        return self.name_ja if language == "ja" and self.name_ja else self.name

    def display_address(self, language: str) -> str:
        return self.address_ja if language == "ja" and self.address_ja else self.address

    @property
    def has_advice_line(self) -> bool:
        return bool(self.advice_line_phone.strip())

    @property
    def advice_line_label(self) -> str:
        """The line's name with its number, once ("救急安心センター (#7119)", or just "#7119")."""
        name, phone = self.advice_line_name.strip(), self.advice_line_phone.strip()
        return name if phone in name else f"{name} {phone}".strip()

    @property
    def advice_line_href(self) -> str:
        """A tel: link to the advice line; # is escaped, or a browser takes it as a fragment."""
        number = re.sub(r"[ \-]", "", self.advice_line_phone)
        return "tel:" + quote(number, safe="+")

    def service_list(self, language: str) -> list[str]:
        text = self.services_ja if language == "ja" and self.services_ja else self.services
        return [line.strip() for line in text.splitlines() if line.strip()]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period on a weekday, in the clinic's own time zone (lunch = two periods)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="opening_closes_after_opens"
            )
        ]

    def clean(self) -> None:
        opens, closes = self.opens, self.closes
        if isinstance(opens, time) and isinstance(closes, time) and closes <= opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


def week_of_hours(clinic: Clinic) -> list[tuple[str, list[OpeningHours]]]:
    """Each weekday, Monday first, with its opening periods (none: closed that day)."""
    periods: dict[int, list[OpeningHours]] = {day: [] for day in Weekday.values}
    for hours in clinic.opening_hours.all():
        periods[hours.weekday].append(hours)
    return [(str(Weekday(day).label), periods[day]) for day in Weekday.values]
