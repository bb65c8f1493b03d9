"""Check-in pages. Thin: validate, call one action, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render

from hipcoach.checkin.access import access_checkin_by_id
from hipcoach.checkin.actions import do_check_in
from hipcoach.checkin.forms import CheckInForm
from hipcoach.checkin.screening import Level, load
from hipcoach.web.requests import page_language, patient_of


@login_required
def new(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checkin = do_check_in(patient, form.answers())
        return redirect("checkin:result", pk=checkin.pk)
    return render(request, "checkin/new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    checkin = access_checkin_by_id(patient, pk)
    rules = {r.id: r for r in load().rules}
    language = page_language()
    advice = [
        {"level": rules[i].level.key, "text": rules[i].advice[language]}
        for i in checkin.flags
        if i in rules
    ]
    steps = [step[language] for step in load().modification_steps.get(checkin.modification, ())]
    level = Level[checkin.level.upper()] if checkin.level else None
    return render(
        request,
        "checkin/result.html",
        {
            "checkin": checkin,
            "advice": advice,
            "steps": steps,
            "emergency": level is Level.EMERGENCY,
            "urgent": level is Level.URGENT,
        },
    )
