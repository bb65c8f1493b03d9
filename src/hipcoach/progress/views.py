"""Progress pages and the patient's own data. Thin: check, call one action, render."""

from __future__ import annotations

import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.templatetags.static import static

from coach.chair_stand_protocol import load_chair_stand
from hipcoach.checkin.gate import Activity
from hipcoach.progress import actions
from hipcoach.progress.export import export_csv, export_data
from hipcoach.progress.forms import ChairStandForm, DeleteAccountForm, PSFSForm
from hipcoach.progress.models import ChairStandMethod, PSFSActivity
from hipcoach.progress.summary import progress_for
from hipcoach.web.gating import turned_away
from hipcoach.web.requests import page_language, patient_of


@login_required
def index(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    return render(request, "progress/index.html", {"measures": progress_for(patient)})


@login_required
def psfs(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    names = list(
        PSFSActivity.objects.filter(patient=patient, active=True).values_list("name", flat=True)
    )
    form = PSFSForm(request.POST or None, activities=names)
    if request.method == "POST" and form.is_valid() and form.pairs():
        actions.do_rate_psfs(patient, form.pairs())
        return redirect("progress:index")
    status = 400 if request.method == "POST" else 200
    return render(request, "progress/psfs.html", {"form": form}, status=status)


@login_required
def chair_stand(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    if closed := turned_away(patient, Activity.CHAIR_STAND)[1]:
        return closed
    form = ChairStandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.do_record_chair_stand(
            patient,
            form.cleaned_data["count"],
            ChairStandMethod.MANUAL,
            used_hands=form.cleaned_data["used_hands"],
        )
        return redirect("progress:index")
    status = 400 if form.errors else 200
    return render(
        request,
        "progress/chair_stand.html",
        {"form": form, "duration_s": int(load_chair_stand().test.duration_s)},
        status=status,
    )


@login_required
def chair_stand_camera(request: HttpRequest) -> HttpResponse:
    """The chair-stand test counted by the camera; the counting runs in the engine."""
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    if closed := turned_away(patient, Activity.CHAIR_STAND)[1]:
        return closed
    language = page_language()
    return render(
        request,
        "progress/chair_stand_camera.html",
        {
            "ws_path": f"/ws/chair-stand/?lang={language}",
            "duration_s": int(load_chair_stand().test.duration_s),
            "model_url": static("vendor/pose_landmarker_lite.task"),
            "model_full_url": static("vendor/pose_landmarker_full.task"),
            "wasm_url": static("vendor/wasm/vision_wasm_internal.js").rsplit("/", 1)[0],
            "vision_bundle_url": static("vendor/vision_bundle.mjs"),
        },
    )


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    if fmt == "json":
        body = json.dumps(export_data(patient), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(export_csv(patient), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hipcoach-{patient.username}.{fmt}"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if patient.check_password(form.cleaned_data["password"]):
            logout(request)
            actions.do_delete_account(patient)
            return render(request, "progress/deleted.html")
        form.add_error("password", form.fields["password"].error_messages.get("invalid", ""))
    status = 400 if form.errors else 200
    return render(request, "progress/delete.html", {"form": form}, status=status)
