"""The FHIR R4 export: it validates, counts and codes match the record, and access."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from fhir.resources.bundle import Bundle
from fhir.resources.observation import Observation
from pydantic import ValidationError

from hipcoach.accounts.models import Role, User
from hipcoach.progress.actions import do_record_chair_stand
from hipcoach.progress.models import ChairStandMethod
from hipcoach.reports import fhir
from hipcoach.reports.fhir import export_bundle
from hipcoach.reports.pdf import report_pdf
from people import signed_in


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def coded(observations: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [o for o in observations if any(c["code"] == code for c in o["code"]["coding"])]


def test_the_bundle_validates_and_matches_the_record(history: User) -> None:
    bundle = export_bundle(history)
    parsed = Bundle.parse_obj(bundle)
    assert parsed.type == "collection"
    kinds = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert kinds == {
        "Patient": 1,
        "Organization": 1,
        "Observation": 4 + 2 * 2 + 1,  # pain at 4 check-ins, 2 sessions × 2 sides, 1 chair stand
        "Questionnaire": 1,
        "QuestionnaireResponse": 2,
    }
    [patient] = resources(bundle, "Patient")
    assert patient["name"][0]["family"] == "Takahashi"
    assert patient["communication"][0]["language"]["coding"][0]["code"] == "en"
    [clinic] = resources(bundle, "Organization")
    assert clinic["name"] == "Test Clinic"
    assert clinic["telecom"] == [{"system": "phone", "value": "+81-75-000-0000"}]
    assert patient["managingOrganization"]["reference"] == f"urn:uuid:{clinic['id']}"
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    observations = resources(bundle, "Observation")
    for o in observations:
        assert o["subject"]["reference"] in full_urls
        assert o["valueQuantity"]["system"] == "http://unitsofmeasure.org"


def test_codes_and_units(history: User) -> None:
    observations = resources(export_bundle(history), "Observation")
    pain = coded(observations, "72514-3")
    assert sorted(o["valueQuantity"]["value"] for o in pain) == [2, 3, 6, 7]
    assert {o["valueQuantity"]["code"] for o in pain} == {"{score}"}
    assert pain[0]["code"]["coding"][0]["system"] == "http://loinc.org"
    assert pain[0]["category"][0]["coding"][0]["code"] == "survey"
    assert pain[0]["effectiveDateTime"] == "2025-02-03T10:00:00+09:00"  # the patient's own zone
    [stands] = coded(observations, "66247-8")
    assert stands["valueQuantity"] == {
        "system": "http://unitsofmeasure.org",
        "value": 11,
        "unit": "stands in 30 s",
        "code": "{#}/(30.s)",
    }
    assert "component" not in stands  # hands not used: the score is the count
    assert "note" not in stands
    extension = coded(observations, "rear-hip-extension")
    assert len(extension) == 4
    assert {o["valueQuantity"]["code"] for o in extension} == {"deg"}
    assert extension[0]["code"]["coding"][0]["system"] == fhir.measure_system()
    sites = {o["bodySite"]["coding"][0]["code"]: o["valueQuantity"]["value"] for o in extension[:2]}
    assert sites == {"24136001:272741003=7771000": 31.5, "24136001:272741003=24028007": 28.0}
    assert all(o["bodySite"]["coding"][1]["code"] == "24136001" for o in extension)


def test_psfs_ratings_are_questionnaire_responses_per_occasion(history: User) -> None:
    bundle = export_bundle(history)
    [questionnaire] = resources(bundle, "Questionnaire")
    responses = resources(bundle, "QuestionnaireResponse")
    assert [r["questionnaire"] for r in responses] == [f"{questionnaire['url']}|1"] * 2
    answers = [
        [
            (i["item"][0]["answer"][0]["valueString"], i["item"][1]["answer"][0]["valueInteger"])
            for i in r["item"]
        ]
        for r in responses
    ]
    assert answers == [
        [("Climbing stairs", 4), ("Putting on socks", 3)],
        [("Climbing stairs", 6), ("Putting on socks", 5)],
    ]


def test_ids_are_stable_across_exports(history: User) -> None:
    first, second = export_bundle(history), export_bundle(history)
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    assert first["id"] != second["id"]  # each export is a new bundle


def test_a_patient_with_no_data_still_validates(db: None) -> None:
    alone = User.objects.create_user(username="alone", password="x", role=Role.PATIENT)
    bundle = export_bundle(alone)
    Bundle.parse_obj(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_an_invalid_resource_is_refused_not_exported(
    history: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = fhir.build_resources

    def broken(patient: User) -> list[dict[str, Any]]:
        out = real(patient)
        out[-1]["effectiveDateTime"] = "yesterday"
        return out

    monkeypatch.setattr(fhir, "build_resources", broken)
    with pytest.raises(ValidationError):
        export_bundle(history)
    with pytest.raises(ValidationError):
        Observation.parse_obj({"resourceType": "Observation", "status": "final"})  # no code


def test_every_demo_patient_exports_a_valid_bundle(db: None) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    patients = list(User.objects.filter(role=Role.PATIENT))
    assert patients
    today = timezone.now().date()
    for patient in patients:
        bundle = export_bundle(patient)
        Bundle.parse_obj(bundle)
        assert resources(bundle, "Patient")[0]["id"] == fhir.resource_id("Patient", patient.pk)
        for language in ("en", "ja"):  # and each demo patient's report renders
            assert report_pdf(patient, today - timedelta(days=365), today, language)[:5] == b"%PDF-"


def test_downloads_and_access(
    history: User, clinician: User, stranger: User, other_patient: User
) -> None:
    own = signed_in(history).get("/en/reports/fhir/")
    assert own.status_code == 200
    assert own["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert own["Content-Disposition"] == 'attachment; filename="hipcoach-fhir-hana.json"'
    Bundle.parse_obj(json.loads(own.content))
    by_clinician = signed_in(clinician).get(f"/en/reports/patients/{history.pk}/fhir/")
    assert by_clinician.status_code == 200
    assert (
        json.loads(by_clinician.content)["entry"][0]["resource"]["name"][0]["family"] == "Takahashi"
    )
    assert signed_in(stranger).get(f"/en/reports/patients/{history.pk}/fhir/").status_code == 404
    assert (
        signed_in(other_patient).get(f"/en/reports/patients/{history.pk}/fhir/").status_code == 404
    )
    assert signed_in(clinician).get("/en/reports/fhir/").status_code == 403  # not a patient
    assert Client().get("/en/reports/fhir/").status_code == 302


def test_a_test_done_with_the_hands_scores_zero_and_keeps_the_full_stands(history: User) -> None:
    do_record_chair_stand(history, 9, ChairStandMethod.CAMERA, used_hands=True)
    bundle = export_bundle(history)
    Bundle.parse_obj(bundle)
    stands = coded(resources(bundle, "Observation"), "66247-8")
    assert [o["valueQuantity"]["value"] for o in stands] == [11, 0]
    with_hands = stands[1]
    Observation.parse_obj(with_hands)
    assert with_hands["method"] == {"text": "Counted by the camera"}
    [component] = with_hands["component"]
    assert component["code"]["coding"][0] == {
        "system": fhir.measure_system(),
        "code": "chair-stand-full-stands-hands-used",
        "display": "Full stands in 30 seconds, using the hands",
    }
    assert component["valueQuantity"] == {
        "system": "http://unitsofmeasure.org",
        "value": 9,
        "unit": "stands in 30 s",
        "code": "{#}/(30.s)",
    }
    [note] = with_hands["note"]
    assert "scores 0" in note["text"]
    assert "Full stands done: 9." in note["text"]
