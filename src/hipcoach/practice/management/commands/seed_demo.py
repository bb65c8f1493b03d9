"""Demo data: a clinic modelled on the article's, its staff, and patients with a few weeks of
history; plus a second clinic with a patient of its own, so clinic isolation can be seen.

Idempotent: people and clinics are found by name; history is made only for a patient who has
none yet, so running it again changes nothing that exists. History goes through the same
actions the app uses (check-ins screened by the real rules, sessions, sets and their timelines,
PSFS, chair stands, a program changed once), then is dated back. Contact details are
placeholders, so demo users never message the real clinic. The logins are in the README.
"""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from coach.assessment import Side
from coach.events import Phase, SetRecord
from coach.timeline import TimelineBuilder
from hipcoach.accounts.models import Role, User
from hipcoach.booking.demo import seed_demo_booking
from hipcoach.checkin.actions import do_check_in, do_save_health_profile
from hipcoach.checkin.screening import Answers
from hipcoach.clinics.models import Clinic, OpeningHours, validate_line
from hipcoach.practice.actions import (
    do_finish_session,
    do_prescribe,
    do_record_set,
    do_start_session,
)
from hipcoach.practice.models import Program, SetResult, StretchSession
from hipcoach.progress.actions import do_rate_psfs, do_record_chair_stand
from hipcoach.progress.models import ChairStandMethod, ChairStandResult, PSFSRating

DEMO_PASSWORD = "hipcoach-demo"
ZONE = "Asia/Tokyo"

# What the article's clinic says it treats: hip osteoarthritis, and its list for visitors. Leg
# numbness, or a tired, swollen or painful leg after travel, can be a nerve problem or a blood
# clot: the list sends those to a doctor first instead of offering to treat them.
SERVICES_EN = (
    "Hip osteoarthritis and hip pain",
    "Neck and shoulder stiffness from desk work",
    "Back stiffness after long travel",
    "Shin splints from walking or running",
    "Posture and walking",
    "Numbness in the arms or legs, or a leg that is tired, swollen or painful after travel: "
    "please have it checked by a doctor first. We can help once a doctor has seen it.",
)
SERVICES_JA = (
    "変形性股関節症・股関節の痛み",
    "デスクワークによる首・肩のこり",
    "長旅のあとの腰のこわばり",
    "ウォーキングやランニングによるすねの痛み（シンスプリント）",
    "姿勢と歩行",
    "腕や脚のしびれ、旅行のあとの脚のだるさ・むくみ・痛みは、まず医療機関で診てもらってください。"
    "医師に診てもらったあとで、お手伝いできます。",
)
# What an earlier demo seed listed, offering to treat leg fatigue after travel and numbness.
_OLD_SERVICES_EN = (
    "Hip osteoarthritis and hip pain\nNeck and shoulder stiffness from desk work\n"
    "Back pain or leg fatigue after travel\nShin splints from walking or running\n"
    "Numbness in the arms or legs\nPosture and walking"
)
CLINIC = {
    "name": "Kyoto Osteopathy Center (demo)",
    "name_ja": "京都オステオパシーセンター（デモ）",
    "address": "Kyoto, Japan. Demo clinic: address, hours and contacts are placeholders.",
    "address_ja": "京都市（デモ用のクリニックです。住所・営業時間・連絡先は見本です）",
    "phone": "+81-75-000-0000",
    "email": "clinic@example.org",
    "website_url": "https://example.org/clinic",
    "booking_url": "",
    "map_url": "https://www.openstreetmap.org/#map=15/34.9858/135.7588",
    "whatsapp_url": "https://wa.me/810000000000",
    "line_url": "https://line.me/R/ti/p/@hipcoach-demo",
    "timezone": ZONE,
    "services": "\n".join(SERVICES_EN),
    "services_ja": "\n".join(SERVICES_JA),
    # Kyoto prefecture runs the #7119 emergency advice line (救急安心センター).
    "advice_line_name": "救急安心センター（#7119）",
    "advice_line_phone": "#7119",
}
# Demo hours (placeholders): mornings and afternoons with a lunch break, Wednesday and
# Saturday mornings only, closed on Sunday.
HOURS = [
    *((day, time(9), time(12)) for day in range(6)),
    *((day, time(14), time(19)) for day in (0, 1, 3, 4)),
]
OTHER_CLINIC = {
    "name": "Osaka Hip Physio (demo)",
    "name_ja": "大阪股関節フィジオ（デモ）",
    "address": "Osaka, Japan. Demo clinic.",
    "address_ja": "大阪市（デモ用のクリニックです）",
    "phone": "+81-6-0000-0000",
    "whatsapp_url": "https://wa.me/810000000001",
    "timezone": ZONE,
}


@dataclass(slots=True)
class Story:
    """A patient's few weeks, as plain numbers: what each demo patient shows the clinician."""

    days: int
    per_week: int
    pain: list[int]  # one a check-in, oldest first, spread over the days
    skip_days: set[int] = field(default_factory=set)  # days ago without a session
    red_flag_days_ago: int | None = None
    extension: tuple[float, float] = (10.0, 14.0)  # first and last session's best, degrees
    psfs: list[list[tuple[str, int]]] = field(default_factory=list)
    chair_stands: list[int] = field(default_factory=list)
    changed_program_days_ago: int | None = None
    profile: dict[str, Any] = field(default_factory=dict)  # the health profile's answers
    phone: str = ""  # placeholder numbers: no real person is called by accident


STORIES: dict[str, Story] = {
    # Doing well: regular practice, pain easing, the hold lengthened after two weeks.
    "demo-patient": Story(
        days=28,
        per_week=7,
        pain=[5, 5, 4, 5, 4, 4, 4, 3, 4, 3, 3, 3, 3, 2, 3, 2, 2, 2, 2, 2],
        skip_days={9, 17, 22},
        extension=(9.0, 17.0),
        psfs=[
            [("Putting on socks", 3), ("Walking to the station", 4), ("Getting out of a car", 4)],
            [("Putting on socks", 5), ("Walking to the station", 5), ("Getting out of a car", 5)],
            [("Putting on socks", 6), ("Walking to the station", 7), ("Getting out of a car", 6)],
        ],
        chair_stands=[9, 11],
        changed_program_days_ago=14,
        phone="090-0000-0001",
    ),
    # Pain climbing in the last week, then a red flag (a cold leg) three days ago.
    "demo-patient-kenji": Story(
        days=24,
        per_week=5,
        pain=[3, 2, 3, 3, 2, 3, 3, 2, 3, 3, 5, 5, 6, 6],
        skip_days={0, 1, 2, 5, 6, 12, 13, 19, 20},
        red_flag_days_ago=3,
        extension=(8.0, 10.0),
        psfs=[
            [("Climbing stairs", 5), ("Gardening", 4)],
            [("Climbing stairs", 4), ("Gardening", 3)],
        ],
        chair_stands=[10],
        profile={"knee_problems": True},
        phone="090-0000-0002",
    ),
    # A visitor who practises in English and has fallen behind this week.
    "demo-patient-mary": Story(
        days=20,
        per_week=5,
        pain=[4, 3, 4, 3, 3, 4, 3, 3, 3],
        skip_days={1, 2, 3, 4, 6, 7, 12, 13, 19},
        extension=(12.0, 15.0),
        psfs=[[("Long walks while sightseeing", 4)], [("Long walks while sightseeing", 5)]],
        profile={"osteoporosis": True},
        phone="+44 7700 900000",
    ),
}
PATIENTS = {
    "demo-patient": {"first_name": "Hana", "last_name": "Demo", "language": "ja"},
    "demo-patient-kenji": {"first_name": "Kenji", "last_name": "Demo", "language": "ja"},
    "demo-patient-mary": {"first_name": "Mary", "last_name": "Demo", "language": "en"},
    # New, no program yet: for trying the prescription form.
    "demo-patient-new": {"first_name": "Taro", "last_name": "Demo", "language": "ja"},
}
# A clinician writes to each patient in the patient's own language.
NOTES = {
    "en": (
        "Start gently and breathe out slowly. Stop if anything feels sharp.",
        "Well done: 30 seconds now. Keep your back straight, without arching, "
        "and shift the pelvis forward.",
    ),
    "ja": (
        "無理のない範囲で始め、ゆっくり息を吐きましょう。鋭い痛みを感じたらやめてください。",
        "よくできています。今日から30秒にしましょう。腰を反らさずに背すじを伸ばし、"
        "骨盤を前へ移してください。",
    ),
}
FAULTS = ("trunk_leaning_back", "pelvis_not_forward", "trunk_leaning_forward")


class Command(BaseCommand):
    help = "Create the demo clinics, clinicians and patients with a few weeks of history."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        clinic = self._clinic(CLINIC, HOURS)
        lead = self._user(
            "demo-clinician",
            Role.CLINICIAN,
            clinic,
            first_name="Sota",
            last_name="Omura",
            language="ja",
        )
        if not lead.is_clinic_admin:
            User.objects.filter(pk=lead.pk).update(is_clinic_admin=True)
        colleague = self._user(
            "demo-clinician-2", Role.CLINICIAN, clinic, first_name="Aiko", last_name="Demo"
        )
        for username, names in PATIENTS.items():
            patient = self._user(username, Role.PATIENT, clinic, **names)
            story = STORIES.get(username)
            if story is not None:
                self._history(patient, story, lead, colleague)

        seed_demo_booking(clinic, [lead, colleague])

        other = self._clinic(OTHER_CLINIC, [(day, time(10), time(18)) for day in range(5)])
        other_clinician = self._user(
            "demo-other-clinician",
            Role.CLINICIAN,
            other,
            first_name="Ken",
            last_name="Other",
            is_clinic_admin=True,
        )
        other_patient = self._user(
            "demo-other-patient", Role.PATIENT, other, first_name="Yuki", last_name="Other"
        )
        if not other_patient.programs.exists():
            do_prescribe(other_patient, prescribed_by=other_clinician, hold_s=20, sets_per_side=2)
        self.stdout.write(
            f"demo logins (password {DEMO_PASSWORD}): demo-clinician (clinic admin), "
            "demo-clinician-2, demo-patient, demo-patient-kenji, demo-patient-mary, "
            "demo-patient-new; another clinic: demo-other-clinician, demo-other-patient"
        )

    def _clinic(self, values: dict[str, str], hours: list[tuple[int, time, time]]) -> Clinic:
        clinic, created = Clinic.objects.get_or_create(name=values["name"], defaults=values)
        if created:
            OpeningHours.objects.bulk_create(
                OpeningHours(clinic=clinic, weekday=d, opens=o, closes=c) for d, o, c in hours
            )
        else:
            if clinic.line_url and not _valid_line(clinic.line_url):
                # An older demo seed stored a LINE link the profile form now refuses.
                Clinic.objects.filter(pk=clinic.pk).update(line_url=values.get("line_url", ""))
            if clinic.services == _OLD_SERVICES_EN:
                # An older demo seed offered to treat leg symptoms that need a doctor first.
                Clinic.objects.filter(pk=clinic.pk).update(
                    services=values["services"], services_ja=values["services_ja"]
                )
            if "advice_line_phone" in values and not clinic.advice_line_phone:
                Clinic.objects.filter(pk=clinic.pk).update(
                    advice_line_name=values["advice_line_name"],
                    advice_line_phone=values["advice_line_phone"],
                )
            clinic.refresh_from_db()
        return clinic

    def _user(self, username: str, role: Role, clinic: Clinic, **values: Any) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "clinic": clinic, **values}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        return user

    def _history(self, patient: User, story: Story, lead: User, colleague: User) -> None:
        if patient.checkins.exists() or patient.stretch_sessions.exists():
            return  # history already made (or the person has real data): leave it alone
        rng = random.Random(patient.username)
        zone = zoneinfo.ZoneInfo(ZONE)
        now = timezone.now()
        today = now.astimezone(zone).date()

        def at(days_ago: int, hour: int, minute: int = 0) -> datetime:
            """That day's local time; today's never later than a little before now."""
            day: date = today - timedelta(days=days_ago)
            return min(
                datetime.combine(day, time(hour, minute), tzinfo=zone),
                now - timedelta(minutes=90 - minute),
            )

        first = do_prescribe(
            patient,
            prescribed_by=lead,
            hold_s=20,
            sets_per_side=2,
            sessions_per_week=story.per_week,
            notes=NOTES[patient.language][0],
        )
        _date(Program, first.pk, created_at=at(story.days, 10))
        programs = [(story.days, first)]
        if story.changed_program_days_ago is not None:
            second = do_prescribe(
                patient,
                prescribed_by=colleague,
                hold_s=30,
                sets_per_side=2,
                sessions_per_week=story.per_week,
                chair_stand_every_weeks=4,
                notes=NOTES[patient.language][1],
            )
            _date(Program, second.pk, created_at=at(story.changed_program_days_ago, 11))
            programs.append((story.changed_program_days_ago, second))

        session_days = [d for d in range(story.days - 1, 0, -1) if d not in story.skip_days]
        if story.red_flag_days_ago is not None:
            session_days = [d for d in session_days if d > story.red_flag_days_ago]
        # Asked once, before the first check-in; a phone number so the clinic can call.
        do_save_health_profile(
            patient,
            patient,
            story.profile,
            phone=story.phone,
            now=at(story.days, 9),
        )
        pain_days = _spread(len(story.pain), story.days - 1)
        for days_ago, pain in zip(pain_days, story.pain, strict=True):
            do_check_in(patient, Answers(pain_now=pain), now=at(days_ago, 8, 5))
        if story.red_flag_days_ago is not None:
            # A cold leg: a stop the clinic has not acknowledged yet (the clinician's first task).
            do_check_in(
                patient,
                Answers(pain_now=story.pain[-1], symptoms={"leg_coldness": "left"}),
                now=at(story.red_flag_days_ago, 8, 10),
            )

        for n, days_ago in enumerate(session_days):
            program = next(p for since, p in reversed(programs) if days_ago <= since)
            progress = n / max(len(session_days) - 1, 1)
            extension = story.extension[0] + progress * (story.extension[1] - story.extension[0])
            self._session(patient, program, at(days_ago, 8, 15), extension, rng)

        ratings_days = _spread(len(story.psfs), story.days - 1)
        for days_ago, pairs in zip(ratings_days, story.psfs, strict=True):
            ratings = do_rate_psfs(patient, pairs)
            _date(PSFSRating, [r.pk for r in ratings], rated_at=at(days_ago, 20))
        stand_days = _spread(len(story.chair_stands), story.days - 2)
        for days_ago, count in zip(stand_days, story.chair_stands, strict=True):
            result = do_record_chair_stand(patient, count, ChairStandMethod.MANUAL)
            _date(ChairStandResult, result.pk, created_at=at(days_ago, 19))

    def _session(
        self,
        patient: User,
        program: Program,
        started: datetime,
        extension: float,
        rng: random.Random,
    ) -> None:
        """One completed session: each set with its faults, and its timeline from the builder."""
        session = do_start_session(patient, program, language=patient.language)
        timeline = TimelineBuilder()
        clock = 0.0
        first = Side.LEFT if rng.random() < 0.5 else Side.RIGHT
        sides = [first, Side.RIGHT if first is Side.LEFT else Side.LEFT]
        for side in sides:
            for number in range(1, program.sets_per_side + 1):
                clock = _sample(timeline, clock, 4000.0, Phase.SETUP, side=side, number=number)
                fault = rng.choice(FAULTS) if rng.random() < 0.6 else None
                fault_ms = rng.uniform(1500.0, 6000.0) if fault else 0.0
                fault_from = rng.uniform(0.2, 0.6) * program.hold_s * 1000.0
                hold_ms = program.hold_s * 1000.0 + fault_ms
                start = clock
                while clock < start + hold_ms:
                    inside = fault_from <= clock - start < fault_from + fault_ms
                    timeline.add(
                        clock, Phase.HOLD, side, number, [fault] if fault and inside else []
                    )
                    clock += 250.0
                record = SetRecord(
                    side=side, set_number=number, target_s=float(program.hold_s), completed=True
                )
                record.good_form_ms = program.hold_s * 1000.0
                if fault:
                    record.fault_ms = {fault: round(fault_ms, -2)}
                record.max_rear_hip_extension = round(extension + rng.uniform(-1.5, 1.5), 1)
                clock = _sample(timeline, clock, 10_000.0, Phase.REST, side=side, number=number)
                do_record_set(session, record, clock_ms=clock, timeline=timeline.to_dict())
        timeline.finish(clock)
        do_finish_session(session, completed=True, clock_ms=clock, timeline=timeline.to_dict())
        ended = started + timedelta(milliseconds=clock)
        _date(StretchSession, session.pk, started_at=started, ended_at=ended)
        SetResult.objects.filter(session=session).update(finished_at=ended)


def _sample(
    timeline: TimelineBuilder, clock: float, length: float, phase: Phase, *, side: Side, number: int
) -> float:
    end = clock + length
    while clock < end:
        timeline.add(clock, phase, side, number)
        clock += 500.0
    return clock


def _spread(count: int, days: int) -> list[int]:
    """``count`` days-ago values from ``days`` back to today, evenly, oldest first."""
    if count <= 1:
        return [0] * count
    return [round(days - i * days / (count - 1)) for i in range(count)]


def _date(model: Any, pk: int | list[int], **moments: datetime) -> None:
    """Date history back: auto_now_add fields can only be set after the row exists."""
    keys = pk if isinstance(pk, list) else [pk]
    model.objects.filter(pk__in=keys).update(**moments)


def _valid_line(url: str) -> bool:
    try:
        validate_line(url)
    except ValidationError:
        return False
    return True
