"""Fifty patients press "Book" for the same time at once: exactly one gets it.

Against the real server (uvicorn, several worker processes, as ``make run``) on SQLite, the
default, and on a throwaway PostgreSQL cluster. Each patient has their own signed-in session
and CSRF token; all POSTs are released together by a barrier. The database's partial unique
index decides; the other 49 get a clear "taken" page (409), never a 500.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from servers.app import AppServer, app_server, server_env
from servers.postgres import postgres_server

pytestmark = pytest.mark.slow
PATIENTS = 50

SETUP = f"""
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo
from django.test import Client
from hipcoach.accounts.models import Role, User
from hipcoach.booking.actions import do_add_availability
from hipcoach.clinics.models import Clinic, OpeningHours

clinic = Clinic.objects.create(name="Race Clinic", timezone="Asia/Tokyo")
for day in range(7):
    OpeningHours.objects.create(clinic=clinic, weekday=day, opens=time(9), closes=time(18))
doc = User.objects.create(username="race-doc", role=Role.CLINICIAN, clinic=clinic)
for day in range(7):
    do_add_availability(doc, day, time(9), time(18))
tokyo = ZoneInfo("Asia/Tokyo")
day = datetime.now(tokyo).date() + timedelta(days=7)
start = datetime.combine(day, time(10), tzinfo=tokyo)
sessions = []
for n in range({PATIENTS}):
    patient = User.objects.create(username=f"racer-{{n}}", role=Role.PATIENT, clinic=clinic)
    client = Client()
    client.force_login(patient)
    sessions.append(client.cookies["sessionid"].value)
print(json.dumps({{"start": start.isoformat(), "doc": doc.pk, "sessions": sessions}}))
"""

COUNT = """
import json
from hipcoach.booking.models import Appointment
booked = Appointment.objects.filter(status="booked")
print(json.dumps(list(booked.values_list("patient__username", flat=True))))
"""

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    location: str
    body: str


def _request(
    base: str, method: str, path: str, cookies: dict[str, str], body: str | None = None
) -> tuple[http.client.HTTPResponse, str]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=120)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", errors="replace")
    conn.close()
    return response, text


def _cookie(response: http.client.HTTPResponse, name: str) -> str | None:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None


def race(server: AppServer) -> tuple[list[Reply], list[str]]:
    setup = server.shell(SETUP)
    query = urlencode({"starts_at": setup["start"], "clinician": setup["doc"]})
    path = "/en/booking/new/confirm/"
    ready: list[tuple[dict[str, str], str]] = []
    for session in setup["sessions"]:
        cookies = {"sessionid": session}
        response, page = _request(server.base, "GET", f"{path}?{query}", cookies)
        assert response.status == 200, server.log_text()[-3000:]
        token = CSRF_INPUT.search(page)
        csrf = _cookie(response, "csrftoken")
        assert token is not None
        assert csrf is not None
        cookies["csrftoken"] = csrf
        form = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "starts_at": setup["start"],
                "clinician": setup["doc"],
            }
        )
        ready.append((cookies, form))

    barrier = threading.Barrier(len(ready))
    replies: list[Reply | BaseException] = [RuntimeError("no reply")] * len(ready)

    def fire(n: int) -> None:
        cookies, form = ready[n]
        try:
            barrier.wait(60)
            response, text = _request(server.base, "POST", path, cookies, form)
            replies[n] = Reply(response.status, response.getheader("Location") or "", text)
        except BaseException as exc:
            replies[n] = exc

    threads = [threading.Thread(target=fire, args=(n,)) for n in range(len(ready))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    errors = [r for r in replies if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    return [r for r in replies if isinstance(r, Reply)], server.shell(COUNT)


def check(replies: list[Reply], booked: list[str], log: str) -> None:
    statuses = sorted(r.status for r in replies)
    assert len(replies) == PATIENTS
    assert 500 not in statuses, log[-4000:]
    winners = [r for r in replies if r.status == 302]
    assert len(winners) == 1, statuses
    assert re.fullmatch(r"/en/booking/\d+/", winners[0].location)
    losers = [r for r in replies if r.status != 302]
    assert {r.status for r in losers} == {409}, statuses
    assert all("that time was just taken" in r.body for r in losers)
    assert len(booked) == 1, booked
    assert "Traceback" not in log, log[-4000:]
    # How many lost at the database (the rest were turned away by the free-time check).
    print(f"{log.count('lost the race')} of {PATIENTS - 1} refused by the unique index")


@contextlib.contextmanager
def race_server(var: Path, database_url: str | None) -> Iterator[AppServer]:
    """Three workers on the test settings: the real ones less the static manifest, since
    collecting 40 MB of pose files has nothing to do with booking."""
    extra = {"HIPCOACH_SECRET_KEY": "race-test-only"}
    if database_url:
        extra["DATABASE_URL"] = database_url
    env = server_env(var, settings_module="hipcoach.test_settings", **extra)
    with app_server(env, var / "server.log", workers=3, uvicorn_args=["--no-access-log"]) as s:
        yield s


@pytest.fixture
def var() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hipcoach-race-") as path:
        yield Path(path)


def test_fifty_at_once_on_sqlite_book_once(var: Path) -> None:
    with race_server(var, None) as server:
        replies, booked = race(server)
        check(replies, booked, server.log_text())


def test_fifty_at_once_on_postgresql_book_once(var: Path) -> None:
    with postgres_server() as url, race_server(var, url) as server:
        replies, booked = race(server)
        check(replies, booked, server.log_text())
