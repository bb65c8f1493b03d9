"""Demo availability: the demo clinicians work weekdays 9–12 and 13–17 (clinic time).

Idempotent; slots appear only where the clinic's opening hours also allow them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from hipcoach.accounts.models import User
from hipcoach.booking.models import Availability
from hipcoach.clinics.models import Clinic

DEMO_PERIODS = ((time(9), time(12)), (time(13), time(17)))


def seed_demo_booking(clinic: Clinic, clinicians: Iterable[User]) -> int:
    """Weekday availability for each clinician of ``clinic`` that has none; rows created."""
    created = 0
    for clinician in clinicians:
        if (
            clinician.clinic_id != clinic.pk
            or Availability.objects.filter(clinician=clinician).exists()
        ):
            continue
        Availability.objects.bulk_create(
            Availability(clinician=clinician, weekday=day, starts=starts, ends=ends)
            for day in range(5)
            for starts, ends in DEMO_PERIODS
        )
        created += 5 * len(DEMO_PERIODS)
    return created
