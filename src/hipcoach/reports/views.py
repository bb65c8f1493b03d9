"""Report pages. Thin: check access, validate the request, call the domain, reply.

The patient asks for their own report; a clinician for their own clinic's patients'. The PDF
is in the language the form asks for, which starts as the patient's own language (the report
is about them and often goes home with them); a clinician may choose the other one.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone

from hipcoach.accounts.access import access_clinic_patient_by_id, patients_of
from hipcoach.accounts.models import User
from hipcoach.progress.summary import patient_zone
from hipcoach.reports import fhir, pdf
from hipcoach.reports.forms import ReportForm, initial_for
from hipcoach.web.requests import patient_of, signed_in


def _page(request: HttpRequest, patient: User, form: ReportForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {"patient": patient, "form": form, "for_clinician": patient.pk != request.user.pk},
        status=status,
    )


def _blank_form(patient: User) -> ReportForm:
    today = timezone.now().astimezone(patient_zone(patient)).date()
    return ReportForm(initial=initial_for(today, patient.language))


def _pdf(request: HttpRequest, patient: User) -> HttpResponse:
    form = ReportForm(request.GET)
    if not form.is_valid():
        return _page(request, patient, form, status=400)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    body = pdf.report_pdf(patient, start, end, form.cleaned_data["language"])
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(patient, start, end)}"'
    return response


def _fhir(patient: User) -> HttpResponse:
    body = json.dumps(fhir.export_bundle(patient), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    name = f"hipcoach-fhir-{pdf.file_stem(patient)}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    patient = patient_of(request)
    if patient is not None:
        return _page(request, patient, _blank_form(patient))
    if user.is_clinician:
        patients = patients_of(user).order_by("last_name", "first_name", "username")
        return render(request, "reports/patients.html", {"patients": patients})
    return HttpResponseForbidden()


@login_required
def own_pdf(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    return HttpResponseForbidden() if patient is None else _pdf(request, patient)


@login_required
def own_fhir(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    return HttpResponseForbidden() if patient is None else _fhir(patient)


@login_required
def patient_form(request: HttpRequest, pk: int) -> HttpResponse:
    patient = access_clinic_patient_by_id(signed_in(request), pk)
    return _page(request, patient, _blank_form(patient))


@login_required
def patient_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, access_clinic_patient_by_id(signed_in(request), pk))


@login_required
def patient_fhir(request: HttpRequest, pk: int) -> HttpResponse:
    return _fhir(access_clinic_patient_by_id(signed_in(request), pk))
