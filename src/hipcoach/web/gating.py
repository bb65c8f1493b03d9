"""Where to send a patient who may not exercise now: the pages' side of checkin.gate.

No check-in yet: to the check-in, which comes back to the activity. A stop that holds, or a
hip replacement not yet cleared: home, which says why and shows who to contact.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from hipcoach.accounts.models import User
from hipcoach.checkin.gate import Activity, Gate, Reason, gate_for


def turned_away(patient: User, activity: Activity) -> tuple[Gate, HttpResponse | None]:
    """The gate, and the redirect to answer with when it is closed (None when open)."""
    gate = gate_for(patient, activity)
    if gate.allowed:
        return gate, None
    if gate.reason is Reason.NEEDS_CHECKIN:
        target = reverse("checkin:new")
        if activity is Activity.CHAIR_STAND:
            target += "?for=chair_stand"
        return gate, redirect(target)
    return gate, redirect("home")
