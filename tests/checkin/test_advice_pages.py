"""Every rule's advice reaches the person, in English and in Japanese, on the page they see."""

from __future__ import annotations

from html import escape

import pytest
from test_screening import CASES

from hipcoach.accounts.models import Role
from hipcoach.checkin.actions import do_check_in, do_save_health_profile
from hipcoach.checkin.screening import Answers, load
from hipcoach.clinics.models import Clinic
from people import make_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("rule_id", "hit", "_miss"), CASES, ids=[c[0] for c in CASES])
def test_each_rules_advice_is_shown_in_both_languages(
    rule_id: str, hit: Answers, _miss: Answers
) -> None:
    rule = {r.id: r for r in load().rules}[rule_id]
    patient = make_user("p", Role.PATIENT, Clinic.objects.create(name="C"))
    do_save_health_profile(
        patient,
        patient,
        {name: True for name in hit.profile if name != "hip_replacement"}
        | ({"hip_replacement": "left"} if "hip_replacement" in hit.profile else {}),
    )
    checkin = do_check_in(patient, hit)
    assert rule_id in checkin.flags
    client = signed_in(patient)
    for lang in ("en", "ja"):
        page = client.get(f"/{lang}/check-in/{checkin.pk}/").content.decode()
        assert escape(rule.advice[lang]) in page, (lang, rule_id)
