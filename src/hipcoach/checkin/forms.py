"""The check-in form: big, plain choices; every label translated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    "leg_pain": _("Pain or tenderness in the calf or thigh"),
    "leg_warm_or_red": _("A leg that is warm to the touch or red"),
    "leg_pale": _("A leg that looks pale or bluish"),
    "recent_travel_surgery_immobility": _(
        "A long journey, an operation, or much less moving about in the last 4 weeks"
    ),
    "breathless_or_chest_pain": _("Sudden shortness of breath or chest pain"),
    "weakness_new": _("Leg weakness that is new or getting worse"),
    "saddle_numbness": _("Numbness between the legs or around the bottom"),
    "bladder_bowel_new": _("New trouble passing or holding urine or stool"),
    "fever": _("A fever or feeling hot and shivery"),
    "hot_swollen_joint": _("A joint that is hot and swollen"),
    "recent_fall": _("A fall since your last session"),
    "pain_bearing_weight": _("Pain when you put weight on a leg"),
    "pain_rose_during_stretch": _("During your last stretch, the pain kept getting worse"),
    "hip_replacement": _("I have had a hip replacement"),
    "surgeon_cleared": _("My surgeon has said this kneeling stretch is fine for me"),
    "cannot_kneel": _("I cannot get down to kneel and up again safely"),
    "kneeling_hurts": _("Kneeling hurts my knee"),
}
GROUPS = (
    (_("Your legs today"), ("leg_pain", "leg_warm_or_red", "leg_pale", "weakness_new")),
    (
        _("Other signs"),
        (
            "recent_travel_surgery_immobility",
            "breathless_or_chest_pain",
            "saddle_numbness",
            "bladder_bowel_new",
            "fever",
            "hot_swollen_joint",
            "recent_fall",
            "pain_bearing_weight",
            "pain_rose_during_stretch",
        ),
    ),
    (
        _("Kneeling and your hips"),
        ("hip_replacement", "surgeon_cleared", "cannot_kneel", "kneeling_hurts"),
    ),
)
assert {q for _, qs in GROUPS for q in qs} == set(QUESTIONS)


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
