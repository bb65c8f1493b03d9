"""Writes for outcome measures and for the patient's own data (do_*)."""

from __future__ import annotations

from django.db import transaction

from hipcoach.accounts.models import User
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


def do_record_chair_stand(patient: User, count: int, method: ChairStandMethod) -> ChairStandResult:
    result = ChairStandResult(patient=patient, count=count, method=method)
    result.full_clean()
    result.save()
    return result


@transaction.atomic
def do_delete_account(user: User) -> None:
    """Everything of the person goes with them: sessions first (they protect the program they
    were run under), then the rest by cascade: programs, check-ins, sets, measures."""
    StretchSession.objects.filter(patient=user).delete()
    user.delete()
