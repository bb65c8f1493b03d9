"""The clinic a patient belongs to, and how to reach it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website_url = models.URLField(_("website"), blank=True)
    booking_url = models.URLField(_("online booking"), blank=True)
    map_url = models.URLField(_("map"), blank=True)
    whatsapp_url = models.URLField(_("WhatsApp"), blank=True)
    line_url = models.URLField(_("LINE"), blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Tokyo")

    class Meta:
        verbose_name = _("clinic")
        verbose_name_plural = _("clinics")

    def __str__(self) -> str:
        return self.name

    def display_name(self, language: str) -> str:
        return self.name_ja if language == "ja" and self.name_ja else self.name
