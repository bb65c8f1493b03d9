"""The patient's record as FHIR R4 (4.0.1) resources in one Bundle, validated before it leaves.

``export_bundle(patient)`` returns a ``collection`` Bundle: the Patient, their clinic as an
Organization, an Observation for each pain score, each session side's rear-hip extension and
each chair-stand test, and a QuestionnaireResponse for each occasion the patient rated their
everyday activities (PSFS), with the Questionnaire it answers. Every resource is built as a
plain dict, and the Bundle is parsed by ``fhir.resources`` (each entry by its own resource
model: required elements, data types, formats, no unknown elements) before it is returned;
anything invalid raises ``pydantic.ValidationError`` rather than leaving as a broken file.

Codes, and where each was confirmed (nothing here is guessed; where no standard code could be
confirmed, the concept has only hipcoach's own code and says so in its text):

* Pain now, 0–10: LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] -
  Reported" (https://loinc.org/72514-3; the same code HL7 Belgium's patient-monitoring and
  France's mesures-de-santé guides use for a 0–10 pain score). Unit UCUM ``{score}``.
  Category ``survey``: the patient reports it.
* 30-second chair stand: LOINC 66247-8 "Sit to stand frequency in 30 seconds"
  (https://loinc.org/66247-8): the CDC STEADI test, arms crossed on the chest, as hipcoach's
  test (docs/chair-stand.md); not 93125-3, the modified test that lets the arms help. Unit
  UCUM ``{#}/(30.s)``, LOINC's example unit for the term. Category ``exam``. The value is the
  test's score: 0 when the patient used their hands to stand, as STEADI says ("If the patient
  must use his/her arms to stand, stop the test. Record 0"). The full stands done anyway go in
  a ``component`` with hipcoach's own code ``chair-stand-full-stands-hands-used`` (no standard
  code for them could be confirmed) and a ``note`` says so in words.
* Rear-hip extension in the stretch: no LOINC term, and no SNOMED CT observable for "range of
  hip extension" could be confirmed (SNOMED's 364564000 "Range of joint movement" is only
  the general parent; 383004 is a *finding* of passive range, which this is not). The value
  is the furthest extension the camera estimated while the patient held the stretch, not a
  goniometer measurement, so it carries only the local code ``rear-hip-extension`` and says
  what it is in ``code.text``. Unit UCUM ``deg``. Category ``therapy`` (recorded during a
  physiotherapy exercise). Body site SNOMED CT 24136001 "Hip joint structure" (as in HL7
  Europe's hospital discharge report guide), with its side as a post-coordinated expression
  ``24136001:272741003=7771000`` (272741003 "Laterality (attribute)"; 7771000 "Left",
  24028007 "Right", from FHIR's bodystructure-laterality value set), and the plain 24136001
  beside it for receivers that do not read expressions.
* Categories: http://terminology.hl7.org/CodeSystem/observation-category.
* PSFS: the Patient-Specific Functional Scale names no licensed items: the patient names
  the activities in their own words and scores each 0 (unable) to 10 (as before). Its
  Questionnaire here is hipcoach's own (``QUESTIONNAIRE_URL``), a repeating group of an
  activity name (string) and a score (integer 0–10).

Identifiers are stable across exports: each resource id is a UUID 5 of ``BASE`` and the
record's primary key, so a receiver can recognise an update of what it already holds.
``BASE`` is ``settings.HIPCOACH_FHIR_BASE`` when set, else ``https://hipcoach.invalid/fhir``
(a reserved name that never resolves: hipcoach has no public terminology server).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from fhir.resources.bundle import Bundle

from hipcoach.accounts.models import User
from hipcoach.checkin.models import CheckIn
from hipcoach.clinics.models import Clinic
from hipcoach.practice.models import SetResult
from hipcoach.progress.models import ChairStandResult, PSFSRating

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

PAIN = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
CHAIR_STAND = {
    "system": LOINC,
    "code": "66247-8",
    "display": "Sit to stand frequency in 30 seconds",
}
HIP_JOINT = {"system": SNOMED, "code": "24136001", "display": "Hip joint structure"}
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
# Ratings saved further apart than this are separate occasions of the PSFS.
PSFS_OCCASION = timedelta(minutes=10)


def base() -> str:
    return str(getattr(settings, "HIPCOACH_FHIR_BASE", "") or "https://hipcoach.invalid/fhir")


def measure_system() -> str:
    return f"{base()}/CodeSystem/measures"


def questionnaire_url() -> str:
    return f"{base()}/Questionnaire/psfs"


def resource_id(kind: str, pk: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base()}/{kind}/{pk}"))


def _ref(resource: dict[str, Any]) -> dict[str, str]:
    return {"reference": f"urn:uuid:{resource['id']}"}


def _when(moment: datetime) -> str:
    """An instant with the patient's UTC offset, seconds precision: FHIR dateTime."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": CATEGORY, "code": code, "display": display}]}]


def export_bundle(patient: User) -> dict[str, Any]:
    """The patient's record as a validated FHIR Bundle (JSON-ready dict)."""
    with timezone.override(patient.time_zone_name()):
        resources = build_resources(patient)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": _when(timezone.now())},
        "type": "collection",
        "timestamp": _when(timezone.now()),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    Bundle.parse_obj(bundle)  # every entry's resource is parsed by its own model too
    return bundle


def build_resources(patient: User) -> list[dict[str, Any]]:
    organization = _organization(patient.clinic) if patient.clinic else None
    subject = _patient(patient, organization)
    resources = [subject] + ([organization] if organization else [])
    resources += _pain(patient, subject)
    resources += _extension(patient, subject)
    resources += _chair_stands(patient, subject)
    responses = _psfs(patient, subject)
    if responses:
        resources += [_questionnaire(), *responses]
    return resources


def _patient(patient: User, organization: dict[str, Any] | None) -> dict[str, Any]:
    name: dict[str, Any] = {"use": "usual", "text": str(patient)}
    if patient.last_name:
        name["family"] = patient.last_name
    if patient.first_name:
        name["given"] = [patient.first_name]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": resource_id("Patient", patient.pk),
        "identifier": [{"system": f"{base()}/patient", "value": str(patient.pk)}],
        "active": patient.is_active,
        "name": [name],
        "communication": [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": patient.language}],
                    "text": {"en": "English", "ja": "日本語"}.get(
                        patient.language, patient.language
                    ),
                },
                "preferred": True,
            }
        ],
    }
    if patient.email:
        resource["telecom"] = [{"system": "email", "value": patient.email}]
    if organization:
        resource["managingOrganization"] = _ref(organization) | {"display": organization["name"]}
    return resource


def _organization(clinic: Clinic) -> dict[str, Any]:
    telecom = [
        {"system": system, "value": value}
        for system, value in (
            ("phone", clinic.phone),
            ("email", clinic.email),
            ("url", clinic.website_url),
        )
        if value
    ]
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": resource_id("Organization", clinic.pk),
        "active": True,
        "name": clinic.name,
    }
    if clinic.name_ja:
        resource["alias"] = [clinic.name_ja]
    if telecom:
        resource["telecom"] = telecom
    if clinic.address:
        resource["address"] = [{"text": clinic.address}]
    return resource


def _observation(
    kind: str,
    pk: object,
    subject: dict[str, Any],
    *,
    moment: datetime,
    category: list[dict[str, Any]],
    code: dict[str, Any],
    quantity: dict[str, Any],
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id(kind, pk),
        "status": "final",
        "category": category,
        "code": code,
        "subject": _ref(subject),
        "effectiveDateTime": _when(moment),
        "performer": [_ref(subject)],
        "valueQuantity": {"system": UCUM, **quantity},
    }


def _pain(patient: User, subject: dict[str, Any]) -> list[dict[str, Any]]:
    checkins = CheckIn.objects.filter(patient=patient, pain_now__isnull=False).order_by(
        "created_at", "id"
    )
    return [
        _observation(
            "CheckIn/pain",
            c.pk,
            subject,
            moment=c.created_at,
            category=_category("survey", "Survey"),
            code={"coding": [PAIN], "text": "Hip pain now, 0-10"},
            quantity={"value": c.pain_now, "unit": "score", "code": "{score}"},
        )
        for c in checkins
    ]


def _extension(patient: User, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """One Observation per session and side: the furthest extension over its sets."""
    best: dict[tuple[int, str], SetResult] = {}
    for s in (
        SetResult.objects.filter(session__patient=patient, max_rear_hip_extension__isnull=False)
        .select_related("session")
        .order_by("finished_at", "id")
    ):
        key = (s.session_id, s.side)
        held = best.get(key)
        if held is None or (s.max_rear_hip_extension or 0) > (held.max_rear_hip_extension or 0):
            best[key] = s
    out = []
    for (session_id, side), s in sorted(best.items(), key=lambda kv: (kv[1].finished_at, kv[0])):
        laterality, side_name = LATERALITY[side]
        observation = _observation(
            "SessionSide/extension",
            f"{session_id}/{side}",
            subject,
            moment=s.session.started_at,
            category=_category("therapy", "Therapy"),
            code={
                "coding": [
                    {
                        "system": measure_system(),
                        "code": "rear-hip-extension",
                        "display": "Rear-hip extension reached in the half-kneeling stretch",
                    }
                ],
                "text": (
                    f"{side_name} rear-hip extension reached in the half-kneeling psoas "
                    "stretch, estimated by the camera (not a goniometer measurement)"
                ),
            },
            quantity={
                "value": round(float(s.max_rear_hip_extension or 0), 1),
                "unit": "°",
                "code": "deg",
            },
        )
        observation["bodySite"] = {
            "coding": [
                {
                    "system": SNOMED,
                    "code": f"{HIP_JOINT['code']}:272741003={laterality}",
                    "display": f"Hip joint structure, {side_name.lower()}",
                },
                HIP_JOINT,
            ],
            "text": f"{side_name} hip joint",
        }
        observation["method"] = {"text": "Camera pose estimation (MediaPipe), side view"}
        out.append(observation)
    return out


def _chair_stands(patient: User, subject: dict[str, Any]) -> list[dict[str, Any]]:
    results = ChairStandResult.objects.filter(patient=patient).order_by("created_at", "id")
    out = []
    for r in results:
        observation = _observation(
            "ChairStandResult",
            r.pk,
            subject,
            moment=r.created_at,
            category=_category("exam", "Exam"),
            code={"coding": [CHAIR_STAND], "text": "30-second chair stand test, arms crossed"},
            quantity={"value": r.count, "unit": "stands in 30 s", "code": "{#}/(30.s)"},
        )
        observation["method"] = {
            "text": "Counted by the camera" if r.method == "camera" else "Self-counted"
        }
        if r.used_hands:
            observation["note"] = [
                {
                    "text": (
                        "The patient used their hands to stand (arms not crossed, or pushing off "
                        "the thighs or the chair), so the test scores 0 as the CDC STEADI "
                        f"protocol says. Full stands done: {r.raw_count}."
                    )
                }
            ]
            observation["component"] = [
                {
                    "code": {
                        "coding": [
                            {
                                "system": measure_system(),
                                "code": "chair-stand-full-stands-hands-used",
                                "display": "Full stands in 30 seconds, using the hands",
                            }
                        ],
                        "text": "Full stands in 30 seconds, using the hands (not the score)",
                    },
                    "valueQuantity": {
                        "system": UCUM,
                        "value": r.raw_count,
                        "unit": "stands in 30 s",
                        "code": "{#}/(30.s)",
                    },
                }
            ]
        out.append(observation)
    return out


def _questionnaire() -> dict[str, Any]:
    return {
        "resourceType": "Questionnaire",
        "id": resource_id("Questionnaire", "psfs"),
        "url": questionnaire_url(),
        "version": "1",
        "name": "PatientSpecificFunctionalScale",
        "title": "Patient-Specific Functional Scale (activities in the patient's own words)",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {
                "linkId": "activity",
                "text": "An activity that is hard because of the hip",
                "type": "group",
                "repeats": True,
                "item": [
                    {
                        "linkId": "activity.name",
                        "text": "Activity",
                        "type": "string",
                        "required": True,
                    },
                    {
                        "linkId": "activity.score",
                        "text": "How well can you do it today? 0 = unable, 10 = as before",
                        "type": "integer",
                        "required": True,
                    },
                ],
            }
        ],
    }


def _psfs(patient: User, subject: dict[str, Any]) -> list[dict[str, Any]]:
    occasions: list[list[PSFSRating]] = []
    for rating in (
        PSFSRating.objects.filter(activity__patient=patient)
        .select_related("activity")
        .order_by("rated_at", "id")
    ):
        current = occasions[-1] if occasions else None
        if (
            current is None
            or rating.rated_at - current[0].rated_at > PSFS_OCCASION
            or any(r.activity_id == rating.activity_id for r in current)
        ):
            occasions.append([rating])
        else:
            current.append(rating)
    return [
        {
            "resourceType": "QuestionnaireResponse",
            "id": resource_id("PSFSOccasion", ratings[0].pk),
            "questionnaire": f"{questionnaire_url()}|1",
            "status": "completed",
            "subject": _ref(subject),
            "authored": _when(ratings[0].rated_at),
            "author": _ref(subject),
            "source": _ref(subject),
            "item": [
                {
                    "linkId": "activity",
                    "item": [
                        {"linkId": "activity.name", "answer": [{"valueString": r.activity.name}]},
                        {"linkId": "activity.score", "answer": [{"valueInteger": r.score}]},
                    ],
                }
                for r in ratings
            ],
        }
        for ratings in occasions
    ]
