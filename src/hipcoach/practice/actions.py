"""Every write to practice data: one function per action, one transaction each (do_*)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coach.events import SetRecord
from hipcoach.accounts.models import User
from hipcoach.practice.models import (
    Program,
    SessionMode,
    SessionStatus,
    SetResult,
    StretchSession,
    Variant,
)


def do_create_program(
    patient: User, *, prescribed_by: User | None = None, **values: Any
) -> Program:
    program = Program(patient=patient, prescribed_by=prescribed_by, **values)
    program.full_clean()
    program.save()
    return program


# From the article's stretch to the gentlest version.
_CARE_ORDER = (Variant.STANDARD, Variant.CUSHION, Variant.STANDING)


def gentler_variant(prescribed: str, checked_in: str) -> str:
    """The version of the stretch asking more care of the two (unknown ones count as none)."""
    rank = {v.value: i for i, v in enumerate(_CARE_ORDER)}
    return max(prescribed, checked_in, key=lambda v: rank.get(v, 0))


@transaction.atomic
def do_start_session(
    patient: User, program: Program, *, language: str, variant: str = ""
) -> StretchSession:
    """A new session; an earlier one left active (a closed tab) is ended early first.

    ``variant`` is what today's check-in asked for; the session takes it or the prescribed
    one, whichever is gentler. The standing variant runs on the timer: the camera only knows
    the kneeling position.
    """
    variant = gentler_variant(program.variant, variant)
    StretchSession.objects.filter(patient=patient, status=SessionStatus.ACTIVE).update(
        status=SessionStatus.ENDED_EARLY, ended_at=timezone.now()
    )
    protocol = program.protocol()
    return StretchSession.objects.create(
        patient=patient,
        program=program,
        protocol_id=protocol.id,
        hold_s=int(protocol.hold_s),
        sets_per_side=protocol.sets_per_side,
        first_side=protocol.first_side.value if protocol.first_side else "",
        target_shift=program.target_shift,
        min_shift=program.min_shift,
        language=language,
        variant=variant,
        mode=SessionMode.TIMER if variant == "standing" else SessionMode.CAMERA,
    )


def do_record_set(
    session: StretchSession,
    record: SetRecord,
    *,
    clock_ms: float,
    form_checked: bool = True,
    timeline: dict[str, Any] | None = None,
) -> SetResult:
    """Store a finished set at once. Idempotent: the same set twice keeps the first.

    The session's timeline is saved with it, so what is stored always matches the sets.
    """
    with transaction.atomic():
        try:
            result = SetResult.objects.create(
                session=session,
                side=record.side.value,
                set_number=record.set_number,
                target_s=record.target_s,
                good_form_s=round(record.good_form_ms / 1000.0, 2),
                completed=record.completed,
                form_checked=form_checked,
                faults={k: round(v / 1000.0, 2) for k, v in record.fault_ms.items()},
                max_rear_hip_extension=record.max_rear_hip_extension,
                baseline_rear_hip_extension=record.baseline_rear_hip_extension,
            )
        except IntegrityError:
            result = SetResult.objects.get(
                session=session, side=record.side.value, set_number=record.set_number
            )
        changes: dict[str, Any] = {"clock_ms": clock_ms, "first_side": session.first_side}
        if timeline is not None:
            changes["timeline"] = timeline
        StretchSession.objects.filter(pk=session.pk).update(**changes)
    return result


def do_set_first_side(session: StretchSession, side: str) -> None:
    session.first_side = side
    StretchSession.objects.filter(pk=session.pk).update(first_side=side)


def do_set_mode(session: StretchSession, mode: SessionMode) -> None:
    session.mode = mode
    StretchSession.objects.filter(pk=session.pk).update(mode=mode)


def do_finish_session(
    session: StretchSession,
    *,
    completed: bool,
    clock_ms: float,
    timeline: dict[str, Any] | None = None,
) -> None:
    session.status = SessionStatus.COMPLETED if completed else SessionStatus.ENDED_EARLY
    session.ended_at = timezone.now()
    session.clock_ms = clock_ms
    fields = ["status", "ended_at", "clock_ms"]
    if timeline is not None:
        session.timeline = timeline
        fields.append("timeline")
    session.save(update_fields=fields)


@transaction.atomic
def do_prescribe(patient: User, *, prescribed_by: User, **values: Any) -> Program:
    """A clinician's prescription: always a new version, so the history keeps the old one.

    The caller has checked the clinician may treat this patient (accounts.access); values out
    of range raise ValidationError and nothing is saved.
    """
    if not prescribed_by.is_clinician or prescribed_by.clinic_id != patient.clinic_id:
        raise PermissionError("only a clinician of the patient's clinic prescribes")
    return do_create_program(patient, prescribed_by=prescribed_by, **values)
