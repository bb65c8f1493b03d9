"""The diagram laid out from the model: everything inside the drawing, labels kept apart."""

from __future__ import annotations

import pytest

from hipcoach.learn import anatomy, diagram

MODEL = anatomy.load()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_nodes_names_and_labels_stay_inside_the_drawing(language: str) -> None:
    d = diagram.build(MODEL, language)
    assert [n.id for n in d.nodes] == [s.id for s in MODEL.structures]
    for n in d.nodes:
        for line in n.lines:
            left, top, right, bottom = diagram.text_rect(
                n.text_x, line.y, line.text, diagram.NAME_SIZE, n.anchor
            )
            assert left >= 0, (n.id, line.text)
            assert right <= d.width, (n.id, line.text)
            assert top >= 0, (n.id, line.text)
            assert bottom <= d.height, (n.id, line.text)
    for e in d.edges:
        for x, y in (e.from_label, e.to_label):
            assert 0 <= x <= d.width
            assert 0 <= y <= d.height


@pytest.mark.parametrize("language", ["en", "ja"])
def test_names_do_not_overlap_each_other_or_other_nodes(language: str) -> None:
    d = diagram.build(MODEL, language)
    boxes: list[tuple[str, diagram.Rect]] = []
    for n in d.nodes:
        r = diagram.NODE_RADIUS
        boxes.append((n.id, (n.x - r, n.y - r, n.x + r, n.y + r)))
        boxes.extend(
            (n.id, diagram.text_rect(n.text_x, line.y, line.text, diagram.NAME_SIZE, n.anchor))
            for line in n.lines
        )
    for i, (a, ra) in enumerate(boxes):
        for b, rb in boxes[i + 1 :]:
            if a != b:
                assert diagram.overlap(ra, rb) == 0, (a, b)


def test_the_femoral_sheath_is_drawn_round_its_three_compartments() -> None:
    d = diagram.build(MODEL, "en")
    (box,) = d.boxes
    assert box.id == "femoral_sheath"
    assert len(box.dividers) == 2
    inside = {n.id for n in d.nodes if box.x < n.x < box.x + box.width and box.y < n.y < box.bottom}
    assert inside == {"femoral_canal", "femoral_vein", "femoral_artery"}
    # Artery outermost, canal innermost (the outer side is to the right).
    x = {n.id: n.x for n in d.nodes}
    assert x["femoral_canal"] < x["femoral_vein"] < x["femoral_artery"] < x["femoral_nerve"]


def test_relations_between_the_same_pair_are_drawn_apart() -> None:
    d = diagram.build(MODEL, "en")
    twins = [e for e in d.edges if {e.from_id, e.to_id} == {"psoas_minor", "lumbar_spine"}]
    assert len(twins) == 2
    assert twins[0].path != twins[1].path
    assert twins[0].from_label != twins[1].from_label


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Femoral canal", 9, ("Femoral", "canal")),
        ("Femoral sheath", 14, ("Femoral sheath",)),
        ("Transversalis fascia", 14, ("Transversalis", "fascia")),
        ("腸骨筋膜", 9, ("腸骨筋膜",)),
    ],
)
def test_wrapping_names(text: str, width: int, lines: tuple[str, ...]) -> None:
    assert diagram.wrap(text, width) == lines


def test_japanese_text_is_estimated_wider_than_latin() -> None:
    assert diagram.text_width("大腿神経", 24) == 4 * 24
    assert diagram.text_width("nerve", 24) < diagram.text_width("大腿神経", 24) * 1.5
