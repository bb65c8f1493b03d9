"""The check-in form: big, plain choices; every label translated."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hipcoach.accounts.models import validate_phone_number
from hipcoach.checkin.models import HealthProfile
from hipcoach.checkin.screening import QUESTIONS, SYMPTOMS, Answers

SIDE_CHOICES = [
    ("none", _("No")),
    ("left", pgettext_lazy("leg", "Left")),
    ("right", pgettext_lazy("leg", "Right")),
    ("both", _("Both")),
]
SYMPTOM_LABELS = {
    "leg_coldness": _("Does a leg feel cold?"),
    "leg_swelling": _("Is a leg swollen?"),
    "numbness_tingling": _("Numbness or tingling in a leg?"),
    "weakness": _("Weakness in a leg?"),
    "walking_discomfort": _("Discomfort or tiredness when walking?"),
}
QUESTION_LABELS = {
    "breathless_or_chest_pain": _("Chest pain, or shortness of breath that came on suddenly"),
    "leg_changed_suddenly": _(
        "A leg suddenly turned cold, pale or blue, numb or weak (within hours)"
    ),
    "leg_shortened_or_turned": _(
        "Sudden hip pain, and the leg looks shorter or turned outwards or inwards"
    ),
    "saddle_numbness": _("Numbness between the legs or around the bottom"),
    "bladder_bowel_new": _("New trouble passing or holding urine or stool"),
    "numb_or_weak_both_new": _("New numbness or weakness in both legs"),
    "leg_pain": _("Pain or tenderness in the calf or thigh"),
    "leg_warm_or_red": _("A leg that is warm to the touch or red"),
    "leg_pale": _("A leg that looks pale or bluish"),
    "weakness_new": _("Leg weakness that is new or getting worse"),
    "recent_travel_surgery_immobility": _(
        "A long journey, an operation, or much less moving about in the last 4 weeks"
    ),
    "recent_fall": _("A fall since your last check-in"),
    "fall_cannot_bear_weight": _("After a fall, I cannot stand or put weight on the leg"),
    "pain_bearing_weight": _("Pain when you put weight on a leg, since a fall"),
    "fever": _("A fever, or feeling hot and shivery"),
    "hot_swollen_joint": _("A joint that is hot and swollen"),
    "night_pain_wakes": _("Pain at night that wakes you up"),
    "weight_loss_unexplained": _("Losing weight without trying"),
    "pain_rose_during_stretch": _("During your last stretch, the pain kept getting worse"),
    "cannot_kneel": _("Today I cannot get down to kneel and up again safely"),
    "kneeling_hurts": _("Today kneeling hurts my knee"),
}
GROUPS = (
    (
        _("Sudden or serious signs"),
        (
            "breathless_or_chest_pain",
            "leg_changed_suddenly",
            "leg_shortened_or_turned",
            "saddle_numbness",
            "bladder_bowel_new",
            "numb_or_weak_both_new",
        ),
    ),
    (
        _("Your legs today"),
        (
            "leg_pain",
            "leg_warm_or_red",
            "leg_pale",
            "weakness_new",
            "recent_travel_surgery_immobility",
        ),
    ),
    (
        _("Falls, fever and pain"),
        (
            "recent_fall",
            "fall_cannot_bear_weight",
            "pain_bearing_weight",
            "fever",
            "hot_swollen_joint",
            "night_pain_wakes",
            "weight_loss_unexplained",
            "pain_rose_during_stretch",
        ),
    ),
    (_("Kneeling today"), ("cannot_kneel", "kneeling_hurts")),
)
assert sorted(q for _, qs in GROUPS for q in qs) == sorted(QUESTIONS)


class CheckInForm(forms.Form):
    pain_now = forms.TypedChoiceField(
        label=_("How strong is your hip pain right now? 0 is no pain, 10 is the worst imaginable."),
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a number from 0 to 10.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SYMPTOMS:
            self.fields[name] = forms.ChoiceField(
                label=SYMPTOM_LABELS[name],
                choices=SIDE_CHOICES,
                initial="none",
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer, or choose No.")},
            )
        for name in QUESTIONS:
            self.fields[name] = forms.BooleanField(label=QUESTION_LABELS[name], required=False)

    def symptom_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SYMPTOMS]

    def question_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), [self[name] for name in names]) for title, names in GROUPS]

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(
            pain_now=int(data["pain_now"]),
            symptoms={name: data[name] for name in SYMPTOMS},
            yes=frozenset(name for name in QUESTIONS if data.get(name)),
        )


if TYPE_CHECKING:  # the stubs' generic forms; at run time Django's plain class
    _ProfileForm = forms.ModelForm[HealthProfile]
else:
    _ProfileForm = forms.ModelForm


class HealthProfileForm(_ProfileForm):
    """Asked once, changed when life changes: by the patient or their clinician."""

    class Meta:
        model = HealthProfile
        fields = HealthProfile.FIELDS
        widgets = {
            "hip_replacement": forms.RadioSelect,
            "hip_approach": forms.RadioSelect,
            "hip_replacement_date": forms.DateInput(attrs={"type": "date"}),
        }

    phone = forms.CharField(
        label=_("Your phone number, so your clinic can call you"),
        max_length=40,
        required=False,
        validators=[validate_phone_number],
    )

    def __init__(self, *args: Any, now: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._today = now
        self.fields["hip_replacement_date"].help_text = _("Leave it empty if you are not sure.")

    def clean_hip_replacement_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("hip_replacement_date")
        if value is not None and not date(1950, 1, 1) <= value <= self._today:
            raise forms.ValidationError(_("Enter a date between 1950 and today."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("hip_replacement", "none") == "none":
            data["hip_approach"] = "unknown"
            data["hip_replacement_date"] = None
            data["surgeon_cleared"] = False
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def radio_fields(self) -> list[forms.BoundField]:
        return [self["hip_replacement"], self["hip_approach"]]

    def flag_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in HealthProfile.FLAGS]


class StopReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note: what you did or advised"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a short note: what you did or advised.")},
    )
    decision = forms.ChoiceField(
        label=_("Stretching"),
        choices=[
            ("keep", _("Keep stopped for now")),
            ("clear", _("Cleared: the patient may stretch again")),
        ],
        initial="keep",
        widget=forms.RadioSelect,
    )
    known = forms.BooleanField(
        label=_(
            "These signs are usual for this patient and checked: record them, but do not stop "
            "for them again"
        ),
        required=False,
    )
