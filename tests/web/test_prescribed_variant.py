"""The session runs the gentler of the prescribed version of the stretch and today's check-in."""

from __future__ import annotations

import pytest

from hipcoach.accounts.models import User
from hipcoach.practice.actions import do_prescribe, do_start_session, gentler_variant
from hipcoach.practice.models import SessionMode


@pytest.mark.parametrize(
    ("prescribed", "checked_in", "expected"),
    [
        ("", "", ""),
        ("cushion", "", "cushion"),
        ("", "cushion", "cushion"),
        ("standing", "cushion", "standing"),
        ("cushion", "standing", "standing"),
        ("", "unknown", ""),
    ],
)
def test_the_gentler_version_wins(prescribed: str, checked_in: str, expected: str) -> None:
    assert gentler_variant(prescribed, checked_in) == expected


def test_a_prescribed_standing_stretch_runs_on_the_timer(patient: User, clinician: User) -> None:
    program = do_prescribe(
        patient, prescribed_by=clinician, hold_s=30, sets_per_side=2, variant="standing"
    )
    session = do_start_session(patient, program, language="en", variant="")
    assert session.variant == "standing"
    assert session.mode == SessionMode.TIMER


def test_a_cushion_from_the_check_in_still_applies_to_the_article_stretch(patient: User) -> None:
    program = patient.programs.first()
    assert program is not None
    session = do_start_session(patient, program, language="en", variant="cushion")
    assert session.variant == "cushion"
    assert session.mode == SessionMode.CAMERA
