"""Booking pages. Thin: check access, ask schedule/actions, render.

Patients choose a clinician (or anyone) and a day in their own calendar, see the free times in
their own zone with the clinic's beside it, and confirm. Clinicians see their clinic's visits
and set their weekly availability.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from hipcoach.accounts.models import Role, User
from hipcoach.booking import actions
from hipcoach.booking.access import (
    access_appointment,
    access_availability_of,
    access_own_appointment,
    appointments_for,
)
from hipcoach.booking.display import shown
from hipcoach.booking.forms import AvailabilityForm, BookForm, FindForm, TimeOffForm
from hipcoach.booking.invite import invite
from hipcoach.booking.models import Appointment, AppointmentStatus, Availability, TimeOff
from hipcoach.booking.schedule import bookable_clinicians, booked_during, offer_at, offers
from hipcoach.booking.slots import HORIZON, local_day_bounds
from hipcoach.clinics.models import Clinic
from hipcoach.web.requests import clinician_of, page_language, patient_of, signed_in


def _patient_clinic(patient: User) -> Clinic:
    if patient.clinic is None:
        raise Http404
    return patient.clinic


def _row(appointment: Appointment, zone: str) -> dict[str, Any]:
    return {
        "appointment": appointment,
        "when": shown(appointment.starts_at, zone, appointment.clinic.timezone),
    }


def _zones(patient: User, clinic: Clinic) -> dict[str, str]:
    return {"zone": patient.time_zone_name(), "clinic_zone": clinic.timezone}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if clinician_of(request) is not None:
        return redirect("booking:schedule")
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    now = timezone.now()
    zone = patient.time_zone_name()
    mine = appointments_for(patient)
    upcoming = mine.filter(status=AppointmentStatus.BOOKED, ends_at__gte=now)
    past = mine.filter(ends_at__lt=now).order_by("-starts_at")[:20]
    return render(
        request,
        "booking/index.html",
        {
            "upcoming": [_row(a, zone) for a in upcoming],
            "past": [_row(a, zone) for a in past],
            **_zones(patient, _patient_clinic(patient)),
        },
    )


def _find_context(
    request: HttpRequest, patient: User, moving: Appointment | None
) -> tuple[dict[str, Any], int]:
    clinic = _patient_clinic(patient)
    zone = ZoneInfo(patient.time_zone_name())
    clinicians = list(bookable_clinicians(clinic))
    now = timezone.now()
    data = request.GET.copy()
    if "day" not in data:
        data["day"] = timezone.localtime(now, zone).date().isoformat()
        # Start with the same clinician, if they still take bookings.
        if moving is not None and any(c.pk == moving.clinician_id for c in clinicians):
            data["clinician"] = str(moving.clinician_id)
    form = FindForm(data, clinicians=clinicians)
    context: dict[str, Any] = {
        "form": form,
        "moving": _row(moving, patient.time_zone_name()) if moving else None,
        "clinicians": clinicians,
        **_zones(patient, clinic),
    }
    if not form.is_valid():
        return context, 400
    clinician, day = form.chosen_clinician(), form.chosen_day()
    first, last = local_day_bounds(day, zone)
    ignore = moving.pk if moving else None
    found = offers(clinic, clinician, first, last, now, patient=patient, ignore=ignore)
    confirm = (
        reverse("booking:reschedule_confirm", args=[moving.pk])
        if moving
        else reverse("booking:confirm")
    )
    who = "" if clinician is None else str(clinician.pk)
    context["slots"] = [
        {
            "when": shown(o.starts_at, patient.time_zone_name(), clinic.timezone),
            "url": confirm
            + "?"
            + urlencode({"starts_at": o.starts_at.isoformat(), "clinician": who}),
        }
        for o in found
    ]
    context["day"] = day
    if not found:
        later = offers(clinic, clinician, last, now + HORIZON, now, patient=patient, ignore=ignore)
        if later:
            next_day = timezone.localtime(later[0].starts_at, zone).date()
            context["next_day"] = shown(
                later[0].starts_at, patient.time_zone_name(), clinic.timezone
            )
            context["next_url"] = "?" + urlencode({"clinician": who, "day": next_day.isoformat()})
    context["previous_url"] = "?" + urlencode(
        {"clinician": who, "day": (day - timedelta(days=1)).isoformat()}
    )
    context["following_url"] = "?" + urlencode(
        {"clinician": who, "day": (day + timedelta(days=1)).isoformat()}
    )
    return context, 200


@login_required
def find(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    context, status = _find_context(request, patient, None)
    return render(request, "booking/find.html", context, status=status)


@login_required
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    moving = _booked(patient, pk)
    context, status = _find_context(request, patient, moving)
    return render(request, "booking/find.html", context, status=status)


def _booked(patient: User, pk: int) -> Appointment:
    """The patient's own visit that is still booked: the only kind that can be moved."""
    moving = access_own_appointment(patient, pk)
    if not moving.is_booked:
        raise Http404
    return moving


def _confirm(request: HttpRequest, patient: User, moving: Appointment | None) -> HttpResponse:
    clinic = _patient_clinic(patient)
    clinicians = list(bookable_clinicians(clinic))
    source = request.POST if request.method == "POST" else request.GET
    form = BookForm(source, clinicians=clinicians)
    context: dict[str, Any] = {
        "form": form,
        "moving": _row(moving, patient.time_zone_name()) if moving else None,
        **_zones(patient, clinic),
    }
    if not form.is_valid():
        unreadable = form.has_error("starts_at") and form["starts_at"].value()
        context["problem"] = (
            form.errors["starts_at"][0]
            if unreadable
            else _("Please choose one of the times shown.")
        )
        return render(request, "booking/confirm.html", context, status=400)
    start, clinician = form.chosen_start(), form.chosen_clinician()
    context["when"] = shown(start, patient.time_zone_name(), clinic.timezone)
    context["clinician"] = clinician
    context["back_url"] = (
        (reverse("booking:reschedule", args=[moving.pk]) if moving else reverse("booking:find"))
        + "?"
        + urlencode(
            {
                "clinician": "" if clinician is None else clinician.pk,
                "day": timezone.localtime(start, ZoneInfo(patient.time_zone_name())).date(),
            }
        )
    )
    if request.method != "POST":
        ignore = moving.pk if moving else None
        if offer_at(clinic, clinician, start, timezone.now(), patient=patient, ignore=ignore):
            return render(request, "booking/confirm.html", context)
        context["problem"] = str(actions.SlotNotOffered.message)
        return render(request, "booking/confirm.html", context, status=400)
    try:
        if moving is None:
            appointment = actions.do_book(
                patient, start, clinician=clinician, reason=form.cleaned_data["reason"]
            )
        else:
            appointment = actions.do_reschedule(moving, start, clinician=clinician)
    except (actions.SlotTaken, actions.AlreadyBooked) as exc:
        context["problem"] = str(exc)
        return render(request, "booking/confirm.html", context, status=409)
    except actions.BookingError as exc:
        context["problem"] = str(exc)
        return render(request, "booking/confirm.html", context, status=400)
    return redirect("booking:done", pk=appointment.pk)


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    return _confirm(request, patient, None)


@login_required
@require_http_methods(["GET", "POST"])
def reschedule_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    moving = _booked(patient, pk)
    return _confirm(request, patient, moving)


@login_required
def done(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    appointment = access_own_appointment(patient, pk)
    return render(
        request,
        "booking/done.html",
        {
            **_row(appointment, patient.time_zone_name()),
            **_zones(patient, appointment.clinic),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    patient = patient_of(request)
    if patient is None:
        return HttpResponseForbidden()
    appointment = access_own_appointment(patient, pk)
    if request.method == "POST":
        if appointment.is_booked:
            actions.do_cancel(appointment)
            messages.success(request, _("Your appointment is cancelled. We have told the clinic."))
        return redirect("booking:index")
    if not appointment.is_booked:
        return redirect("booking:index")
    return render(
        request,
        "booking/cancel.html",
        {**_row(appointment, patient.time_zone_name()), **_zones(patient, appointment.clinic)},
    )


@login_required
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    appointment = access_appointment(user, pk)
    body = invite(appointment, page_language())
    method = "REQUEST" if appointment.is_booked else "CANCEL"
    response = HttpResponse(body, content_type=f"text/calendar; method={method}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


# -- clinicians --------------------------------------------------------------------------------


def _schedule_day(request: HttpRequest, zone: ZoneInfo) -> date | None:
    text = request.GET.get("day", "")
    if not text:
        return timezone.localtime(timezone.now(), zone).date()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    clinician = clinician_of(request)
    if clinician is None or clinician.clinic is None:
        return HttpResponseForbidden()
    clinic = clinician.clinic
    zone = ZoneInfo(clinic.timezone)
    week = request.GET.get("span") == "week"
    day = _schedule_day(request, zone)
    if day is None:
        messages.error(request, _("That date could not be read; showing today."))
        return render(
            request,
            "booking/schedule.html",
            {"rows": [], "day": None, "week": week, "clinic_zone": clinic.timezone},
            status=400,
        )
    if week:
        day -= timedelta(days=day.weekday())
    first, _end = local_day_bounds(day, zone)
    _start, last = local_day_bounds(day + timedelta(days=6 if week else 0), zone)
    visits = appointments_for(clinician).filter(starts_at__gte=first, starts_at__lt=last)
    step = timedelta(days=7 if week else 1)
    span = "week" if week else "day"
    return render(
        request,
        "booking/schedule.html",
        {
            "rows": [_row(a, clinic.timezone) for a in visits],
            "day": day,
            "last_day": day + timedelta(days=6) if week else None,
            "week": week,
            "clinic_zone": clinic.timezone,
            "previous_url": "?" + urlencode({"day": (day - step).isoformat(), "span": span}),
            "following_url": "?" + urlencode({"day": (day + step).isoformat(), "span": span}),
            "other_span_url": "?"
            + urlencode({"day": day.isoformat(), "span": "day" if week else "week"}),
            "may_edit_others": clinician.is_clinic_admin,
        },
    )


@login_required
def my_availability(request: HttpRequest) -> HttpResponse:
    clinician = clinician_of(request)
    if clinician is None:
        return HttpResponseForbidden()
    return redirect("booking:availability", clinician_id=clinician.pk)


def _pk_of(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST[name])
    except ValueError:
        return 0


def _time_off_rows(editor: User, person: User, zone: str) -> list[dict[str, Any]]:
    """Upcoming time off, each with the booked visits inside it that someone must rearrange."""
    visits = appointments_for(editor)
    return [
        {
            "row": off,
            "starts": shown(off.starts_at, zone, zone),
            "ends": shown(off.ends_at, zone, zone),
            "visits": [
                _row(a, zone) for a in booked_during(visits, person, off.starts_at, off.ends_at)
            ],
        }
        for off in TimeOff.objects.filter(clinician=person, ends_at__gt=timezone.now())
    ]


def _added_time_off(request: HttpRequest, editor: User, person: User, form: TimeOffForm) -> None:
    starts, ends, note = form.period()
    actions.do_add_time_off(person, starts, ends, note)
    messages.success(request, _("The time off was added."))
    clashes = len(booked_during(appointments_for(editor), person, starts, ends))
    if clashes:
        messages.warning(
            request,
            ngettext(
                "%(count)d booked appointment falls in this time off. It has not been "
                "cancelled: please contact the patient (see the list below).",
                "%(count)d booked appointments fall in this time off. They have not been "
                "cancelled: please contact the patients (see the list below).",
                clashes,
            )
            % {"count": clashes},
        )


@login_required
@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest, clinician_id: int) -> HttpResponse:
    """Weekly working periods and time off of one clinician (own, or a colleague's for admins)."""
    editor = clinician_of(request)
    if editor is None:
        return HttpResponseForbidden()
    person = access_availability_of(editor, clinician_id)
    assert editor.clinic is not None
    zone = editor.clinic.timezone
    form = AvailabilityForm(clinician=person)
    off_form = TimeOffForm(zone=ZoneInfo(zone), now=timezone.now())
    status = 200
    if request.method == "POST":
        if "remove" in request.POST:
            if actions.do_remove_availability(person, _pk_of(request, "remove")):
                messages.success(request, _("The period was removed."))
            return redirect("booking:availability", clinician_id=person.pk)
        if "remove_time_off" in request.POST:
            if actions.do_remove_time_off(person, _pk_of(request, "remove_time_off")):
                messages.success(request, _("The time off was removed."))
            return redirect("booking:availability", clinician_id=person.pk)
        if "add_time_off" in request.POST:
            off_form = TimeOffForm(request.POST, zone=ZoneInfo(zone), now=timezone.now())
            if off_form.is_valid():
                try:
                    _added_time_off(request, editor, person, off_form)
                except ValidationError as exc:
                    off_form.add_error(None, exc)
                else:
                    return redirect("booking:availability", clinician_id=person.pk)
        else:
            form = AvailabilityForm(request.POST, clinician=person)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    actions.do_add_availability(
                        person, data["weekday"], data["starts"], data["ends"]
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("The period was added."))
                    return redirect("booking:availability", clinician_id=person.pk)
        status = 400
    return render(
        request,
        "booking/availability.html",
        {
            "person": person,
            "is_self": person.pk == editor.pk,
            "rows": Availability.objects.filter(clinician=person),
            "opening": editor.clinic.opening_hours.all(),
            "form": form,
            "off_form": off_form,
            "time_off": _time_off_rows(editor, person, zone),
            "clinic_zone": zone,
            "all_clinicians": _clinic_clinicians(editor) if editor.is_clinic_admin else [],
        },
        status=status,
    )


def _clinic_clinicians(editor: User) -> list[User]:
    return list(
        User.objects.filter(clinic=editor.clinic, role=Role.CLINICIAN, is_active=True).order_by(
            "last_name", "first_name", "username"
        )
    )
