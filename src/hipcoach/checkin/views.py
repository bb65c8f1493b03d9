"""Check-in, health profile and stop-review pages. Thin: check access, validate, call one
action, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipcoach.accounts.access import access_clinic_patient_by_id
from hipcoach.accounts.models import User
from hipcoach.checkin import actions
from hipcoach.checkin.access import (
    access_checkin_by_id,
    access_known_sign_by_id,
    access_stop_by_id,
    current_profile,
    profile_history,
)
from hipcoach.checkin.forms import CheckInForm, HealthProfileForm, StopReviewForm
from hipcoach.checkin.gate import Activity, Reason, gate_for
from hipcoach.checkin.review import gate_view, stop_rows
from hipcoach.checkin.screening import Level, load
from hipcoach.checkin.signs import advice, profile_facts
from hipcoach.web.requests import page_language, patient_of, signed_in


@login_required
def new(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    if current_profile(patient) is None:
        # Asked once, before the first check-in: what does not change from day to day.
        return redirect("checkin:profile")
    gate = gate_for(patient, Activity.STRETCH)
    if gate.reason is Reason.STOPPED:
        # A new check-in cannot lift a stop: home says why and who to contact.
        return redirect("home")
    form = CheckInForm(request.POST or None)
    then = _then(request)
    if request.method == "POST" and form.is_valid():
        checkin = actions.do_check_in(patient, form.answers())
        target = reverse("checkin:result", args=[checkin.pk])
        return redirect(f"{target}?for={then}" if then else target)
    return render(
        request,
        "checkin/new.html",
        {"form": form, "then": then},
        status=400 if form.errors else 200,
    )


def _then(request: HttpRequest) -> str:
    """What the check-in is for, when not the stretch: only known values pass."""
    value = request.GET.get("for", "")
    return value if value == "chair_stand" else ""


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    checkin = access_checkin_by_id(patient, pk)
    language = page_language()
    rules = {r.id: r for r in load().rules}
    items = [
        {"level": rules[i].level.key, "text": rules[i].advice[language]}
        for i in checkin.flags
        if i in rules
    ]
    steps = [step[language] for step in load().modification_steps.get(checkin.modification, ())]
    level = Level[checkin.level.upper()] if checkin.level else None
    then = _then(request)
    gate = gate_for(patient, Activity.CHAIR_STAND if then else Activity.STRETCH)
    return render(
        request,
        "checkin/result.html",
        {
            "checkin": checkin,
            "advice": items,
            "known": advice(list(checkin.known), language),
            "steps": steps,
            "emergency": level is Level.EMERGENCY,
            "urgent": level is Level.URGENT,
            "ask_surgeon": level is Level.NO_STRETCH,
            "may_start": gate.allowed and gate.checkin == checkin,
            "held": gate.reason is Reason.STOPPED,
            "then": then,
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The patient's own health profile."""
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    return _edit_profile(request, patient, after="checkin:new")


@login_required
def patient_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A clinician edits their patient's health profile (e.g. after the surgeon's letter)."""
    person = access_clinic_patient_by_id(signed_in(request), pk)
    return _edit_profile(request, person, after="clinics:patient")


def _edit_profile(request: HttpRequest, patient: User, *, after: str) -> HttpResponse:
    editor = signed_in(request)
    current = current_profile(patient)
    form = HealthProfileForm(
        request.POST or None,
        instance=None,
        initial={
            **({k: getattr(current, k) for k in HealthProfileForm.Meta.fields} if current else {}),
            "phone": patient.phone,
        },
        now=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        actions.do_save_health_profile(
            patient, editor, form.values(), phone=form.cleaned_data["phone"]
        )
        messages.success(request, _("The health information was saved."))
        if editor.pk == patient.pk:
            return redirect(after) if current is None else redirect("home")
        return redirect(after, pk=patient.pk)
    return render(
        request,
        "checkin/profile.html",
        {
            "form": form,
            "person": patient,
            "own": editor.pk == patient.pk,
            "first_time": current is None,
            "history": [(p, profile_facts(p)) for p in profile_history(patient)],
            "gate": gate_view(gate_for(patient, Activity.STRETCH), page_language()),
        },
        status=400 if form.errors else 200,
    )


@login_required
def review_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """A clinician acknowledges a stop with a note, and may clear it."""
    clinician = signed_in(request)
    stop = access_stop_by_id(clinician, pk)
    form = StopReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_review_stop(
                clinician,
                stop,
                form.cleaned_data["note"],
                clear=form.cleaned_data["decision"] == "clear",
                known=form.cleaned_data["known"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your note was saved."))
            return redirect("clinics:patient", pk=stop.patient_id)
    (row,) = stop_rows([stop], page_language())
    return render(
        request,
        "checkin/review_stop.html",
        {"row": row, "person": stop.patient, "form": form, "notes": list(stop.notes.all())},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def forget_known_sign(request: HttpRequest, pk: int) -> HttpResponse:
    sign = access_known_sign_by_id(signed_in(request), pk)
    patient_id = sign.patient_id
    actions.do_forget_known_sign(sign)
    messages.success(request, _("That sign will stop the stretch again if it is reported."))
    return redirect("clinics:patient", pk=patient_id)
