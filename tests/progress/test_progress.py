"""Progress: the measures, charts that read without colour, export, and deleting everything."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from coach.assessment import Side
from coach.events import SetRecord
from hipcoach.accounts.models import User
from hipcoach.checkin.actions import do_check_in
from hipcoach.checkin.models import CheckIn
from hipcoach.checkin.screening import Answers
from hipcoach.practice.actions import do_finish_session, do_record_set, do_start_session
from hipcoach.practice.models import SetResult, StretchSession
from hipcoach.progress.actions import do_record_chair_stand
from hipcoach.progress.charts import Series, line_chart
from hipcoach.progress.models import (
    ChairStandMethod,
    ChairStandResult,
    PSFSActivity,
    PSFSRating,
)
from hipcoach.progress.summary import progress_for
from people import signed_in


def a_session(patient: User, days_ago: int, good_s: float, extension: dict[str, float]) -> None:
    program = patient.programs.first()
    assert program is not None
    session = do_start_session(patient, program, language="en")
    for side, degrees in extension.items():
        record = SetRecord(side=Side(side), set_number=1, target_s=20.0, completed=True)
        record.good_form_ms = good_s * 1000
        record.max_rear_hip_extension = degrees
        do_record_set(session, record, clock_ms=1.0)
    do_finish_session(session, completed=True, clock_ms=2.0)
    moment = timezone.now() - timedelta(days=days_ago)
    StretchSession.objects.filter(pk=session.pk).update(started_at=moment)


def test_the_measures_come_from_check_ins_sessions_and_ratings(patient: User) -> None:
    for days_ago, pain in ((35, 6), (0, 3)):
        checkin = do_check_in(patient, Answers(pain_now=pain))
        CheckIn.objects.filter(pk=checkin.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    a_session(patient, 2, 20.0, {"left": 35.0, "right": 28.0})
    a_session(patient, 1, 20.0, {"left": 38.0, "right": 30.0})
    measures = {m.key: m for m in progress_for(patient)}
    assert [v for _, v in measures["pain"].series[0].points] == [6.0, 3.0]
    assert "Latest: 3" in measures["pain"].summary
    assert "four weeks earlier: 6" in measures["pain"].summary
    left, right = measures["extension"].series
    assert [v for _, v in left.points] == [35.0, 38.0]
    assert [v for _, v in right.points] == [28.0, 30.0]
    assert [v for _, v in measures["hold"].series[0].points] == [40.0, 40.0]
    assert measures["adherence"].series[0].points  # two sessions this week or last
    for m in measures.values():
        if m.series[0].points:
            assert 'role="img"' in m.chart
            assert "<desc" in m.chart


def test_charts_are_accessible_and_tell_lines_apart_without_colour() -> None:
    today = timezone.now().date()
    svg = line_chart(
        "c",
        "Title <x>",
        "Left up, right flat",
        [
            Series("Left", [(today - timedelta(days=1), 1.0), (today, 2.0)], "a"),
            Series("Right", [(today, 1.0)], "b"),
        ],
        y_min=0,
        y_max=10,
        y_ticks=(0, 5, 10),
    )
    assert 'aria-labelledby="c-title c-desc"' in svg
    assert "Title &lt;x&gt;" in svg
    assert "chart-line-a" in svg
    assert "chart-line-b" in svg
    assert line_chart("e", "t", "d", [Series("x", [])], y_min=0, y_max=1, y_ticks=()) == ""


def test_psfs_ratings_keep_each_activitys_history(patient: User) -> None:
    client = signed_in(patient)
    assert client.get("/en/progress/activities/").status_code == 200
    client.post("/en/progress/activities/", {"activity_0": "Stairs", "score_0": "4"})
    client.post(
        "/en/progress/activities/",
        {"activity_0": "stairs", "score_0": "6", "activity_1": "Socks", "score_1": "2"},
    )
    stairs = PSFSActivity.objects.get(patient=patient, name="Stairs")
    assert [r.score for r in stairs.ratings.all()] == [4, 6]
    bad = client.post("/en/progress/activities/", {"activity_0": "Walking"})
    assert bad.status_code == 400
    assert b"Please rate this activity" in bad.content
    bad = client.post("/en/progress/activities/", {"score_0": "12", "activity_0": "x"})
    assert bad.status_code == 400
    assert PSFSRating.objects.count() == 3


def test_a_manual_chair_stand_count_is_checked_and_stored(patient: User) -> None:
    client = signed_in(patient)
    first = client.post("/en/progress/chair-stand/", {"count": "11"})
    assert first["Location"] == "/en/check-in/?for=chair_stand"  # today's check-in first
    assert not ChairStandResult.objects.exists()
    do_check_in(patient, Answers(pain_now=2))
    assert client.post("/en/progress/chair-stand/", {"count": "61"}).status_code == 400
    assert client.post("/en/progress/chair-stand/", {"count": "x"}).status_code == 400
    assert client.post("/en/progress/chair-stand/", {"count": "11"}).status_code == 302
    [result] = ChairStandResult.objects.all()
    assert (result.count, result.method) == (11, "manual")
    page = client.get("/en/progress/").content.decode()
    assert "Chair stands in 30 seconds" in page
    assert "Latest: 11 stands." in page
    assert (result.raw_count, result.used_hands) == (11, False)


def test_the_manual_form_asks_about_the_hands_and_says_how_to_set_up(patient: User) -> None:
    do_check_in(patient, Answers(pain_now=2))
    client = signed_in(patient)
    set_up = ["without arms", "about 43 cm (17 in) high", "against a wall", "Cross your arms"]
    safety = ["Have someone nearby", "Stop if you feel pain or dizziness"]
    set_up_ja = ["肘掛け", "約43cm", "壁につけて", "両腕を胸の前で組み"]
    safety_ja = ["近くにだれか", "痛みやめまい"]
    for page, own, own_ja in (
        ("chair-stand/", ["I had to use my hands"], ["手を使って立ち上がった"]),
        ("chair-stand/camera/", ["Ready", "Go"], ["用意", "スタート"]),
    ):
        english = client.get(f"/en/progress/{page}").content.decode()
        for words in set_up + safety + own:
            assert words in english, (page, words)
        japanese = client.get(f"/ja/progress/{page}").content.decode()
        for words in set_up_ja + safety_ja + own_ja:
            assert words in japanese, (page, words)


def test_using_the_hands_scores_zero_and_the_clinician_sees_the_full_stands(
    patient: User, clinician: User
) -> None:
    do_check_in(patient, Answers(pain_now=2))
    client = signed_in(patient)
    response = client.post("/en/progress/chair-stand/", {"count": "9", "used_hands": "on"})
    assert response.status_code == 302
    [result] = ChairStandResult.objects.all()
    assert (result.count, result.raw_count, result.used_hands) == (0, 9, True)
    measures = {m.key: m for m in progress_for(patient)}
    stands = measures["chair_stand"]
    assert [v for _, v in stands.series[0].points] == [0.0]
    assert stands.summary == (
        "Latest: 0 stands. The latest test scored 0 because the hands were used to stand; "
        "9 full stands were done."
    )
    [(_, [cell])] = stands.rows
    assert cell == "0 (hands used to stand: scored 0; 9 full stands)"
    # The clinician's page for the patient shows the same numbers.
    page = signed_in(clinician).get(f"/en/clinic/patients/{patient.pk}/").content.decode()
    assert "9 full stands" in page
    # A later clean test is scored as counted, and the note is on the old day only.
    client.post("/en/progress/chair-stand/", {"count": "12"})
    later = ChairStandResult.objects.order_by("id").last()
    assert later is not None
    assert (later.count, later.raw_count, later.used_hands) == (12, 12, False)
    ChairStandResult.objects.filter(pk=result.pk).update(
        created_at=timezone.now() - timedelta(days=3)
    )
    stands = {m.key: m for m in progress_for(patient)}["chair_stand"]
    assert stands.summary == "Latest: 12 stands."
    assert [cell for _, [cell] in stands.rows] == [
        "12",
        "0 (hands used to stand: scored 0; 9 full stands)",
    ]


def test_the_score_follows_the_hands_in_the_database(patient: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ChairStandResult.objects.create(
            patient=patient, count=9, raw_count=9, used_hands=True, method="manual"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChairStandResult.objects.create(
            patient=patient, count=7, raw_count=9, used_hands=False, method="manual"
        )


def test_export_holds_everything_as_json_and_csv(patient: User) -> None:
    do_check_in(patient, Answers(pain_now=4, symptoms={"leg_coldness": "left"}))
    a_session(patient, 0, 20.0, {"left": 33.0})
    client = signed_in(patient)
    data = json.loads(client.get("/en/account/export.json").content)
    assert data["user"]["username"] == "pat"
    assert data["check_ins"][0]["flags"] == ["cold_leg_long_standing"]
    assert data["sets"][0]["max_rear_hip_extension"] == 33.0
    response = client.get("/en/account/export.csv")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["measure"] for r in rows} >= {"pain_now", "good_form_s", "rear_hip_extension_deg"}


def test_the_export_carries_the_score_and_the_full_stands(patient: User) -> None:
    do_record_chair_stand(patient, 12, ChairStandMethod.MANUAL)
    do_record_chair_stand(patient, 9, ChairStandMethod.CAMERA, used_hands=True)
    client = signed_in(patient)
    data = json.loads(client.get("/en/account/export.json").content)
    assert [
        (s["score"], s["full_stands"], s["used_hands"], s["method"]) for s in data["chair_stands"]
    ] == [(12, 12, False, "manual"), (0, 9, True, "camera")]
    rows = list(csv.DictReader(io.StringIO(client.get("/en/account/export.csv").content.decode())))
    stands = [(r["measure"], r["detail"], r["value"]) for r in rows if "chair" in r["measure"]]
    assert stands == [
        ("chair_stand_30s", "manual", "12"),
        ("chair_stand_30s_full_stands", "manual", "12"),
        ("chair_stand_30s", "camera (hands used: scored 0)", "0"),
        ("chair_stand_30s_full_stands", "camera", "9"),
    ]


def test_deleting_my_account_needs_my_password_and_removes_everything(patient: User) -> None:
    do_check_in(patient, Answers(pain_now=4))
    a_session(patient, 0, 20.0, {"left": 33.0})
    client = signed_in(patient)
    wrong = client.post("/en/account/delete/", {"password": "nope"})
    assert wrong.status_code == 400
    assert User.objects.filter(pk=patient.pk).exists()
    done = client.post("/en/account/delete/", {"password": "pw-for-tests"})
    assert done.status_code == 200
    assert not User.objects.filter(pk=patient.pk).exists()
    assert not CheckIn.objects.exists()
    assert not SetResult.objects.exists()
    assert client.get("/en/progress/").status_code == 302  # signed out


def test_progress_pages_are_for_patients_only(patient: User) -> None:
    assert Client().get("/en/progress/").status_code == 302
    doc = User.objects.create_user(username="doc", password="x", role="clinician")
    assert signed_in(doc).get("/en/progress/").status_code == 403
    assert signed_in(doc).get("/en/account/export.json").status_code == 403
