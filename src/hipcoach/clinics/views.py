"""Clinic pages: its profile for everyone in it, editing for its admin, and the patient review.

Thin: check who is asking through accounts.access, call the domain, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hipcoach.accounts.access import access_clinic_patient_by_id, is_clinic_admin
from hipcoach.checkin.access import current_profile, known_signs, stops_of_patient
from hipcoach.checkin.models import CheckIn
from hipcoach.checkin.review import stop_rows
from hipcoach.checkin.signs import advice, profile_facts
from hipcoach.clinics import actions
from hipcoach.clinics.forms import ClinicForm, OpeningHoursFormSet, ProgramForm
from hipcoach.clinics.models import week_of_hours
from hipcoach.clinics.review import patient_rows, program_history
from hipcoach.practice import actions as practice_actions
from hipcoach.practice.models import StretchSession
from hipcoach.practice.timeline_view import timeline_view
from hipcoach.progress.summary import progress_for
from hipcoach.web.requests import page_language, signed_in

RECENT_SESSIONS = 20


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The clinic's own page, for its clinicians and its patients alike."""
    user = signed_in(request)
    clinic = user.clinic
    if clinic is None:
        raise Http404
    language = page_language()
    return render(
        request,
        "clinics/profile.html",
        {
            "profile": clinic,
            "name": clinic.display_name(language),
            "address": clinic.display_address(language),
            "services": clinic.service_list(language),
            "week": week_of_hours(clinic),
            "viewer_zone": user.time_zone_name(),
            "can_edit": is_clinic_admin(user),
        },
    )


@login_required
def edit(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not is_clinic_admin(user) or user.clinic is None:
        return HttpResponseForbidden()
    clinic = user.clinic
    form = ClinicForm(request.POST or None, instance=clinic)
    hours = OpeningHoursFormSet(request.POST or None, instance=clinic, prefix="hours")
    if request.method == "POST":
        if form.is_valid() and hours.is_valid():
            actions.do_update_clinic(form, hours)
            messages.success(request, _("The clinic's profile was saved."))
            return redirect("clinics:profile")
        status = 400
    else:
        status = 200
    return render(request, "clinics/edit.html", {"form": form, "hours": hours}, status=status)


@login_required
def patient(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything a clinician reviews for one patient, on one page."""
    clinician = signed_in(request)
    person = access_clinic_patient_by_id(clinician, pk)
    language = page_language()
    sessions = list(
        StretchSession.objects.filter(patient=person).prefetch_related("sets")[:RECENT_SESSIONS]
    )
    rows = patient_rows(clinician, only=person.pk)
    profile = current_profile(person)
    return render(
        request,
        "clinics/patient.html",
        {
            "person": person,
            "row": rows[0] if rows else None,
            "measures": progress_for(person),
            "versions": program_history(person),
            "checkins": list(CheckIn.objects.filter(patient=person)[:14]),
            "stops": stop_rows(stops_of_patient(clinician, person), language),
            "profile": profile,
            "profile_facts": profile_facts(profile) if profile else [],
            "known_signs": [
                (sign, advice([sign.rule_id], language)) for sign in known_signs(person)
            ],
            "sessions": [
                {
                    "session": s,
                    "good_form_s": s.good_form_s(),
                    "timeline": timeline_view(s.timeline, language),
                }
                for s in sessions
            ],
        },
    )


@login_required
def prescribe(request: HttpRequest, pk: int) -> HttpResponse:
    """A new prescription, starting from the one in force; the old one stays in the history."""
    clinician = signed_in(request)
    person = access_clinic_patient_by_id(clinician, pk)
    current = person.programs.first()
    form = ProgramForm(request.POST or None, instance=None, initial=_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            practice_actions.do_prescribe(person, prescribed_by=clinician, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The new program is in force from now."))
            return redirect("clinics:patient", pk=person.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "clinics/prescribe.html",
        {"person": person, "form": form, "versions": program_history(person)},
        status=status,
    )


def _initial(program: object) -> dict[str, object]:
    if program is None:
        return {}
    return {name: getattr(program, name) for name in ProgramForm.Meta.fields}
