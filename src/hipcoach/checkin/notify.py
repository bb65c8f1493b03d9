"""Telling the clinic: a stop emails every active clinician of the patient's clinic at once,
each in their own language.

The email names the patient, how urgent it is, when, and how to reach them; the signs
themselves stay inside hipcoach (behind sign-in), as email is not a safe place for health
details. Sent after the stop is committed: a mail server that is down must never lose the stop,
which stays "new" on the patient list until a clinician acknowledges it.
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from hipcoach.accounts.models import Role, User
from hipcoach.booking.display import shown
from hipcoach.checkin.models import Stop
from hipcoach.links import site_link

log = logging.getLogger(__name__)


def level_name(level: str) -> str:
    names = {
        "emergency": _("Emergency: told to call 119"),
        "urgent": _("Told to see a doctor today"),
        "see_care": _("Told to wait for the clinician"),
    }
    return names.get(level, level)


def message(stop: Stop, clinician: User) -> EmailMessage:
    patient = stop.patient
    language = "ja" if (clinician.language or "").startswith("ja") else "en"
    with translation.override(language):
        zone = clinician.time_zone_name()
        clinic_zone = patient.clinic.timezone if patient.clinic else zone
        context = {
            "patient": patient,
            "level": level_name(stop.level),
            "emergency": stop.level == "emergency",
            "when": shown(stop.created_at, zone, clinic_zone),
            "link": site_link("clinics:patient", [patient.pk], language),
        }
        body = render_to_string("checkin/email/stop.txt", context)
        subject = _("Danger sign reported by %(patient)s: %(level)s") % {
            "patient": patient,
            "level": context["level"],
        }
    return EmailMessage(subject=subject, body=body, to=[clinician.email])


def tell_clinicians(stop_id: int) -> int:
    """Email the patient's clinicians; the number told. A failure is logged, never raised."""
    stop = Stop.objects.select_related("patient__clinic").filter(pk=stop_id).first()
    if stop is None or stop.patient.clinic_id is None:
        return 0
    clinicians = User.objects.filter(
        clinic_id=stop.patient.clinic_id, role=Role.CLINICIAN, is_active=True
    ).exclude(email="")
    told = 0
    for clinician in clinicians:
        try:
            message(stop, clinician).send()
        except Exception:
            log.exception("could not email clinician %s about stop %s", clinician.pk, stop.pk)
        else:
            told += 1
    Stop.objects.filter(pk=stop.pk).update(notified=told)
    return told
