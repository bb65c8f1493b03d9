"""Two clinics with a bit of everything, and every route of the app: for whole-site tests.

Clinic B's patient is named ``SECRET_NAME``: that name must appear on no page that clinic A's
people see (tests/web/test_access_matrix.py); tests/web/test_i18n.py walks the same routes in
Japanese as each role sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from coach.assessment import Side
from coach.events import SetRecord
from hipcoach.accounts.actions import do_invite_patient
from hipcoach.accounts.models import Role, User
from hipcoach.booking.models import Appointment
from hipcoach.checkin.actions import do_check_in, do_review_stop
from hipcoach.checkin.models import KnownSign
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program, do_record_set, do_start_session
from hipcoach.reviews.models import VideoReview
from people import make_user

SECRET_NAME = "Zebediah"
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42"


@dataclass
class ClinicWorld:
    clinic: Clinic
    admin: User
    clinician: User
    patient: User
    objects: dict[str, int]


def make_clinic(tag: str, first_name: str) -> ClinicWorld:
    clinic = Clinic.objects.create(name=f"Clinic {tag}", whatsapp_url="https://wa.me/810000000000")
    admin = make_user(f"admin{tag}", Role.CLINICIAN, clinic, is_clinic_admin=True)
    clinician = make_user(f"doc{tag}", Role.CLINICIAN, clinic)
    patient = make_user(
        f"pat{tag}", Role.PATIENT, clinic, first_name=first_name, last_name="Tanaka"
    )
    program = do_create_program(patient, prescribed_by=clinician, hold_s=20, sets_per_side=1)
    session = do_start_session(patient, program, language="en")
    record = SetRecord(side=Side.LEFT, set_number=1, target_s=20.0, completed=True)
    record.good_form_ms = 20_000
    do_record_set(session, record, clock_ms=25_000)
    checkin = do_check_in(patient, Answers(pain_now=4, symptoms={"leg_coldness": "left"}))
    # Seen and cleared by the clinician, so the patient's own pages and sockets stay open.
    stop = do_review_stop(
        clinician, checkin.raised_stops.get(), "電話済み。かかりつけ医が確認。", clear=True
    )
    do_check_in(patient, Answers(pain_now=3))  # after the clearance: a quiet day
    known = KnownSign.objects.create(patient=patient, rule_id="cold_leg_long_standing")
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
        original_name="0001.mp4",
        size=4,
        status="done",
        result={"holds": []},
    )
    review.file.save("stretch.mp4", ContentFile(MP4_HEADER), save=False)
    review.annotated.save("annotated.mp4", ContentFile(MP4_HEADER), save=False)
    review.save()
    invitation, _token = do_invite_patient(clinic, admin, name="Sato")
    return ClinicWorld(
        clinic,
        admin,
        clinician,
        patient,
        {
            "session": session.pk,
            "checkin": checkin.pk,
            "stop": stop.pk,
            "known_sign": known.pk,
            "patient": patient.pk,
            "clinician": clinician.pk,
            "appointment": appointment.pk,
            "review": review.pk,
            "invitation": invitation.pk,
        },
    )


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


def two_clinics() -> tuple[ClinicWorld, ClinicWorld]:
    return make_clinic("A", "Alice"), make_clinic("B", SECRET_NAME)
