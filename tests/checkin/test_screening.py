"""Every red-flag rule, case by case: it fires on its signs and not on a near miss."""

from __future__ import annotations

import pytest

from hipcoach.checkin.screening import (
    FACTS,
    PROFILE_FACTS,
    QUESTIONS,
    SYMPTOMS,
    Answers,
    Level,
    RulesError,
    load,
    parse,
    screen,
    screen_profile_change,
)


def answers(
    pain: int = 2, yes: tuple[str, ...] = (), profile: tuple[str, ...] = (), **sides: str
) -> Answers:
    return Answers(pain_now=pain, symptoms=sides, yes=frozenset(yes), profile=frozenset(profile))


def triggered(a: Answers) -> list[str]:
    return [r.id for r in screen(a).triggered]


# (rule id, answers with that ONE sign alone, a near miss that must not trigger it). Each hit
# carries a single sign: no danger sign needs a second one to stop the stretch.
CASES = [
    (
        "chest_pain_or_sudden_breathlessness",
        answers(yes=("breathless_or_chest_pain",)),
        answers(leg_swelling="both"),
    ),
    ("leg_changed_suddenly", answers(yes=("leg_changed_suddenly",)), answers(leg_coldness="left")),
    (
        "leg_shortened_or_turned",
        answers(yes=("leg_shortened_or_turned",)),
        answers(yes=("recent_fall",)),
    ),
    (
        "saddle_numbness_or_bladder_bowel",
        answers(yes=("saddle_numbness",)),
        answers(numbness_tingling="left"),
    ),
    ("saddle_numbness_or_bladder_bowel", answers(yes=("bladder_bowel_new",)), answers()),
    (
        "both_legs_numb_or_weak_new",
        answers(yes=("numb_or_weak_both_new",)),
        answers(numbness_tingling="both"),
    ),
    (
        "both_legs_numb_or_weak_new",
        answers(yes=("weakness_new",), weakness="both"),
        answers(yes=("weakness_new",), weakness="left"),
    ),
    (
        "fall_cannot_bear_weight",
        answers(yes=("fall_cannot_bear_weight",)),
        answers(yes=("recent_fall",)),
    ),
    ("one_leg_swollen", answers(leg_swelling="left"), answers(leg_swelling="both")),
    ("warm_red_leg", answers(yes=("leg_warm_or_red",)), answers(yes=("leg_pain",))),
    (
        "leg_pain_after_travel_or_surgery",
        answers(yes=("leg_pain", "recent_travel_surgery_immobility")),
        answers(yes=("recent_travel_surgery_immobility",)),
    ),
    ("pale_or_bluish_leg", answers(yes=("leg_pale",)), answers(leg_coldness="right")),
    (
        "cold_leg_with_pain_or_numbness",
        answers(yes=("leg_pain",), leg_coldness="left"),
        answers(leg_coldness="left"),
    ),
    ("new_or_worsening_weakness", answers(yes=("weakness_new",)), answers(weakness="left")),
    (
        "fever_with_hot_joint_or_severe_pain",
        answers(pain=8, yes=("fever",)),
        answers(pain=7, yes=("fever",)),
    ),
    (
        "fever_with_hot_joint_or_severe_pain",
        answers(yes=("fever", "hot_swollen_joint")),
        answers(yes=("hot_swollen_joint",)),
    ),
    (
        "fall_with_pain_bearing_weight",
        answers(yes=("recent_fall", "pain_bearing_weight")),
        answers(yes=("pain_bearing_weight",)),
    ),
    ("fever", answers(yes=("fever",)), answers(pain=6)),
    ("hot_swollen_joint", answers(yes=("hot_swollen_joint",)), answers(yes=("leg_pain",))),
    ("recent_fall", answers(yes=("recent_fall",)), answers(yes=("pain_bearing_weight",))),
    ("cold_leg_long_standing", answers(leg_coldness="right"), answers(walking_discomfort="both")),
    (
        "leg_symptoms_need_care",
        answers(numbness_tingling="left"),
        answers(walking_discomfort="left"),
    ),
    ("leg_symptoms_need_care", answers(weakness="both"), answers()),
    ("leg_symptoms_need_care", answers(leg_swelling="both"), answers()),
    ("night_pain_or_weight_loss", answers(yes=("night_pain_wakes",)), answers(pain=5)),
    ("night_pain_or_weight_loss", answers(yes=("weight_loss_unexplained",)), answers()),
    ("pain_kept_rising", answers(yes=("pain_rose_during_stretch",)), answers()),
    ("severe_pain_now", answers(pain=8), answers(pain=7)),
    (
        "hip_replacement_without_clearance",
        answers(profile=("hip_replacement",)),
        answers(profile=("hip_replacement", "surgeon_cleared")),
    ),
    ("cannot_kneel", answers(yes=("cannot_kneel",)), answers()),
    (
        "kneeling_hurts",
        answers(yes=("kneeling_hurts",)),
        answers(yes=("kneeling_hurts", "cannot_kneel")),
    ),
    ("kneeling_hurts", answers(profile=("knee_problems",)), answers()),
    (
        "balance_problems",
        answers(profile=("balance_problems",)),
        answers(yes=("cannot_kneel",), profile=("balance_problems",)),
    ),
    ("osteoporosis", answers(profile=("osteoporosis",)), answers()),
    ("pregnancy", answers(profile=("pregnancy",)), answers()),
]
# Rules raised by a change of the health profile, not by a check-in: (rule, before, after).
PROFILE_CASES = [("cancer_history", frozenset(), frozenset({"cancer_history"}))]
# Every danger sign a person can tick or choose, alone, and the least it must do.
SINGLE_SIGNS = [
    *[(answers(yes=(q,)), None) for q in QUESTIONS],
    *[(answers(**{s: side}), None) for s in SYMPTOMS for side in ("left", "right", "both")],
]


@pytest.mark.parametrize(("rule_id", "hit", "miss"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_on_its_signs_and_not_on_a_near_miss(
    rule_id: str, hit: Answers, miss: Answers
) -> None:
    assert rule_id in triggered(hit)
    assert rule_id not in triggered(miss)


@pytest.mark.parametrize(
    ("question", "level"),
    [
        ("breathless_or_chest_pain", Level.EMERGENCY),
        ("leg_changed_suddenly", Level.EMERGENCY),
        ("leg_shortened_or_turned", Level.EMERGENCY),
        ("saddle_numbness", Level.EMERGENCY),
        ("bladder_bowel_new", Level.EMERGENCY),
        ("numb_or_weak_both_new", Level.EMERGENCY),
        ("fall_cannot_bear_weight", Level.EMERGENCY),
        ("leg_warm_or_red", Level.URGENT),
        ("leg_pale", Level.URGENT),
        ("weakness_new", Level.URGENT),
        ("fever", Level.SEE_CARE),
        ("hot_swollen_joint", Level.SEE_CARE),
        ("recent_fall", Level.SEE_CARE),
        ("night_pain_wakes", Level.SEE_CARE),
        ("weight_loss_unexplained", Level.SEE_CARE),
        ("pain_rose_during_stretch", Level.SEE_CARE),
    ],
)
def test_each_danger_sign_alone_stops_at_its_level(question: str, level: Level) -> None:
    result = screen(answers(yes=(question,)))
    assert result.level is level
    assert result.stops
    assert result.holds


@pytest.mark.parametrize(
    ("sides", "level"),
    [
        ({"leg_swelling": "left"}, Level.URGENT),
        ({"leg_swelling": "right"}, Level.URGENT),
        ({"leg_swelling": "both"}, Level.SEE_CARE),
        ({"leg_coldness": "left"}, Level.SEE_CARE),
        ({"numbness_tingling": "both"}, Level.SEE_CARE),
        ({"weakness": "right"}, Level.SEE_CARE),
    ],
)
def test_each_leg_symptom_alone_stops(sides: dict[str, str], level: Level) -> None:
    assert screen(answers(**sides)).level is level


def test_both_legs_swollen_with_chest_pain_is_an_emergency() -> None:
    """A test once called this a near miss: chest pain alone is enough."""
    result = screen(answers(yes=("breathless_or_chest_pain",), leg_swelling="both"))
    assert result.level is Level.EMERGENCY


def test_ordinary_hip_oa_complaints_do_not_stop() -> None:
    """Thigh pain, pain on weight-bearing and tiredness walking are the condition itself."""
    for quiet in (
        answers(pain=5, walking_discomfort="both"),
        answers(yes=("leg_pain",)),
        answers(yes=("pain_bearing_weight",)),
    ):
        assert not screen(quiet).stops, quiet


def test_every_question_and_symptom_is_screened() -> None:
    """No tickable sign is silently ignored: each is named in some rule, alone or together."""
    used = {f for r in load().rules for f in r.all | r.any | r.none}
    for a in [
        *[answers(yes=(q,)) for q in QUESTIONS],
        *[answers(**{s: "left"}) for s in SYMPTOMS],
    ]:
        assert a.facts() & used or a.symptoms.get("walking_discomfort"), a


@pytest.mark.parametrize(("rule_id", "before", "after"), PROFILE_CASES)
def test_profile_rules_fire_once_on_the_change(
    rule_id: str, before: frozenset[str], after: frozenset[str]
) -> None:
    assert rule_id in [r.id for r in screen_profile_change(before, after).triggered]
    assert not screen_profile_change(after, after).triggered  # already known: no new stop
    assert rule_id not in triggered(answers(profile=tuple(after)))  # not at every check-in


def test_every_rule_is_reachable_and_tested() -> None:
    assert {r.id for r in load().rules} == {c[0] for c in CASES} | {c[0] for c in PROFILE_CASES}


def test_every_rule_has_advice_in_both_languages_and_a_source_and_never_diagnoses() -> None:
    for rule in load().rules:
        assert rule.advice["en"].strip()
        assert rule.advice["ja"].strip()
        assert rule.source.strip()
        text = rule.advice["en"].lower()
        for word in ("thrombosis", "embolism", "ischaemia", "cauda equina", "fracture", "you have"):
            assert word not in text, (rule.id, word)


def test_red_flags_stop_the_session_and_the_most_urgent_decides() -> None:
    result = screen(answers(yes=("leg_changed_suddenly", "kneeling_hurts"), leg_coldness="left"))
    assert result.level is Level.EMERGENCY
    assert result.stops
    assert result.outcome == "stop"
    assert result.modification is None  # no stretch at all, not a modified one
    assert [r.level for r in result.triggered] == sorted(
        (r.level for r in result.triggered), reverse=True
    )


def test_a_quiet_day_proceeds_and_modifications_prefer_standing() -> None:
    assert screen(answers(pain=3, walking_discomfort="left")).outcome == "proceed"
    both = screen(answers(yes=("kneeling_hurts", "cannot_kneel")))
    assert both.outcome == "modify"
    assert both.modification == "standing"
    assert screen(answers(yes=("kneeling_hurts",))).modification == "cushion"


def test_a_hip_replacement_without_clearance_stops_every_hip_stretch() -> None:
    """Kneeling or standing, both extend the hip: no modification is offered instead."""
    result = screen(answers(yes=("cannot_kneel",), profile=("hip_replacement",)))
    assert result.level is Level.NO_STRETCH
    assert result.stops
    assert not result.holds  # lifted by the profile (the surgeon's word), not a clinician
    assert result.modification is None
    cleared = screen(answers(profile=("hip_replacement", "surgeon_cleared")))
    assert cleared.outcome == "proceed"


def test_answers_are_validated() -> None:
    with pytest.raises(ValueError, match="pain"):
        Answers(pain_now=11)
    with pytest.raises(ValueError, match="unknown symptom"):
        Answers(pain_now=1, symptoms={"leg_coldness": "up"})
    with pytest.raises(ValueError, match="unknown questions"):
        Answers(pain_now=1, yes=frozenset({"dizzy"}))
    with pytest.raises(ValueError, match="unknown profile"):
        Answers(pain_now=1, profile=frozenset({"dizzy"}))


def test_every_question_feeds_a_fact_the_rules_can_use() -> None:
    assert set(QUESTIONS) - {"weakness_new", "numb_or_weak_both_new"} <= FACTS
    assert set(PROFILE_FACTS) <= FACTS


GOOD_RULE = """
version = 1
[[rules]]
id = "x"
level = "urgent"
any = ["fever"]
source = "a source"
[rules.advice]
en = "See a doctor."
ja = "受診してください。"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("version = 1", "needs"),
        (GOOD_RULE.replace('"fever"', '"fevers"'), "unknown facts"),
        (GOOD_RULE.replace('"urgent"', '"soon"'), "level must be"),
        (GOOD_RULE.replace('ja = "受診してください。"', ""), "needs en and ja"),
        (GOOD_RULE.replace('source = "a source"', ""), "needs a source"),
        (GOOD_RULE + GOOD_RULE.replace("version = 1", ""), "unique"),
        (GOOD_RULE.replace('"urgent"', '"modify"'), "modify rule names its modification"),
        (GOOD_RULE.replace('any = ["fever"]', 'any = ["fever"]\nwhen = 1'), "unknown keys"),
        (GOOD_RULE.replace('any = ["fever"]', 'any = ["fever"]\ntrigger = "x"'), "trigger"),
        (
            GOOD_RULE.replace('"urgent"', '"no_stretch"').replace(
                'any = ["fever"]', 'any = ["fever"]\ntrigger = "profile"'
            ),
            "profile rule",
        ),
    ],
)
def test_the_rules_file_is_validated(text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse(text)
