"""Writes for outcome measures and for the patient's own data (do_*)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from hipcoach.accounts.models import Invitation, User
from hipcoach.booking.actions import do_cancel
from hipcoach.booking.models import Appointment, AppointmentStatus
from hipcoach.practice.models import StretchSession
from hipcoach.progress.models import ChairStandMethod, ChairStandResult, PSFSActivity, PSFSRating


@transaction.atomic
def do_rate_psfs(patient: User, pairs: list[tuple[str, int]]) -> list[PSFSRating]:
    """Today's ratings; activities are matched by name so their history continues."""
    current = {
        a.name.casefold(): a for a in PSFSActivity.objects.filter(patient=patient, active=True)
    }
    kept = set()
    ratings = []
    for name, score in pairs:
        activity = current.get(name.casefold()) or PSFSActivity.objects.create(
            patient=patient, name=name
        )
        kept.add(activity.pk)
        ratings.append(PSFSRating.objects.create(activity=activity, score=score))
    PSFSActivity.objects.filter(patient=patient, active=True).exclude(pk__in=kept).update(
        active=False
    )
    return ratings


def do_record_chair_stand(
    patient: User, count: int, method: ChairStandMethod, *, used_hands: bool = False
) -> ChairStandResult:
    """One test: ``count`` full stands. Using the hands to stand scores 0 (CDC STEADI: "If the
    patient must use his/her arms to stand, stop the test. Record 0"); the full stands are kept
    as ``raw_count`` for the clinician."""
    result = ChairStandResult(
        patient=patient,
        count=0 if used_hands else count,
        raw_count=count,
        used_hands=used_hands,
        method=method,
    )
    result.full_clean()
    result.save()
    return result


def do_delete_account(user: User, *, now: datetime | None = None) -> None:
    """Everything of the patient goes with them (export.py lists the same things).

    Upcoming visits are cancelled first through the booking's own action, each committed and
    announced on its own: the clinic's schedule frees the time at once, and the patient's
    calendar receives the cancellation (the email goes to the address still on file). Then,
    in one transaction: sessions (they protect the program they were run under), the
    invitation's name and email (the clinic keeps only that the link was used), and the
    account, which takes the rest by cascade: programs, check-ins, sets, measures, past
    visits, and video reviews, whose files are deleted once that commits (reviews.actions).
    """
    if not user.is_patient:
        raise ValueError("only a patient's account is deleted with their data")
    upcoming = Appointment.objects.filter(
        patient=user, status=AppointmentStatus.BOOKED, starts_at__gt=now or timezone.now()
    )
    for appointment in upcoming.select_related("clinic", "clinician", "patient"):
        do_cancel(appointment, now=now)
    with transaction.atomic():
        StretchSession.objects.filter(patient=user).delete()
        Invitation.objects.filter(created_user=user).update(name="", email="", created_user=None)
        user.delete()
