"""Writes for check-ins (do_*): the screening is decided by the rules, stored with its answers."""

from __future__ import annotations

from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn
from hipcoach.checkin.screening import Answers, load, screen


def do_check_in(patient: User, answers: Answers, *, pain_unknown: bool = False) -> CheckIn:
    """Store a check-in with its screening. ``pain_unknown``: raised from inside a session,
    where nobody asked for a number; the pain score is then stored as null."""
    rules = load()
    result = screen(answers, rules)
    return CheckIn.objects.create(
        patient=patient,
        pain_now=None if pain_unknown else answers.pain_now,
        symptoms={k: v for k, v in answers.symptoms.items() if v != "none"},
        answers=sorted(answers.yes),
        outcome=result.outcome,
        level=result.level.key if result.level else "",
        flags=[r.id for r in result.triggered],
        modification=result.modification or "",
        rules_version=rules.version,
    )
