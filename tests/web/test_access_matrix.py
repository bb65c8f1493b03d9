"""Every route × every role × someone else's object: nobody reads across patients or clinics.

Two clinics, each with an admin, a clinician and a patient who has a bit of everything (a
session, a check-in, an appointment, a video review, an invitation). Everyone in clinic A asks
for clinic B's objects by id, by every URL and socket route the project has; each must be
refused (404, 403 or, for the anonymous, the sign-in page), with a positive control showing the
same address works for B's own people, so a refusal is never just a broken link. Pages without
an id must not show B's patient either. A new route with an id fails here until it is listed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coach.assessment import Side
from coach.events import SetRecord
from hipcoach.accounts.actions import do_invite_patient
from hipcoach.accounts.models import Role, User
from hipcoach.booking.models import Appointment
from hipcoach.checkin.actions import do_check_in
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic
from hipcoach.live.routing import websocket_urlpatterns
from hipcoach.practice.actions import do_create_program, do_record_set, do_start_session
from hipcoach.reviews.models import VideoReview

pytestmark = pytest.mark.django_db(transaction=True)

# The name of clinic B's patient: it must appear on no page that clinic A's people see.
SECRET_NAME = "Zebediah"


@dataclass
class ClinicWorld:
    clinic: Clinic
    admin: User
    clinician: User
    patient: User
    objects: dict[str, int]


def _user(username: str, role: Role, clinic: Clinic, **extra: Any) -> User:
    return User.objects.create_user(
        username=username, password="pw-for-tests", role=role, clinic=clinic, **extra
    )


def _side(tag: str, first_name: str) -> ClinicWorld:
    clinic = Clinic.objects.create(name=f"Clinic {tag}", whatsapp_url="https://wa.me/810000000000")
    admin = _user(f"admin{tag}", Role.CLINICIAN, clinic, is_clinic_admin=True)
    clinician = _user(f"doc{tag}", Role.CLINICIAN, clinic)
    patient = _user(f"pat{tag}", Role.PATIENT, clinic, first_name=first_name, last_name="Patient")
    program = do_create_program(patient, prescribed_by=clinician, hold_s=20, sets_per_side=1)
    session = do_start_session(patient, program, language="en")
    record = SetRecord(side=Side.LEFT, set_number=1, target_s=20.0, completed=True)
    record.good_form_ms = 20_000
    do_record_set(session, record, clock_ms=25_000)
    checkin = do_check_in(patient, Answers(pain_now=4, symptoms={"leg_coldness": "left"}))
    start = timezone.now() + timedelta(days=3)
    appointment = Appointment.objects.create(
        clinic=clinic,
        clinician=clinician,
        patient=patient,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    review = VideoReview(
        patient=patient,
        uploaded_by=patient,
        original_name="stretch.mp4",
        size=4,
        status="done",
        result={"holds": []},
    )
    review.file.save("stretch.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    review.annotated.save("annotated.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"), save=False)
    review.save()
    invitation, _token = do_invite_patient(clinic, admin, name="New Person")
    return ClinicWorld(
        clinic,
        admin,
        clinician,
        patient,
        {
            "session": session.pk,
            "checkin": checkin.pk,
            "patient": patient.pk,
            "clinician": clinician.pk,
            "appointment": appointment.pk,
            "review": review.pk,
            "invitation": invitation.pk,
        },
    )


# Each route with an id: which of B's objects to ask for, and who in B may open it (the
# positive control; None where the route only acts by POST and has no page to GET).
Owner = Callable[[ClinicWorld], User]
ROUTES: dict[str, tuple[dict[str, str], Owner | None]] = {
    "practice:live": ({"pk": "session"}, lambda b: b.patient),
    "practice:summary": ({"pk": "session"}, lambda b: b.patient),
    "checkin:result": ({"pk": "checkin"}, lambda b: b.patient),
    "clinics:patient": ({"pk": "patient"}, lambda b: b.clinician),
    "clinics:prescribe": ({"pk": "patient"}, lambda b: b.clinician),
    "clinics:revoke_invite": ({"pk": "invitation"}, None),
    "booking:done": ({"pk": "appointment"}, lambda b: b.patient),
    "booking:cancel": ({"pk": "appointment"}, lambda b: b.patient),
    "booking:reschedule": ({"pk": "appointment"}, lambda b: b.patient),
    "booking:reschedule_confirm": ({"pk": "appointment"}, None),
    "booking:ics": ({"pk": "appointment"}, lambda b: b.patient),
    "booking:availability": ({"clinician_id": "clinician"}, lambda b: b.admin),
    "reviews:patient": ({"patient_id": "patient"}, lambda b: b.clinician),
    "reviews:upload_for": ({"patient_id": "patient"}, lambda b: b.clinician),
    "reviews:detail": ({"pk": "review"}, lambda b: b.patient),
    "reviews:status": ({"pk": "review"}, lambda b: b.patient),
    "reviews:annotated": ({"pk": "review"}, lambda b: b.patient),
    "reviews:retry": ({"pk": "review"}, None),
    "reviews:delete": ({"pk": "review"}, None),
    "reports:patient": ({"pk": "patient"}, lambda b: b.clinician),
    "reports:patient_pdf": ({"pk": "patient"}, lambda b: b.clinician),
    "reports:patient_fhir": ({"pk": "patient"}, lambda b: b.clinician),
}
# What a route needs besides its id to answer 200 to its owner.
QUERY = {"reports:patient_pdf": "?start=2026-01-01&end=2026-12-31&language=en"}
# Routes whose argument is no object of anyone's: a bearer link, or a format name.
NOT_OBJECTS = {
    "clinics:join": "the one-time link is the credential itself (tests/clinics cover it)",
    "progress:export": "the format; the data is always the signed-in patient's own",
}


def routes() -> list[tuple[str, tuple[str, ...]]]:
    """Every named route of the app, with the names of its arguments."""
    found: set[tuple[str, tuple[str, ...]]] = set()

    def walk(resolver: URLResolver, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                walk(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                found.add((namespace + entry.name, tuple(entry.pattern.converters)))

    walk(get_resolver(), "")
    return sorted(found)


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> tuple[ClinicWorld, ClinicWorld]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return _side("A", "Alice"), _side("B", SECRET_NAME)


def actors(a: ClinicWorld) -> dict[str, User | None]:
    return {"anonymous": None, "patient": a.patient, "clinician": a.clinician, "admin": a.admin}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def refused(response: Any, user: User | None) -> bool:
    if user is None:
        return response.status_code == 405 or (
            response.status_code == 302 and "/login/" in response["Location"]
        )
    return response.status_code in (403, 404, 405)


def test_every_route_with_an_id_is_listed_here() -> None:
    with_ids = {name for name, args in routes() if args}
    unlisted = with_ids - set(ROUTES) - set(NOT_OBJECTS)
    assert not unlisted, f"add these routes to ROUTES: {sorted(unlisted)}"
    assert not set(ROUTES) - with_ids, "ROUTES names routes that no longer exist"


def test_nobody_in_clinic_a_reaches_clinic_b_objects(
    world: tuple[ClinicWorld, ClinicWorld],
) -> None:
    a, b = world
    failures: list[str] = []
    available = {name for name, _ in routes()}
    for name, (params, owner) in ROUTES.items():
        if name not in available:
            continue
        url = reverse(name, kwargs={k: b.objects[v] for k, v in params.items()})
        url += QUERY.get(name, "")
        for role, user in actors(a).items():
            client = client_for(user)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                response.close()
                if not refused(response, user):
                    failures.append(f"{role} {method.upper()} {url} → {response.status_code}")
        if owner is not None:
            response = client_for(owner(b)).get(url)
            response.close()
            if response.status_code != 200:
                failures.append(f"control: B's own {name} GET {url} → {response.status_code}")
    assert not failures, "\n".join(failures)
    # Nothing of B's was changed by the refused requests.
    assert Appointment.objects.get(pk=b.objects["appointment"]).status == "booked"
    assert VideoReview.objects.filter(pk=b.objects["review"]).exists()
    assert b.patient.programs.count() == 1


def test_pages_without_an_id_never_show_another_clinics_patient(
    world: tuple[ClinicWorld, ClinicWorld],
) -> None:
    a, _b = world
    leaks: list[str] = []
    for name, args in routes():
        if args or name in ("logout", "set_language"):
            continue
        url = reverse(name)
        for role, user in actors(a).items():
            response = client_for(user).get(url)
            body = b"".join(response).decode("utf-8", "replace")
            response.close()
            if response.status_code >= 500:
                leaks.append(f"{role} GET {url} → {response.status_code}")
            if SECRET_NAME in body or "patB" in body:
                leaks.append(f"{role} GET {url} shows clinic B's patient")
    for fmt in ("json", "csv"):
        body = client_for(a.patient).get(reverse("progress:export", args=[fmt])).content
        if SECRET_NAME.encode() in body:
            leaks.append(f"export.{fmt} shows clinic B's patient")
    assert not leaks, "\n".join(leaks)


def _connect(user: User | None, path: str) -> bool:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        comm = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
        comm.scope["user"] = user if user is not None else AnonymousUser()
        connected, _ = loop.run_until_complete(comm.connect(timeout=5))
        loop.run_until_complete(comm.disconnect())
        return bool(connected)
    finally:
        loop.close()


def test_socket_routes_refuse_everyone_but_the_patient_in_question(
    world: tuple[ClinicWorld, ClinicWorld],
) -> None:
    a, b = world
    assert {str(p.pattern) for p in websocket_urlpatterns} == {
        "ws/sessions/<int:pk>/",
        "ws/chair-stand/",
    }, "a new socket route: add it to this test"
    path = f"/ws/sessions/{b.objects['session']}/"
    for role, user in actors(a).items():
        assert not _connect(user, path), role
    assert not _connect(b.clinician, path), "clinicians watch no one's live socket"
    assert _connect(b.patient, path)
    for role, user in {**actors(a), "patient": None}.items():
        if user is None or user.is_clinician:
            assert not _connect(user, "/ws/chair-stand/"), role
    assert _connect(a.patient, "/ws/chair-stand/")
