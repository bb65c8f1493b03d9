"""Prescribing: a new version every time, clear refusals, and only for one's own patients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hipcoach.accounts.models import User
from hipcoach.clinics.review import program_history
from hipcoach.practice.actions import do_prescribe
from hipcoach.practice.models import Program
from people import signed_in


def program(**changes: Any) -> dict[str, Any]:
    data = {
        "variant": "",
        "hold_s": "30",
        "sets_per_side": "2",
        "first_side": "either",
        "sessions_per_day": "1",
        "sessions_per_week": "7",
        "chair_stand_every_weeks": "0",
        "notes": "",
    }
    data.update(changes)
    return data


def test_a_prescription_is_a_new_version_and_the_history_shows_what_changed(
    patient: User, clinician: User
) -> None:
    client = signed_in(clinician)
    url = f"/en/clinic/patients/{patient.pk}/program/"
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="30"' in form.content.decode()  # starts from the program in force
    response = client.post(
        url, program(hold_s="45", sessions_per_week="5", notes="Slowly, breathe out.")
    )
    assert response.status_code == 302
    versions = list(Program.objects.filter(patient=patient).order_by("created_at", "id"))
    assert [(p.hold_s, p.sessions_per_week) for p in versions] == [(30, 7), (45, 5)]
    assert versions[0].prescribed_by is None
    assert versions[1].prescribed_by == clinician
    history = program_history(patient)
    assert history[0].number == 2
    changed = {label: (old, new) for label, old, new in history[0].changes}
    assert changed == {
        "hold (seconds)": ("30", "45"),
        "days a week": ("7", "5"),
        "notes to the patient": ("—", "Slowly, breathe out."),
    }
    page = client.get(f"/en/clinic/patients/{patient.pk}/").content.decode()
    assert "30 → 45" in page
    home = signed_in(patient).get("/en/").content.decode()
    assert "Hold 45 seconds" in home
    assert "5 days a week" in home
    assert "Slowly, breathe out." in home


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hold_s", "19", "The hold must be between 20 and 60 seconds."),
        ("hold_s", "61", "The hold must be between 20 and 60 seconds."),
        ("hold_s", "lots", "The hold must be between 20 and 60 seconds."),
        ("sets_per_side", "0", "Sets per side must be between 1 and 4."),
        ("sets_per_side", "5", "Sets per side must be between 1 and 4."),
        ("sessions_per_day", "4", "Sessions per day must be between 1 and 3."),
        ("sessions_per_week", "8", "Days a week must be between 1 and 7."),
        ("chair_stand_every_weeks", "13", "between 0 and 12 weeks"),
    ],
)
def test_values_out_of_range_are_refused_with_a_clear_message(
    patient: User, clinician: User, field: str, value: str, message: str
) -> None:
    response = signed_in(clinician).post(
        f"/en/clinic/patients/{patient.pk}/program/", program(**{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Program.objects.filter(patient=patient).count() == 1


def test_the_range_edges_are_accepted(patient: User, clinician: User) -> None:
    client = signed_in(clinician)
    url = f"/en/clinic/patients/{patient.pk}/program/"
    assert client.post(url, program(hold_s="20", sets_per_side="4")).status_code == 302
    assert client.post(url, program(hold_s="60", sets_per_side="1")).status_code == 302
    assert Program.objects.filter(patient=patient).count() == 3


def test_only_the_patients_own_clinicians_prescribe(
    patient: User, other_patient: User, stranger: User
) -> None:
    url = f"/en/clinic/patients/{patient.pk}/program/"
    assert signed_in(stranger).get(url).status_code == 404
    assert signed_in(stranger).post(url, program(hold_s="45")).status_code == 404
    assert signed_in(patient).post(url, program(hold_s="45")).status_code == 404
    assert signed_in(other_patient).get(url).status_code == 404
    assert Client().get(url)["Location"].startswith("/en/login/")
    assert Program.objects.filter(patient=patient).count() == 1


def test_the_action_refuses_a_clinician_of_another_clinic(patient: User, stranger: User) -> None:
    with pytest.raises(PermissionError):
        do_prescribe(patient, prescribed_by=stranger, hold_s=30)
    assert Program.objects.filter(patient=patient).count() == 1
