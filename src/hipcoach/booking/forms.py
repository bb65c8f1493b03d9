"""Booking forms. Times come back as ISO instants of offered slots and are re-checked."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hipcoach.accounts.models import User
from hipcoach.booking.models import MAX_TIME_OFF, Availability
from hipcoach.clinics.models import Weekday

ANYONE = ""


def parse_instant(value: str) -> datetime:
    """An offered slot as posted back: an ISO 8601 instant with its offset."""
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValidationError(
            _("That time could not be read. Please choose a time shown.")
        ) from exc
    if instant.tzinfo is None:
        raise ValidationError(_("That time could not be read. Please choose a time shown."))
    return instant.astimezone(UTC)


class InstantField(forms.CharField):
    def to_python(self, value: object) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        return parse_instant(text) if text else None


def _clinician_choices(clinicians: list[User]) -> list[tuple[str, str]]:
    return [(ANYONE, str(_("Anyone who is free")))] + [(str(c.pk), str(c)) for c in clinicians]


class ClinicianChoice(forms.ChoiceField):
    def __init__(self, clinicians: list[User], *, hidden: bool = False) -> None:
        super().__init__(
            label=_("With whom"),
            choices=_clinician_choices(clinicians),
            required=False,
            widget=forms.HiddenInput if hidden else forms.Select,
        )
        self.people = {str(c.pk): c for c in clinicians}

    def chosen(self, value: str) -> User | None:
        return self.people.get(value)


class FindForm(forms.Form):
    """Choose a clinician (or anyone) and a day, in the patient's own calendar."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, clinicians: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["clinician"] = ClinicianChoice(clinicians)
        self.order_fields(["clinician", "day"])

    def chosen_clinician(self) -> User | None:
        field = self.fields["clinician"]
        assert isinstance(field, ClinicianChoice)
        return field.chosen(str(self.cleaned_data.get("clinician") or ""))

    def chosen_day(self) -> date:
        day: date = self.cleaned_data["day"]
        return day


class BookForm(forms.Form):
    """The confirmation: one offered start, the clinician (or anyone), and an optional note."""

    starts_at = InstantField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Anything the clinic should know (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, clinicians: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["clinician"] = ClinicianChoice(clinicians, hidden=True)

    def chosen_clinician(self) -> User | None:
        field = self.fields["clinician"]
        assert isinstance(field, ClinicianChoice)
        return field.chosen(str(self.cleaned_data.get("clinician") or ""))

    def chosen_start(self) -> datetime:
        start: datetime = self.cleaned_data["starts_at"]
        return start


class AvailabilityForm(forms.Form):
    """A weekly working period, in the clinic's local time; must not overlap another."""

    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: object, clinician: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.clinician = clinician

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        weekday, starts, ends = data.get("weekday"), data.get("starts"), data.get("ends")
        if (
            not isinstance(weekday, int)
            or not isinstance(starts, time)
            or not isinstance(ends, time)
        ):
            return data
        if ends <= starts:
            self.add_error("ends", _("The end must be after the start."))
            return data
        clash = Availability.objects.filter(
            clinician=self.clinician, weekday=weekday, starts__lt=ends, ends__gt=starts
        ).exists()
        if clash:
            self.add_error("starts", _("This overlaps a period you already have on that day."))
        return data


_LOCAL_MINUTE = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TimeOffForm(forms.Form):
    """A holiday or absence, typed as wall times of the clinic's zone.

    The fields are read under the clinic's zone, so "9:00" means 9:00 at the clinic whatever
    the server's zone; a wall time the clocks skip or repeat is refused by Django's own check.
    It may start earlier today (someone off sick since the morning) but not on a past day.
    """

    starts_at = forms.DateTimeField(label=_("From"), widget=_LOCAL_MINUTE)
    ends_at = forms.DateTimeField(label=_("Until"), widget=_LOCAL_MINUTE)
    note = forms.CharField(
        label=_("Note (optional, for the clinic only)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, zone: ZoneInfo, now: datetime, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "off")
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.now = now

    def full_clean(self) -> None:
        with timezone.override(self.zone):
            super().full_clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if not isinstance(starts, datetime) or not isinstance(ends, datetime):
            return data
        today = timezone.localtime(self.now, self.zone).date()
        if timezone.localtime(starts, self.zone).date() < today:
            self.add_error("starts_at", _("The time off cannot start on a day already past."))
        elif ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        elif ends <= self.now:
            self.add_error("ends_at", _("This time is already over."))
        elif ends - starts > MAX_TIME_OFF:
            self.add_error("ends_at", _("Time off can be at most a year long."))
        return data

    def period(self) -> tuple[datetime, datetime, str]:
        data = self.cleaned_data
        return data["starts_at"], data["ends_at"], data["note"]
