"""What a patient reported, in short words a clinician reads at a glance ("Leg swollen: left").

The check-in form asks in the patient's words; the clinic's list, the patient page and the
email name the same signs briefly. One table for both, so a new question cannot go unnamed.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hipcoach.checkin.models import CheckIn, HealthProfile, Stop
from hipcoach.checkin.screening import PROFILE_FACTS, QUESTIONS, SYMPTOMS, load

SYMPTOM_NAMES: dict[str, Promise] = {
    "leg_coldness": gettext_lazy("Leg cold"),
    "leg_swelling": gettext_lazy("Leg swollen"),
    "numbness_tingling": gettext_lazy("Numbness or tingling"),
    "weakness": gettext_lazy("Weakness"),
    "walking_discomfort": gettext_lazy("Discomfort or tiredness walking"),
}
SIGN_NAMES: dict[str, Promise] = {
    "breathless_or_chest_pain": gettext_lazy("Chest pain or sudden breathlessness"),
    "leg_changed_suddenly": gettext_lazy("Leg suddenly cold, pale/blue, numb or weak"),
    "leg_shortened_or_turned": gettext_lazy("Sudden hip pain, leg looks shorter or turned"),
    "saddle_numbness": gettext_lazy("Saddle numbness"),
    "bladder_bowel_new": gettext_lazy("New bladder or bowel trouble"),
    "numb_or_weak_both_new": gettext_lazy("New numbness or weakness in both legs"),
    "recent_fall": gettext_lazy("A fall"),
    "fall_cannot_bear_weight": gettext_lazy("Cannot bear weight after a fall"),
    "pain_bearing_weight": gettext_lazy("Pain on weight-bearing"),
    "leg_pain": gettext_lazy("Calf or thigh pain or tenderness"),
    "leg_warm_or_red": gettext_lazy("Leg warm or red"),
    "leg_pale": gettext_lazy("Leg pale or bluish"),
    "weakness_new": gettext_lazy("Weakness new or worse"),
    "recent_travel_surgery_immobility": gettext_lazy("Long journey, operation or immobility"),
    "fever": gettext_lazy("Fever"),
    "hot_swollen_joint": gettext_lazy("Hot swollen joint"),
    "night_pain_wakes": gettext_lazy("Night pain that wakes"),
    "weight_loss_unexplained": gettext_lazy("Weight loss without trying"),
    "pain_rose_during_stretch": gettext_lazy("Pain kept rising during the stretch"),
    "cannot_kneel": gettext_lazy("Cannot kneel safely"),
    "kneeling_hurts": gettext_lazy("Kneeling hurts the knee"),
}
PROFILE_NAMES: dict[str, Promise] = {
    "hip_replacement": gettext_lazy("Hip replacement"),
    "surgeon_cleared": gettext_lazy("Surgeon has cleared the stretch"),
    "osteoporosis": gettext_lazy("Osteoporosis"),
    "pregnancy": gettext_lazy("Pregnant"),
    "balance_problems": gettext_lazy("Dizziness, balance problems or falls"),
    "knee_problems": gettext_lazy("Knee problems"),
    "cancer_history": gettext_lazy("History of cancer"),
}
SIDE_NAMES: dict[str, Promise] = {
    "left": pgettext_lazy("leg", "left"),
    "right": pgettext_lazy("leg", "right"),
    "both": gettext_lazy("both legs"),
}
assert set(SYMPTOM_NAMES) == set(SYMPTOMS)
assert set(SIGN_NAMES) == set(QUESTIONS)
assert set(PROFILE_NAMES) == set(PROFILE_FACTS)


def reported(checkin: CheckIn) -> list[str]:
    """Each sign of a check-in as a short phrase, with its side where it has one."""
    items = [
        _("%(sign)s: %(side)s") % {"sign": SYMPTOM_NAMES[name], "side": SIDE_NAMES[side]}
        for name, side in checkin.symptoms.items()
        if name in SYMPTOM_NAMES and side in SIDE_NAMES
    ]
    items += [str(SIGN_NAMES[name]) for name in checkin.answers if name in SIGN_NAMES]
    if checkin.pain_now is not None:
        items.append(_("Pain %(score)s/10") % {"score": checkin.pain_now})
    return items


def profile_facts(profile: HealthProfile) -> list[str]:
    return [str(PROFILE_NAMES[name]) for name in sorted(profile.facts())]


def stop_signs(stop: Stop) -> list[str]:
    """What raised the stop: the check-in's signs, or the profile's."""
    if stop.checkin is not None:
        return reported(stop.checkin)
    if stop.profile is not None:
        return profile_facts(stop.profile)
    return []


def advice(rule_ids: list[str], language: str) -> list[str]:
    """The rules' advice in ``language`` ("en" or "ja"), in the order given."""
    rules = {r.id: r for r in load().rules}
    return [rules[i].advice[language] for i in rule_ids if i in rules]


def rule_levels(rule_ids: list[str]) -> list[tuple[str, str]]:
    rules = {r.id: r for r in load().rules}
    return [(i, rules[i].level.key) for i in rule_ids if i in rules]
