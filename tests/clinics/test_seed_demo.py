"""The demo data: the article's clinic, both clinics apart, weeks of history, and idempotent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from hipcoach.accounts.models import User
from hipcoach.checkin.access import current_profile
from hipcoach.checkin.gate import Activity, Reason, gate_for
from hipcoach.checkin.models import CheckIn
from hipcoach.clinics.models import Clinic, OpeningHours
from hipcoach.clinics.review import patient_rows
from hipcoach.practice.models import Program, SetResult, StretchSession
from hipcoach.progress.models import ChairStandResult, PSFSRating


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Clinic,
            OpeningHours,
            User,
            Program,
            StretchSession,
            SetResult,
            CheckIn,
            PSFSRating,
            ChairStandResult,
        )
    }


def test_seed_demo_makes_a_realistic_clinic_and_is_idempotent(db: None) -> None:
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first

    clinic = Clinic.objects.get(name="Kyoto Osteopathy Center (demo)")
    clinic.full_clean()  # placeholders pass the profile's own validation
    assert "000" in clinic.phone
    assert clinic.whatsapp_url == "https://wa.me/810000000000"
    assert "Hip osteoarthritis and hip pain" in clinic.service_list("en")
    assert "変形性股関節症・股関節の痛み" in clinic.service_list("ja")
    assert clinic.opening_hours.count() > 5

    lead = User.objects.get(username="demo-clinician")
    assert lead.is_clinic_admin
    rows = {r.patient.username: r for r in patient_rows(lead)}
    assert set(rows) == {
        "demo-patient",
        "demo-patient-kenji",
        "demo-patient-mary",
        "demo-patient-new",
    }
    assert rows["demo-patient-kenji"].red_flag
    assert rows["demo-patient-kenji"].new_red_flags == 1  # waiting for the clinician
    assert rows["demo-patient-kenji"].stopped
    assert rows["demo-patient-kenji"].pain_rising
    assert patient_rows(lead)[0].patient.username == "demo-patient-kenji"
    for name in ("demo-patient", "demo-patient-kenji", "demo-patient-mary"):
        assert current_profile(rows[name].patient) is not None, name  # asked once already
        assert rows[name].patient.phone, name
    assert current_profile(rows["demo-patient-new"].patient) is None  # asked at first check-in
    assert gate_for(rows["demo-patient"].patient, Activity.STRETCH).reason is not Reason.STOPPED
    assert rows["demo-patient-mary"].missed_sessions
    hana = rows["demo-patient"]
    assert not hana.red_flag
    assert not hana.pain_rising
    assert not hana.missed_sessions
    assert Program.objects.filter(patient=hana.patient).count() == 2
    sessions = StretchSession.objects.filter(patient=hana.patient)
    assert sessions.count() > 15
    assert all(s.timeline.get("spans") for s in sessions)

    other = User.objects.get(username="demo-other-clinician")
    assert [r.patient.username for r in patient_rows(other)] == ["demo-other-patient"]
    client = Client()
    client.force_login(other)
    assert client.get(f"/en/clinic/patients/{hana.patient.pk}/").status_code == 404
    client.force_login(lead)
    assert client.get(f"/en/clinic/patients/{hana.patient.pk}/").status_code == 200
    assert client.get("/en/").status_code == 200


def test_the_demo_clinic_has_kyoto_s_advice_line_and_sends_leg_symptoms_to_a_doctor(
    db: None,
) -> None:
    call_command("seed_demo", stdout=StringIO())
    clinic = Clinic.objects.get(name="Kyoto Osteopathy Center (demo)")
    assert clinic.advice_line_phone == "#7119"  # Kyoto prefecture runs #7119
    assert "救急安心センター" in clinic.advice_line_name
    assert clinic.see_care_lapse_days is None  # a "see your clinician" stop never lapses
    for language, doctor_first in (("en", "checked by a doctor first"), ("ja", "まず医療機関で")):
        services = clinic.service_list(language)
        legs = [s for s in services if "leg" in s or "脚" in s]
        assert legs, language
        # Leg numbness, or a tired or swollen leg after travel, is never offered as treatable
        # on its own: every line that names it sends the person to a doctor first.
        for line in legs:
            assert doctor_first in line, line
    assert "Back pain or leg fatigue after travel" not in clinic.service_list("en")
    assert "Numbness in the arms or legs" not in clinic.service_list("en")


def test_an_older_demo_clinic_is_brought_up_to_date(db: None) -> None:
    Clinic.objects.create(
        name="Kyoto Osteopathy Center (demo)",
        services="Hip osteoarthritis and hip pain\nNeck and shoulder stiffness from desk work\n"
        "Back pain or leg fatigue after travel\nShin splints from walking or running\n"
        "Numbness in the arms or legs\nPosture and walking",
        services_ja="旅行後の腰痛・脚の疲れ",
    )
    call_command("seed_demo", stdout=StringIO())
    clinic = Clinic.objects.get(name="Kyoto Osteopathy Center (demo)")
    assert "Back pain or leg fatigue after travel" not in clinic.services
    assert "旅行後の腰痛・脚の疲れ" not in clinic.services_ja
    assert clinic.advice_line_phone == "#7119"
