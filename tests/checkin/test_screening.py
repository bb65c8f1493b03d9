"""Every red-flag rule, case by case: it fires on its signs and not on a near miss."""

from __future__ import annotations

import pytest

from hipcoach.checkin.screening import (
    FACTS,
    QUESTIONS,
    Answers,
    Level,
    RulesError,
    load,
    parse,
    screen,
)


def answers(pain: int = 2, yes: tuple[str, ...] = (), **sides: str) -> Answers:
    return Answers(pain_now=pain, symptoms=sides, yes=frozenset(yes))


# (rule id, answers that trigger it, a near miss that must not trigger it)
CASES = [
    (
        "cold_pale_or_painful_leg",
        answers(yes=("leg_pale",), leg_coldness="left"),
        answers(yes=("leg_pale",)),
    ),
    (
        "swollen_leg_with_breathlessness",
        answers(yes=("breathless_or_chest_pain",), leg_swelling="right"),
        answers(yes=("breathless_or_chest_pain",), leg_swelling="both"),
    ),
    ("saddle_numbness_or_bladder_bowel", answers(yes=("saddle_numbness",)), answers()),
    ("saddle_numbness_or_bladder_bowel", answers(yes=("bladder_bowel_new",)), answers()),
    (
        "one_sided_swelling_with_pain_warmth_redness",
        answers(yes=("leg_warm_or_red",), leg_swelling="left"),
        answers(yes=("leg_warm_or_red",), leg_swelling="both"),
    ),
    (
        "one_sided_swelling_with_pain_warmth_redness",
        answers(yes=("recent_travel_surgery_immobility",), leg_swelling="right"),
        answers(yes=("recent_travel_surgery_immobility",)),
    ),
    (
        "new_or_worsening_weakness",
        answers(yes=("weakness_new",), weakness="left"),
        answers(yes=("weakness_new",)),
    ),
    (
        "fever_with_hot_swollen_joint",
        answers(yes=("fever", "hot_swollen_joint")),
        answers(yes=("fever",)),
    ),
    (
        "fall_with_pain_bearing_weight",
        answers(yes=("recent_fall", "pain_bearing_weight")),
        answers(yes=("recent_fall",)),
    ),
    ("leg_symptoms_need_care", answers(leg_coldness="right"), answers(walking_discomfort="both")),
    ("leg_symptoms_need_care", answers(numbness_tingling="left"), answers()),
    ("leg_symptoms_need_care", answers(weakness="both"), answers()),
    ("leg_symptoms_need_care", answers(leg_swelling="both"), answers()),
    ("pain_kept_rising", answers(yes=("pain_rose_during_stretch",)), answers()),
    ("severe_pain_now", answers(pain=8), answers(pain=7)),
    (
        "hip_replacement_without_clearance",
        answers(yes=("hip_replacement",)),
        answers(yes=("hip_replacement", "surgeon_cleared")),
    ),
    ("cannot_kneel", answers(yes=("cannot_kneel",)), answers()),
    (
        "kneeling_hurts",
        answers(yes=("kneeling_hurts",)),
        answers(yes=("kneeling_hurts", "cannot_kneel")),
    ),
]


@pytest.mark.parametrize(("rule_id", "hit", "miss"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_fires_on_its_signs_and_not_on_a_near_miss(
    rule_id: str, hit: Answers, miss: Answers
) -> None:
    assert rule_id in [r.id for r in screen(hit).triggered]
    assert rule_id not in [r.id for r in screen(miss).triggered]


def test_every_rule_is_reachable_and_tested() -> None:
    assert {r.id for r in load().rules} == {c[0] for c in CASES}


def test_every_rule_has_advice_in_both_languages_and_a_source_and_never_diagnoses() -> None:
    for rule in load().rules:
        assert rule.advice["en"].strip()
        assert rule.advice["ja"].strip()
        assert rule.source.strip()
        text = rule.advice["en"].lower()
        for word in ("thrombosis", "embolism", "ischaemia", "cauda equina", "fracture", "you have"):
            assert word not in text, (rule.id, word)


def test_red_flags_stop_the_session_and_the_most_urgent_decides() -> None:
    result = screen(answers(yes=("leg_pale", "kneeling_hurts"), leg_coldness="left"))
    assert result.level is Level.EMERGENCY
    assert result.stops
    assert result.outcome == "stop"
    assert result.modification is None  # no stretch at all, not a modified one
    assert [r.level for r in result.triggered] == sorted(
        (r.level for r in result.triggered), reverse=True
    )


def test_a_quiet_day_proceeds_and_modifications_prefer_standing() -> None:
    assert screen(answers(pain=3, walking_discomfort="left")).outcome == "proceed"
    both = screen(answers(yes=("kneeling_hurts", "hip_replacement")))
    assert both.outcome == "modify"
    assert both.modification == "standing"
    assert screen(answers(yes=("kneeling_hurts",))).modification == "cushion"


def test_answers_are_validated() -> None:
    with pytest.raises(ValueError, match="pain"):
        Answers(pain_now=11)
    with pytest.raises(ValueError, match="unknown symptom"):
        Answers(pain_now=1, symptoms={"leg_coldness": "up"})
    with pytest.raises(ValueError, match="unknown questions"):
        Answers(pain_now=1, yes=frozenset({"dizzy"}))


def test_every_question_feeds_a_fact_the_rules_can_use() -> None:
    assert set(QUESTIONS) - {"weakness_new"} <= FACTS


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
    ],
)
def test_the_rules_file_is_validated(text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        parse(text)
