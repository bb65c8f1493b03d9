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
from typing import Any

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from worlds import SECRET_NAME, ClinicWorld, routes

from hipcoach.accounts.models import User
from hipcoach.booking.models import Appointment
from hipcoach.live.routing import websocket_urlpatterns
from hipcoach.reviews.models import VideoReview

pytestmark = pytest.mark.django_db(transaction=True)


# Each route with an id: which of B's objects to ask for, and who in B may open it (the
# positive control; None where the route only acts by POST and has no page to GET).
Owner = Callable[[ClinicWorld], User]
ROUTES: dict[str, tuple[dict[str, str], Owner | None]] = {
    "practice:live": ({"pk": "session"}, lambda b: b.patient),
    "practice:summary": ({"pk": "session"}, lambda b: b.patient),
    "checkin:result": ({"pk": "checkin"}, lambda b: b.patient),
    "checkin:patient_profile": ({"pk": "patient"}, lambda b: b.clinician),
    "checkin:review_stop": ({"pk": "stop"}, lambda b: b.clinician),
    "checkin:forget_known": ({"pk": "known_sign"}, None),
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


@pytest.fixture
def world(two_clinics: tuple[ClinicWorld, ClinicWorld]) -> tuple[ClinicWorld, ClinicWorld]:
    return two_clinics


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
    assert b.patient.stops.get().notes.count() == 1
    assert b.patient.known_signs.exists()


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
