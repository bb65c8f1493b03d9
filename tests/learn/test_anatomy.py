"""The anatomy model: the shipped file's content, and every way a bad file is refused."""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import resources

import pytest

from hipcoach.learn import anatomy
from hipcoach.learn.anatomy import (
    AnatomyError,
    AnatomyModel,
    Evidence,
    Kind,
    RelationType,
    Text,
    parse,
)

SHIPPED = resources.files("hipcoach.learn").joinpath("anatomy.toml").read_text(encoding="utf-8")
MODEL = anatomy.load()

REQUIRED = {
    "psoas_minor": Kind.MUSCLE,
    "psoas_major": Kind.MUSCLE,
    "iliacus": Kind.MUSCLE,
    "iliac_fascia": Kind.FASCIA,
    "transversalis_fascia": Kind.FASCIA,
    "femoral_sheath": Kind.FASCIA,
    "femoral_artery": Kind.VESSEL,
    "femoral_vein": Kind.VESSEL,
    "femoral_canal": Kind.SPACE,
    "femoral_nerve": Kind.NERVE,
    "t12_vertebra": Kind.BONE,
    "l1_vertebra": Kind.BONE,
    "iliopubic_eminence": Kind.BONE,
    "pelvis": Kind.BONE,
    "lumbar_spine": Kind.REGION,
    "hip_joint": Kind.JOINT,
}


def related(model: AnatomyModel, from_id: str, kind: RelationType, to_id: str) -> Evidence | None:
    """The evidence for a relation, or None when the model does not hold it."""
    for r in model.relations:
        if (r.from_id, r.type, r.to_id) == (from_id, kind, to_id):
            return r.evidence
    return None


def edited(old: str, new: str, text: str = SHIPPED) -> str:
    """The shipped file with ``old`` (which must occur) replaced, once."""
    assert old in text, old
    return text.replace(old, new, 1)


def refused(text: str) -> str:
    with pytest.raises(AnatomyError) as caught:
        parse(text, origin="bad.toml")
    message = str(caught.value)
    assert message.startswith("bad.toml: ")
    return message


# -- the shipped model -----------------------------------------------------------------------


def test_the_shipped_model_is_versioned_and_cached() -> None:
    assert MODEL.version == 1
    assert anatomy.load() is MODEL


def test_every_required_structure_is_there_with_its_kind() -> None:
    kinds = {s.id: s.kind for s in MODEL.structures}
    for sid, kind in REQUIRED.items():
        assert kinds.get(sid) == kind, sid


def test_every_relation_type_and_both_evidence_levels_are_used() -> None:
    assert {r.type for r in MODEL.relations} == set(RelationType)
    assert {r.evidence for r in MODEL.relations} == set(Evidence)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_text_is_there_in_both_languages(language: str) -> None:
    for s in MODEL.structures:
        assert s.name.get(language).strip()
        assert s.description.get(language).strip()
    for r in MODEL.relations:
        assert r.source.get(language).strip()
        assert MODEL.sentence(r, language).strip()
    for value in MODEL.teaching.localised(language).values():
        assert value


def test_the_japanese_and_english_texts_differ() -> None:
    minor = MODEL.structure("psoas_minor")
    assert minor.name.get("ja") == "小腰筋"
    assert minor.name.get("en") == "Psoas minor"
    assert minor.description.get("ja") != minor.description.get("en")


def test_the_psoas_minor_is_noted_as_often_absent_with_its_source() -> None:
    (note,) = MODEL.structure("psoas_minor").notes
    assert "35–65" in note.text.en
    assert "35〜65" in note.text.ja
    assert "absent" in note.text.en
    assert "dissection studies" in note.source.en


def test_the_textbook_attachments_and_actions() -> None:
    established = Evidence.ESTABLISHED
    facts = [
        ("psoas_minor", RelationType.ORIGIN, "t12_vertebra"),
        ("psoas_minor", RelationType.ORIGIN, "l1_vertebra"),
        ("psoas_minor", RelationType.INSERTION, "iliopubic_eminence"),
        ("psoas_minor", RelationType.CONTINUOUS_WITH, "iliac_fascia"),
        ("psoas_minor", RelationType.FLEXES, "lumbar_spine"),
        ("psoas_major", RelationType.FLEXES, "hip_joint"),
        ("iliacus", RelationType.FLEXES, "hip_joint"),
        ("transversalis_fascia", RelationType.FORMS, "femoral_sheath"),
        ("iliac_fascia", RelationType.FORMS, "femoral_sheath"),
        ("femoral_sheath", RelationType.ENCLOSES, "femoral_artery"),
        ("femoral_sheath", RelationType.ENCLOSES, "femoral_vein"),
        ("femoral_sheath", RelationType.ENCLOSES, "femoral_canal"),
        ("femoral_artery", RelationType.LATERAL_TO, "femoral_vein"),
        ("femoral_vein", RelationType.LATERAL_TO, "femoral_canal"),
        ("femoral_nerve", RelationType.LATERAL_TO, "femoral_sheath"),
    ]
    for fact in facts:
        assert related(MODEL, *fact) == established, fact


def test_what_the_model_must_not_claim() -> None:
    # The psoas minor ends on the pelvis: it does not cross or move the hip joint.
    assert not [r for r in MODEL.relations_of("psoas_minor") if r.touches("hip_joint")]
    # The femoral nerve lies outside the sheath, never inside it.
    assert related(MODEL, "femoral_sheath", RelationType.ENCLOSES, "femoral_nerve") is None


def test_the_clinic_hypotheses_are_the_article_s_ideas_and_say_so() -> None:
    hypotheses = MODEL.relations_with(Evidence.CLINIC_HYPOTHESIS)
    assert {(r.from_id, r.type, r.to_id) for r in hypotheses} == {
        ("psoas_minor", RelationType.CONTINUOUS_WITH, "femoral_sheath"),
        ("psoas_minor", RelationType.STABILISES, "lumbar_spine"),
        ("psoas_minor", RelationType.STABILISES, "pelvis"),
    }
    for r in hypotheses:
        assert "clinic's article" in r.source.en
        assert "クリニック" in r.source.ja
    for r in MODEL.relations_with(Evidence.ESTABLISHED):
        assert "Gray's Anatomy" in r.source.en


def test_the_teaching_separates_fact_from_the_clinic_s_explanation() -> None:
    en = MODEL.teaching.localised("en")
    assert en["established_heading"] == "What is established anatomy"
    assert "not established fact" in str(en["hypothesis_heading"])
    hypothesis = " ".join(en["hypothesis"])
    for symptom in ("cold or swollen leg", "numbness", "weakness"):
        assert symptom in hypothesis
    safety = " ".join(en["safety"])
    for danger in ("blood clot", "blocked artery", "nerve"):
        assert danger in safety


def test_reference_identifiers_are_well_formed_where_given() -> None:
    for s in MODEL.structures:
        assert s.fma is None or re.fullmatch(r"FMA:\d+", s.fma)
        assert s.uberon is None or re.fullmatch(r"UBERON:\d{7}", s.uberon)
    assert MODEL.structure("femoral_artery").uberon == "UBERON:0002060"


def test_sentences_read_naturally_in_both_languages() -> None:
    (origin,) = [
        r
        for r in MODEL.relations_of("psoas_minor")
        if r.type is RelationType.ORIGIN and r.to_id == "t12_vertebra"
    ]
    assert MODEL.sentence(origin, "en") == (
        "The psoas minor arises from the T12 vertebra (12th thoracic vertebra)."
    )
    assert MODEL.sentence(origin, "ja") == "小腰筋は第12胸椎（T12）から起こります（起始）。"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Psoas minor", "psoas minor"), ("T12 vertebra", "T12 vertebra"), ("小腰筋", "小腰筋")],
)
def test_names_inside_sentences(name: str, expected: str) -> None:
    renamed = replace(MODEL.structure("psoas_minor"), name=Text(name, name))
    assert renamed.name_in_sentence("en" if name.isascii() else "ja") == expected


# -- what a bad file gets ------------------------------------------------------------------------


def test_not_toml() -> None:
    assert "not valid TOML" in refused("version = ")


def test_an_unsupported_version() -> None:
    assert "version must be one of [1]" in refused(edited("version = 1", "version = 2"))


def test_an_unknown_structure_in_a_relation_names_the_relation() -> None:
    message = refused(edited('to = "t12_vertebra"', 'to = "t13_vertebra"'))
    assert "relations[0] (psoas_minor origin t13_vertebra)" in message
    assert "unknown structure id 't13_vertebra'" in message


def test_an_unknown_relation_type() -> None:
    message = refused(edited('type = "origin"', 'type = "touches"'))
    assert "relations[0] (psoas_minor touches t12_vertebra)" in message
    assert "unknown relation type 'touches'" in message


def test_words_for_an_unknown_relation_type() -> None:
    message = refused(edited("[relation_types.flexes]", "[relation_types.bends]"))
    assert "unknown relation type 'bends'" in message


def test_an_unknown_kind() -> None:
    message = refused(edited('kind = "nerve"', 'kind = "tendon"'))
    assert "(femoral_nerve)" in message
    assert "unknown kind 'tendon'" in message


def test_a_duplicate_structure_id() -> None:
    message = refused(edited('id = "l1_vertebra"', 'id = "t12_vertebra"'))
    assert "structures[1] (t12_vertebra): duplicate id 't12_vertebra'" in message


def test_a_duplicate_relation() -> None:
    first = SHIPPED.index("[[relations]]")
    block = SHIPPED[first : SHIPPED.index("[[relations]]", first + 1)]
    message = refused(edited(block, block + block))
    assert "relations[1] (psoas_minor origin t12_vertebra): duplicate relation" in message


def test_missing_japanese_text_names_the_field() -> None:
    line = next(line for line in SHIPPED.splitlines() if line.startswith("description.ja"))
    message = refused(edited(line + "\n", ""))
    assert "structures[0] (t12_vertebra).description: missing ja text" in message


def test_missing_english_name() -> None:
    message = refused(
        edited(
            'name = { en = "Psoas major", ja = "大腰筋" }',
            'name = { ja = "大腰筋" }',
        )
    )
    assert "(psoas_major).name: missing en text" in message


def test_missing_text_in_the_teaching() -> None:
    message = refused(edited('[teaching.tips_heading]\nen = "Tips"\n', "[teaching.tips_heading]\n"))
    assert "[teaching].tips_heading: missing en text" in message


def test_a_relation_without_a_source_note() -> None:
    first = SHIPPED.index("[[relations]]")
    line = SHIPPED[SHIPPED.index("source = ", first) :].split("\n", 1)[0]
    message = refused(edited(line + "\n", ""))
    assert "relations[0] (psoas_minor origin t12_vertebra): missing source note" in message


def test_a_note_without_a_source() -> None:
    start = SHIPPED.index("[[structures.notes]]")
    source_line = SHIPPED.index("source = ", start)
    end = SHIPPED.index("\n", source_line) + 1
    message = refused(SHIPPED[:source_line] + SHIPPED[end:])
    assert "(psoas_minor).notes[0]: missing source note" in message


def test_an_unknown_evidence_level() -> None:
    message = refused(edited('\nevidence = "clinic_hypothesis"', '\nevidence = "likely"'))
    assert "unknown evidence 'likely'" in message


def test_an_unknown_key_is_a_typo_not_ignored() -> None:
    message = refused(edited('kind = "muscle"', 'kind = "muscle"\ncolour = "red"'))
    assert "(psoas_minor): unknown keys: colour" in message


def test_a_sentence_without_its_placeholders() -> None:
    message = refused(
        edited('en = "The {from} encloses the {to}."', 'en = "The {from} encloses it."')
    )
    assert "[relation_types].encloses: the en sentence needs {from} and {to}" in message


def test_a_node_outside_the_layout() -> None:
    message = refused(edited("at = [230, 100]", "at = [230, 5000]"))
    assert "(t12_vertebra): at must be [x, y] inside the 800 x 1040 layout" in message


def test_a_guessed_identifier_in_the_wrong_form() -> None:
    message = refused(edited('uberon = "UBERON:0002060"', 'uberon = "femoral artery"'))
    assert "uberon 'femoral artery' is not a valid identifier" in message


def test_a_drawn_name_that_is_not_part_of_the_full_name() -> None:
    message = refused(edited('short = { en = "Femur"', 'short = { en = "Hipbone"'))
    assert "(femur): the en short name must be part of the full name" in message


def test_a_structure_in_no_relation() -> None:
    lone = '[[structures]]\nid = "sartorius"\nkind = "muscle"\nat = [10, 10]\nlabel = "right"\n'
    lone += 'name = { en = "Sartorius", ja = "縫工筋" }\n'
    lone += 'description = { en = "A long thigh muscle.", ja = "太ももの長い筋肉です。" }\n\n'
    message = refused(edited("[[relations]]", lone + "[[relations]]"))
    assert "structure 'sartorius' takes part in no relation" in message
