"""The report's period and language, asked for with GET so a report has a plain link."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hipcoach.reports.report import MAX_RANGE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To (included)"), widget=DATE, input_formats=["%Y-%m-%d"])
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date):
            if end < start:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif end - start >= MAX_RANGE:
                self.add_error("end", _("A report can cover at most two years."))
        return data


def initial_for(today: date, language: str) -> dict[str, Any]:
    """The last twelve weeks up to today, in the patient's own language."""
    return {"start": today - timedelta(weeks=12), "end": today, "language": language}
