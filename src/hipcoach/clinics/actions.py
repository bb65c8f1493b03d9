"""Writes for the clinic (do_*): its profile and opening hours change together or not at all."""

from __future__ import annotations

from django.db import transaction
from django.forms import BaseInlineFormSet

from hipcoach.clinics.forms import ClinicForm, OpeningHoursForm
from hipcoach.clinics.models import Clinic, OpeningHours


@transaction.atomic
def do_update_clinic(
    form: ClinicForm, hours: BaseInlineFormSet[OpeningHours, Clinic, OpeningHoursForm]
) -> Clinic:
    """Both forms already valid: save the profile and the hours in one transaction."""
    clinic = form.save()
    hours.instance = clinic
    hours.save()
    return clinic
