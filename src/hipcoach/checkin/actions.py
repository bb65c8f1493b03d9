"""Writes for check-ins, stops and the health profile (do_*), one transaction each.

The screening is decided by the rules (screening.py); a result that must hold becomes a Stop,
which only a clinician can clear, and the clinic's clinicians are emailed once it is stored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hipcoach.accounts.models import User
from hipcoach.checkin import notify
from hipcoach.checkin.access import current_profile, known_rule_ids
from hipcoach.checkin.models import CheckIn, HealthProfile, KnownSign, Stop, StopNote
from hipcoach.checkin.screening import (
    MODIFICATIONS,
    Answers,
    Level,
    Rule,
    load,
    screen,
    screen_profile_change,
)


def do_check_in(
    patient: User,
    answers: Answers,
    *,
    pain_unknown: bool = False,
    now: datetime | None = None,
) -> CheckIn:
    """Store a check-in with its screening, and the stop it raises if any.

    The health profile in force is part of the answers. ``pain_unknown``: raised from inside a
    session, where nobody asked for a number; the pain score is then stored as null.
    """
    now = now or timezone.now()
    rules = load()
    with transaction.atomic():
        profile = current_profile(patient)
        answers = replace(answers, profile=profile.facts() if profile else frozenset())
        result = screen(answers, rules)
        known = known_rule_ids(patient)
        # A see-care sign the clinician has accepted as usual is recorded but does not stop.
        accepted = [r for r in result.triggered if r.level is Level.SEE_CARE and r.id in known]
        acting = [r for r in result.triggered if r not in accepted]
        level = max((r.level for r in acting), default=None)
        stops = level is not None and level.stops
        modification = "" if stops else _modification(acting)
        checkin = CheckIn.objects.create(
            patient=patient,
            created_at=now,
            pain_now=None if pain_unknown else answers.pain_now,
            symptoms={k: v for k, v in answers.symptoms.items() if v != "none"},
            answers=sorted(answers.yes),
            outcome="stop" if stops else ("modify" if modification else "proceed"),
            level=level.key if level else "",
            flags=[r.id for r in acting],
            known=[r.id for r in accepted],
            modification=modification,
            rules_version=rules.version,
        )
        holding = [r for r in acting if r.level.holds]
        if holding:
            _raise_stop(patient, holding, now, checkin=checkin)
    return checkin


def do_report_rising_pain(patient: User, *, now: datetime | None = None) -> CheckIn:
    """The "my pain is getting worse" button inside a session: a check-in that stops."""
    return do_check_in(
        patient,
        Answers(pain_now=0, yes=frozenset({"pain_rose_during_stretch"})),
        pain_unknown=True,
        now=now,
    )


def _modification(rules: list[Rule]) -> str:
    chosen = {r.modification for r in rules if r.modification}
    return next((m for m in MODIFICATIONS if m in chosen), "")


def _raise_stop(
    patient: User,
    rules: list[Rule],
    now: datetime,
    *,
    checkin: CheckIn | None = None,
    profile: HealthProfile | None = None,
) -> Stop:
    level = max(r.level for r in rules)
    lapse_days = patient.clinic.see_care_lapse_days if patient.clinic else None
    stop = Stop.objects.create(
        patient=patient,
        checkin=checkin,
        profile=profile,
        created_at=now,
        level=level.key,
        flags=[r.id for r in rules],
        lapses_at=now + timedelta(days=lapse_days)
        if lapse_days and level is Level.SEE_CARE
        else None,
    )
    transaction.on_commit(lambda: notify.tell_clinicians(stop.pk))
    return stop


def do_save_health_profile(
    patient: User,
    changed_by: User,
    values: dict[str, Any],
    *,
    phone: str | None = None,
    now: datetime | None = None,
) -> HealthProfile | None:
    """A new version of the profile when anything changed (None when nothing did). A profile
    rule that the change newly triggers (e.g. a history of cancer) raises its stop once."""
    now = now or timezone.now()
    with transaction.atomic():
        if phone is not None and phone != patient.phone:
            patient.phone = phone
            patient.save(update_fields=["phone"])
        before = current_profile(patient)
        fields = {name: values[name] for name in HealthProfile.FIELDS if name in values}
        if before is not None and all(getattr(before, k) == v for k, v in fields.items()):
            return None
        profile = HealthProfile(patient=patient, changed_by=changed_by, created_at=now, **fields)
        profile.full_clean(exclude=["patient", "changed_by"])
        profile.save()
        change = screen_profile_change(before.facts() if before else frozenset(), profile.facts())
        if change.holds:
            _raise_stop(
                patient,
                [r for r in change.triggered if r.level.holds],
                now,
                profile=profile,
            )
    return profile


def do_review_stop(
    clinician: User,
    stop: Stop,
    note: str,
    *,
    clear: bool,
    known: bool = False,
    now: datetime | None = None,
) -> Stop:
    """A clinician acknowledges a stop with a note, and may clear it so the patient can stretch
    again. ``known``: the stop's see-care signs are the patient's usual and stop no more."""
    now = now or timezone.now()
    note = note.strip()
    if not note or len(note) > 2000:
        raise ValidationError(
            _("Write a short note (up to 2000 characters): what you did or advised.")
        )
    if known and stop.level_enum is not Level.SEE_CARE:
        raise ValidationError(
            _("Only signs that ask to see the clinician can be marked as usual for the patient.")
        )
    with transaction.atomic():
        current = Stop.objects.select_for_update().get(pk=stop.pk)
        if current.cleared_at is not None:
            raise ValidationError(_("This stop was already cleared."))
        StopNote.objects.create(
            stop=current, author=clinician, created_at=now, text=note, cleared=clear
        )
        if current.acknowledged_at is None:
            current.acknowledged_at = now
            current.acknowledged_by = clinician
        if clear:
            current.cleared_at = now
            current.cleared_by = clinician
        current.save()
        if known and clear:
            for rule_id in current.flags:
                KnownSign.objects.get_or_create(
                    patient=current.patient,
                    rule_id=rule_id,
                    defaults={"accepted_by": clinician, "accepted_at": now},
                )
    return current


def do_forget_known_sign(sign: KnownSign) -> None:
    """The sign stops the stretch again the next time it is reported."""
    sign.delete()
