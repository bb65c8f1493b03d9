"""Demo data: a clinic modelled on the article's, a clinician, and a patient with a program.

Idempotent: running it again changes nothing that exists. The logins are in the README.
Contact numbers are placeholders, so demo users never message a real clinic.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic
from hipcoach.practice.actions import do_create_program

DEMO_PASSWORD = "hipcoach-demo"
CLINIC = {
    "name": "Kyoto Osteopathy Center (demo)",
    "name_ja": "京都オステオパシーセンター（デモ）",
    "address": "Kyoto, Japan",
    "phone": "+81-75-000-0000",
    "email": "clinic@example.org",
    "website_url": "https://example.org/clinic",
    "booking_url": "https://example.org/clinic/booking",
    "map_url": "https://example.org/clinic/map",
    "whatsapp_url": "https://wa.me/810000000000",
    "line_url": "https://example.org/clinic/line",
    "timezone": "Asia/Tokyo",
}


class Command(BaseCommand):
    help = "Create the demo clinic, clinician and patient (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        clinic, _ = Clinic.objects.get_or_create(name=CLINIC["name"], defaults=CLINIC)
        clinician = self._user(
            "demo-clinician", Role.CLINICIAN, clinic, first_name="Sota", last_name="Omura"
        )
        patient = self._user(
            "demo-patient", Role.PATIENT, clinic, first_name="Hana", last_name="Demo"
        )
        if not patient.programs.exists():
            do_create_program(
                patient,
                prescribed_by=clinician,
                hold_s=30,
                sets_per_side=2,
                notes="Gently, and breathe out slowly. Stop if anything feels sharp.",
            )
        self.stdout.write(
            f"demo logins: demo-patient / {DEMO_PASSWORD}, demo-clinician / {DEMO_PASSWORD}"
        )

    def _user(self, username: str, role: Role, clinic: Clinic, **names: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "clinic": clinic, **names}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user
