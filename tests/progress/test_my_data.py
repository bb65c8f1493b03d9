"""The patient's own data: every kind of it is in both exports, and deleting the account leaves
nothing of them behind: no row, no file, no booked time in the clinic's schedule.

The relation tables below are the contract: a new model with a foreign key to the user fails
``test_every_relation_to_a_user_is_decided`` until someone decides what the export and the
deletion do with it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import ForeignObjectRel
from pytest_django.fixtures import Settings

from coach.assessment import Side
from coach.events import SetRecord
from coach.timeline import Span, timeline_dict
from hipcoach.accounts.actions import do_accept_invitation, do_invite_patient
from hipcoach.accounts.models import Invitation, Role, User
from hipcoach.booking.actions import do_add_availability, do_book
from hipcoach.booking.models import Appointment, TimeOff
from hipcoach.booking.schedule import offer_at
from hipcoach.checkin.actions import do_check_in, do_review_stop, do_save_health_profile
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic, OpeningHours
from hipcoach.practice.actions import (
    do_finish_session,
    do_prescribe,
    do_record_set,
    do_start_session,
)
from hipcoach.progress.actions import do_delete_account, do_rate_psfs, do_record_chair_stand
from hipcoach.progress.models import ChairStandMethod
from hipcoach.reviews.actions import do_upload_review
from hipcoach.reviews.models import ReviewStatus, VideoReview, review_storage
from people import PASSWORD, make_user, signed_in

# What deleting a patient's account does with each relation that points at a user.
DELETED = {
    "accounts.User_groups.user",
    "accounts.User_user_permissions.user",
    "practice.Program.patient",
    "practice.StretchSession.patient",
    "checkin.CheckIn.patient",
    "checkin.HealthProfile.patient",
    "checkin.Stop.patient",
    "checkin.KnownSign.patient",
    "progress.PSFSActivity.patient",
    "progress.ChairStandResult.patient",
    "booking.Appointment.patient",
    "reviews.VideoReview.patient",
    # Patients send their own videos; those reviews go with them.
    "reviews.VideoReview.uploaded_by",
}
# Kept for the clinic, with everything that named the person removed.
ANONYMISED = {"accounts.Invitation.created_user"}
# Only staff appear here; do_delete_account refuses anyone but a patient.
STAFF_ONLY = {
    "accounts.Invitation.invited_by",
    "practice.Program.prescribed_by",
    "booking.Availability.clinician",
    "booking.TimeOff.clinician",
    "booking.Appointment.clinician",
    # Who acted on a patient's record (set to null if a clinician leaves); a patient's own
    # profile versions go with the patient.
    "checkin.HealthProfile.changed_by",
    "checkin.Stop.acknowledged_by",
    "checkin.Stop.cleared_by",
    "checkin.StopNote.author",
    "checkin.KnownSign.accepted_by",
}

# Tuesday 4 March 2025, 10:00 in Kyoto: a Monday "now" and a visit the next morning.
NOW = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)
VISIT = datetime(2025, 3, 4, 1, 0, tzinfo=UTC)
# Everything that names the patient, put into every free-text field they or their clinic fill.
MARKERS = ("Zebulon", "Quarrington", "zebulon@example.org", "zq-patient")


def relations_to_user() -> dict[str, ForeignObjectRel]:
    """Every foreign key, one-to-one and many-to-many link to the user, hidden ones too."""
    return {
        f"{rel.related_model._meta.label}.{rel.field.name}": rel
        for rel in User._meta.get_fields(include_hidden=True)
        if isinstance(rel, ForeignObjectRel)
    }


def rows_of(user_pk: int, relation: str) -> set[Any]:
    rel = relations_to_user()[relation]
    model: type[models.Model] = rel.related_model  # type: ignore[assignment]
    rows = model._default_manager.filter(**{rel.field.name: user_pk})
    return set(rows.values_list("pk", flat=True))


def reachable(label: str, pks: set[Any], seen: dict[str, set[Any]]) -> None:
    """``pks`` of ``label`` and every row that points at them, through any chain of keys."""
    new = pks - seen.setdefault(label, set())
    if not new:
        return
    seen[label] |= new
    model = apps.get_model(label)
    for rel in model._meta.get_fields(include_hidden=True):
        if isinstance(rel, ForeignObjectRel) and not rel.many_to_many:
            child: type[models.Model] = rel.related_model  # type: ignore[assignment]
            found = child._default_manager.filter(**{f"{rel.field.name}__in": new})
            reachable(child._meta.label, set(found.values_list("pk", flat=True)), seen)


@dataclass
class World:
    patient: User
    bystander: User
    clinician: User
    clinic: Clinic
    invitation: Invitation
    review: VideoReview
    visit: Appointment


def timeline() -> dict[str, Any]:
    return timeline_dict(
        [
            Span("phase", "hold", Side.LEFT, 1, 1000.0, 21000.0),
            Span("fault", "trunk_leaning_back", Side.LEFT, 1, 5000.0, 7500.0),
        ]
    )


def give_history(patient: User, clinician: User) -> None:
    """A bit of everything a patient has, each made by the action the app uses."""
    program = do_prescribe(
        patient,
        prescribed_by=clinician,
        hold_s=30,
        sets_per_side=2,
        variant="cushion",
        sessions_per_day=2,
        sessions_per_week=5,
        chair_stand_every_weeks=4,
        notes=f"=HYPERLINK(x) For {patient.first_name}: gently",
    )
    do_save_health_profile(patient, patient, {"osteoporosis": True})
    stop = do_check_in(patient, Answers(pain_now=4, yes=frozenset({"fever"}))).raised_stops.get()
    do_review_stop(clinician, stop, f"Called {patient.first_name}", clear=True, known=True)
    do_check_in(patient, Answers(pain_now=4))
    session = do_start_session(patient, program, language="en", variant="cushion")
    record = SetRecord(side=Side.LEFT, set_number=1, target_s=30.0, completed=True)
    record.good_form_ms = 18_000.0
    record.max_rear_hip_extension = 31.0
    do_record_set(session, record, clock_ms=21_000.0, timeline=timeline())
    do_finish_session(session, completed=True, clock_ms=22_000.0, timeline=timeline())
    do_rate_psfs(patient, [(f"{patient.last_name} stairs", 5)])
    do_record_chair_stand(patient, 11, ChairStandMethod.MANUAL)


@pytest.fixture
def world(
    db: None,
    settings: Settings,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.HIPCOACH_TASK_QUEUE = "worker"
    clinic = Clinic.objects.create(
        name="Test Clinic", timezone="Asia/Tokyo", appointment_minutes=60, email="c@example.org"
    )
    for day in range(5):
        OpeningHours.objects.create(clinic=clinic, weekday=day, opens=time(9), closes=time(18))
    clinician = make_user("doc", Role.CLINICIAN, clinic, first_name="Sota", last_name="Omura")
    for day in range(5):
        do_add_availability(clinician, day, time(9), time(18))
    TimeOff.objects.create(clinician=clinician, starts_at=NOW - timedelta(days=9), ends_at=NOW)
    invitation, token = do_invite_patient(
        clinic, clinician, name="Zebulon Quarrington", email="zebulon@example.org", language="en"
    )
    patient = do_accept_invitation(
        token, username="zq-patient", password=PASSWORD, language="en", first_name="Zebulon"
    )
    patient.last_name = "Quarrington"
    patient.email = "zebulon@example.org"
    patient.save()
    patient.groups.add(Group.objects.create(name="study"))
    patient.user_permissions.add(Permission.objects.get(codename="view_group"))
    give_history(patient, clinician)
    bystander = make_user("bystander", Role.PATIENT, clinic, email="b@example.org")
    give_history(bystander, clinician)
    with django_capture_on_commit_callbacks(execute=True):
        review = do_upload_review(
            patient,
            patient,
            SimpleUploadedFile("Quarrington-2025.mp4", b"not really a video"),
            language="en",
        )
    review.annotated.save(f"{review.file.name}-annotated.mp4", ContentFile(b"x"), save=False)
    review.status = ReviewStatus.DONE
    review.result = {"good_form_s": 12.5, "holds": [], "path": review.original_name}
    review.timeline = timeline()
    review.save()
    Appointment.objects.create(
        clinic=clinic,
        clinician=clinician,
        patient=patient,
        starts_at=NOW - timedelta(days=14),
        ends_at=NOW - timedelta(days=14) + timedelta(hours=1),
        reason="Quarrington's first visit",
    )
    visit = do_book(patient, VISIT, clinician=clinician, reason="Quarrington: knee", now=NOW)
    invitation.refresh_from_db()
    mail.outbox.clear()
    return World(patient, bystander, clinician, clinic, invitation, review, visit)


# -- export ------------------------------------------------------------------------------------


def test_every_new_kind_of_data_is_in_the_json_export(world: World) -> None:
    response = signed_in(world.patient).get("/en/account/export.json")
    text = response.content.decode()
    data = json.loads(text)
    program = data["programs"][-1]
    assert program["variant"] == "cushion"
    assert (program["sessions_per_day"], program["sessions_per_week"]) == (2, 5)
    assert program["chair_stand_every_weeks"] == 4
    assert program["prescribed_by"] == "Sota Omura"
    [session] = data["sessions"]
    assert session["timeline"]["spans"][1]["code"] == "trunk_leaning_back"
    past, upcoming = data["appointments"]
    assert past["reason"] == "Quarrington's first visit"
    assert upcoming["starts_at"] == VISIT.isoformat()
    assert (upcoming["status"], upcoming["clinician"]) == ("booked", "Sota Omura")
    [review] = data["video_reviews"]
    assert review["original_name"] == "Quarrington-2025.mp4"
    assert review["result"]["good_form_s"] == 12.5
    assert review["timeline"] == timeline()
    assert review["annotated_video"] == f"/en/reviews/{world.review.pk}/annotated.mp4"
    assert "not in this file" in data["video_reviews_note"]
    # The address the export gives really serves the video, to this patient.
    video = signed_in(world.patient).get(review["annotated_video"])
    assert b"".join(video) == b"x"
    assert data["invitation"]["name"] == "Zebulon Quarrington"
    assert data["invitation"]["invited_by"] == "Sota Omura"
    assert data["invitation"]["used_at"] is not None
    assert "token" not in json.dumps(data["invitation"])
    assert world.invitation.token_hash not in text
    assert "bystander" not in text


def test_every_new_kind_of_data_is_in_the_csv_export(world: World) -> None:
    response = signed_in(world.patient).get("/en/account/export.csv")
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    facts = {(r["measure"], r["detail"]): r["value"] for r in rows}
    assert facts[("program", "variant")] == "cushion"
    assert facts[("program", "sessions_per_week")] == "5"
    assert facts[("program", "chair_stand_every_weeks")] == "4"
    assert facts[("program", "prescribed_by")] == "Sota Omura"
    # A spreadsheet shows a clinician's note starting with "=" as text, never runs it.
    assert facts[("program", "notes")].startswith("'=HYPERLINK")
    assert facts[("session_timeline", "fault trunk_leaning_back left set 1 from 5.0 s")] == "2.5"
    assert facts[("session_timeline", "phase hold left set 1 from 1.0 s")] == "20.0"
    visits = [r for r in rows if r["measure"] == "appointment"]
    assert [r["value"] for r in visits] == ["booked", "booked"]
    assert visits[1]["detail"] == "Sota Omura at Test Clinic: Quarrington: knee"
    assert facts[("video_review", "Quarrington-2025.mp4")] == "done"
    assert facts[("video_good_form_s", "Quarrington-2025.mp4")] == "12.5"
    assert facts[("video_timeline", "fault trunk_leaning_back left set 1 from 5.0 s")] == "2.5"
    assert facts[("video_download", "Quarrington-2025.mp4")].endswith("/annotated.mp4")
    assert "not in this file" in facts[("note", "videos")]
    assert facts[("invitation", "invited_by")] == "Sota Omura"
    assert facts[("account", "email")] == "zebulon@example.org"
    assert world.invitation.token_hash not in text


def test_the_export_speaks_the_patients_language(world: World) -> None:
    world.patient.language = "ja"
    world.patient.save()
    data = json.loads(signed_in(world.patient).get("/ja/account/export.json").content)
    assert "動画" in data["video_reviews_note"]
    assert data["video_reviews"][0]["page"].startswith("/ja/reviews/")


def test_a_stored_timeline_that_cannot_be_read_does_not_break_the_export(world: World) -> None:
    VideoReview.objects.filter(pk=world.review.pk).update(timeline={"version": 99})
    text = signed_in(world.patient).get("/en/account/export.csv").content.decode()
    assert "video_timeline,unreadable timeline" in text
    data = json.loads(signed_in(world.patient).get("/en/account/export.json").content)
    assert data["video_reviews"][0]["timeline"] == {"version": 99}


# -- deletion ----------------------------------------------------------------------------------


def test_every_relation_to_a_user_is_decided() -> None:
    found = set(relations_to_user())
    undecided = found - DELETED - ANONYMISED - STAFF_ONLY
    assert not undecided, (
        f"{sorted(undecided)} point at a user: decide what account deletion does with them "
        "(progress/actions.py: do_delete_account), put them in the export (progress/export.py) "
        "and list them here"
    )
    assert not (DELETED | ANONYMISED | STAFF_ONLY) - found, "a listed relation no longer exists"


def test_deleting_the_account_leaves_nothing_of_the_patient(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    pk = world.patient.pk
    mine: dict[str, set[Any]] = {}
    for relation in sorted(DELETED | ANONYMISED):
        pks = rows_of(pk, relation)
        assert pks, f"the fixture gives the patient no {relation}: add one, or this proves nothing"
        if relation in DELETED:
            reachable(relation.rsplit(".", 1)[0], pks, mine)
    assert {"practice.SetResult", "progress.PSFSRating"} <= set(mine)
    names = (world.review.file.name, world.review.annotated.name)
    files = [Path(review_storage().path(name)) for name in names]
    assert all(f.is_file() for f in files)
    theirs = {rel: rows_of(world.bystander.pk, rel) for rel in DELETED}
    staff = {
        rel: rows_of(world.clinician.pk, rel) - mine.get(rel.rsplit(".", 1)[0], set())
        for rel in STAFF_ONLY
    }

    with django_capture_on_commit_callbacks(execute=True):
        do_delete_account(world.patient, now=NOW)

    assert not User.objects.filter(pk=pk).exists()
    for label, pks in mine.items():
        left = apps.get_model(label)._default_manager.filter(pk__in=pks)
        assert not left.exists(), f"{label} rows {sorted(left.values_list('pk', flat=True))} left"
    # SQLite checks foreign keys only at commit: look for dangling ones now.
    for relation in relations_to_user():
        assert not rows_of(pk, relation), f"{relation} still points at the deleted patient"
    # The clinic keeps that its link was used, and nothing that says by whom.
    invitation = Invitation.objects.get(pk=world.invitation.pk)
    assert (invitation.name, invitation.email, invitation.created_user) == ("", "", None)
    assert invitation.used_at is not None
    assert not [f for f in files if f.exists()], "video files left on disk"
    assert everything_naming(MARKERS) == []
    # Everyone else's data is untouched.
    assert {rel: rows_of(world.bystander.pk, rel) for rel in DELETED} == theirs
    assert {rel: rows_of(world.clinician.pk, rel) for rel in STAFF_ONLY} == staff


def everything_naming(markers: tuple[str, ...]) -> list[str]:
    """Every row of every table, any column, that still holds one of ``markers``."""
    hits = []
    for model in apps.get_models(include_auto_created=True):
        for row in model._default_manager.values():
            for column, value in row.items():
                text = json.dumps(value, default=str) if not isinstance(value, str) else value
                hits += [f"{model._meta.label}.{column}" for m in markers if m in text]
    return hits


def test_the_upcoming_visit_is_cancelled_and_its_time_is_free_again(world: World) -> None:
    other = world.bystander
    assert offer_at(world.clinic, world.clinician, VISIT, NOW, patient=other) is None
    do_delete_account(world.patient, now=NOW)
    # The patient's calendar is told (the address is still theirs when the email goes) …
    [email] = mail.outbox
    assert email.to == ["zebulon@example.org"]
    assert "cancelled" in email.subject
    invite = icalendar.Calendar.from_ical(email.attachments[0][1])
    assert invite["method"] == "CANCEL"
    [event] = invite.walk("VEVENT")
    assert str(event["uid"]) == world.visit.uid
    # … and the clinic's schedule offers the time to someone else, who can book it.
    assert offer_at(world.clinic, world.clinician, VISIT, NOW, patient=other) is not None
    booked = do_book(other, VISIT, clinician=world.clinician, now=NOW)
    assert booked.patient == other
    schedule = signed_in(world.clinician).get("/en/booking/clinic/?day=2025-03-04")
    page = schedule.content.decode()
    assert "Quarrington" not in page
    assert "Zebulon" not in page


def test_deletion_through_the_page_needs_the_password(world: World) -> None:
    client = signed_in(world.patient)
    assert client.post("/en/account/delete/", {"password": "nope"}).status_code == 400
    assert Appointment.objects.get(pk=world.visit.pk).is_booked
    assert client.post("/en/account/delete/", {"password": PASSWORD}).status_code == 200
    assert not User.objects.filter(username="zq-patient").exists()
    assert client.get("/en/progress/").status_code == 302


def test_a_clinicians_account_is_not_deleted_as_a_patients(world: World) -> None:
    with pytest.raises(ValueError, match="patient"):
        do_delete_account(world.clinician, now=NOW)
    assert User.objects.filter(pk=world.clinician.pk).exists()
    assert Appointment.objects.get(pk=world.visit.pk).is_booked
