from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hipcoach.progress.models import PSFS_MAX_ACTIVITIES


class PSFSForm(forms.Form):
    """Up to five activities in the patient's own words, each rated 0–10 today."""

    def __init__(self, *args: object, activities: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for n in range(PSFS_MAX_ACTIVITIES):
            self.fields[f"activity_{n}"] = forms.CharField(
                label=_("Activity %(n)s") % {"n": n + 1},
                max_length=120,
                required=False,
                initial=activities[n] if n < len(activities) else "",
            )
            self.fields[f"score_{n}"] = forms.TypedChoiceField(
                label=_("How well can you do it today? 0 = unable, 10 = as before"),
                choices=[("", "—")] + [(str(i), str(i)) for i in range(11)],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for n in range(PSFS_MAX_ACTIVITIES):
            name, score = data.get(f"activity_{n}"), data.get(f"score_{n}")
            if name and score is None:
                self.add_error(f"score_{n}", _("Please rate this activity from 0 to 10."))
            if score is not None and not name:
                self.add_error(f"activity_{n}", _("Please name the activity you rated."))
        return data

    def pairs(self) -> list[tuple[str, int]]:
        return [
            (str(self.cleaned_data[f"activity_{n}"]).strip(), int(self.cleaned_data[f"score_{n}"]))
            for n in range(PSFS_MAX_ACTIVITIES)
            if self.cleaned_data.get(f"activity_{n}")
        ]

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"activity_{n}"], self[f"score_{n}"]) for n in range(PSFS_MAX_ACTIVITIES)]


class ChairStandForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many full stands did you do in 30 seconds?"), min_value=0, max_value=60
    )
    used_hands = forms.BooleanField(
        label=_("I had to use my hands"),
        help_text=_(
            "Tick this if you pushed off your legs or the chair, or uncrossed your arms to get "
            "up. The test then scores 0, and your clinician sees how many times you stood."
        ),
        required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "used-hands-help"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"), widget=forms.PasswordInput, strip=False
    )
