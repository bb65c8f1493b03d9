"""The clinic's profile and its opening hours, as the clinic's administrator edits them."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from hipcoach.clinics.models import Clinic, OpeningHours, Weekday
from hipcoach.practice.models import Program

if TYPE_CHECKING:  # the stubs' generic forms; at run time Django's plain classes
    _ClinicForm = forms.ModelForm[Clinic]
    _HoursForm = forms.ModelForm[OpeningHours]
    _ProgramForm = forms.ModelForm[Program]
else:
    _ClinicForm = _HoursForm = _ProgramForm = forms.ModelForm


def _https_links(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Links typed without a scheme are taken as https, never plain http."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ClinicForm(_ClinicForm):
    class Meta:
        model = Clinic
        formfield_callback = _https_links
        fields = (
            "name",
            "name_ja",
            "address",
            "address_ja",
            "map_url",
            "phone",
            "email",
            "website_url",
            "booking_url",
            "whatsapp_url",
            "line_url",
            "timezone",
            "services",
            "services_ja",
            "appointment_minutes",
            "advice_line_name",
            "advice_line_phone",
            "see_care_lapse_days",
        )
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "address_ja": forms.Textarea(attrs={"rows": 3}),
            "services": forms.Textarea(attrs={"rows": 6}),
            "services_ja": forms.Textarea(attrs={"rows": 6}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "advice_line_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "see_care_lapse_days": forms.NumberInput(attrs={"min": 1, "max": 90}),
        }
        help_texts = {
            "map_url": _("A link to the clinic on a map, e.g. from Google Maps' Share button."),
            "phone": _("With the country code, e.g. +81 75 123 4567."),
            "whatsapp_url": _("https://wa.me/ followed by the number with country code, no +."),
            "line_url": _("The LINE add-friend link (line.me or lin.ee)."),
            "timezone": _("Opening hours and bookings are in this zone, e.g. Asia/Tokyo."),
            "services": _("One a line."),
            "services_ja": _("One a line."),
        }
        error_messages = {
            "see_care_lapse_days": {
                "min_value": _("Give 1 to 90 days, or leave it blank for never."),
                "max_value": _("Give 1 to 90 days, or leave it blank for never."),
                "invalid": _("Give 1 to 90 days, or leave it blank for never."),
            },
        }

    # Shown under their own heading: what patients are told on danger-sign pages, and how long
    # a "see your clinician" stop lasts.
    SAFETY_FIELDS = ("advice_line_name", "advice_line_phone", "see_care_lapse_days")

    def profile_fields(self) -> list[forms.BoundField]:
        return [f for f in self.visible_fields() if f.name not in self.SAFETY_FIELDS]

    def safety_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SAFETY_FIELDS]


class OpeningHoursForm(_HoursForm):
    class Meta:
        model = OpeningHours
        fields = ("weekday", "opens", "closes")
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


if TYPE_CHECKING:
    _HoursFormSet = BaseInlineFormSet[OpeningHours, Clinic, "OpeningHoursForm"]
else:
    _HoursFormSet = BaseInlineFormSet


class BaseOpeningHoursFormSet(_HoursFormSet):
    """Periods on one day may not overlap: a patient must see one clear answer per hour."""

    def clean(self) -> None:
        super().clean()
        by_day: dict[int, list[tuple[Any, Any]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or data.get("opens") is None
                or data.get("closes") is None
            ):
                continue
            by_day.setdefault(int(data["weekday"]), []).append((data["opens"], data["closes"]))
        for day, periods in sorted(by_day.items()):
            periods.sort()
            for (_opens, closes), (next_opens, _closes) in itertools.pairwise(periods):
                if next_opens < closes:
                    raise forms.ValidationError(
                        _("Opening periods on %(day)s overlap."),
                        code="overlap",
                        params={"day": Weekday(day).label},
                    )


OpeningHoursFormSet = inlineformset_factory(
    Clinic,
    OpeningHours,
    form=OpeningHoursForm,
    formset=BaseOpeningHoursFormSet,
    extra=3,
    can_delete=True,
)


def _range(message: Any) -> dict[str, Any]:
    return {"min_value": message, "max_value": message, "invalid": message}


class ProgramForm(_ProgramForm):
    """A new prescription. Saved by the do_prescribe action as a new version, never in place."""

    class Meta:
        model = Program
        fields = (
            "variant",
            "hold_s",
            "sets_per_side",
            "first_side",
            "sessions_per_day",
            "sessions_per_week",
            "chair_stand_every_weeks",
            "target_shift",
            "min_shift",
            "notes",
        )
        widgets = {
            "variant": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "hold_s": _(
                "20 to 60 seconds. The article's program: 20–30 seconds; for older adults, "
                "ACSM advises 30–60 seconds."
            ),
            "sets_per_side": _("1 to 4. The article's program: 2–3 sets a side."),
            "sessions_per_day": _("1 to 3."),
            "sessions_per_week": _("1 to 7."),
            "chair_stand_every_weeks": _("0 to 12 weeks; 0 means the test is not prescribed."),
            "target_shift": _(
                "3 to 40 degrees past the patient's own upright kneeling, measured by the camera "
                "at the start of each side. Leave blank for the default, 10 (a gentle shift)."
            ),
            "min_shift": _(
                "3 to 15 degrees; the hold counts from this shift on. Leave blank for the "
                "default, 5 (just above the camera's measuring noise)."
            ),
            "notes": _("The patient reads this on their home page, in your words."),
        }
        error_messages = {
            "hold_s": _range(_("The hold must be between 20 and 60 seconds.")),
            "sets_per_side": _range(_("Sets per side must be between 1 and 4.")),
            "sessions_per_day": _range(_("Sessions per day must be between 1 and 3.")),
            "sessions_per_week": _range(_("Days a week must be between 1 and 7.")),
            "chair_stand_every_weeks": _range(
                _("The chair-stand test interval must be between 0 and 12 weeks.")
            ),
            "target_shift": _range(_("The target shift must be between 3 and 40 degrees.")),
            "min_shift": _range(_("The minimum shift to count must be between 3 and 15 degrees.")),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["variant"].required = False

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
