"""The one timeline view: stored spans become holds with their faults, in either language."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from coach.assessment import Side
from coach.events import Phase
from coach.timeline import TimelineBuilder
from hipcoach.practice.timeline_view import timeline_view


def stored() -> dict[str, object]:
    b = TimelineBuilder()
    for t in range(0, 2001, 100):
        b.add(t, Phase.SETUP, None, 1)
    for t in range(2100, 8001, 100):
        b.add(t, Phase.HOLD, Side.LEFT, 1, ["trunk_leaning_forward"] if 4000 <= t <= 5500 else ())
    for t in range(8100, 9001, 100):
        b.add(t, Phase.REST, Side.LEFT, 2)
    for t in range(9100, 12001, 100):
        b.add(t, Phase.HOLD, Side.LEFT, 2)
    b.finish(12000)
    return b.to_dict()


def test_holds_carry_their_own_faults() -> None:
    with translation.override("en"):
        view = timeline_view(stored(), "en")
    assert [(h.side, h.set_number, h.start_s, h.end_s) for h in view.holds] == [
        ("Left", 1, 2.1, 8.1),
        ("Left", 2, 9.1, 12.0),
    ]
    assert [(f.start_s, f.seconds) for f in view.holds[0].faults] == [(4.0, 1.5)]
    assert view.holds[0].faults[0].text.startswith("Lift your chest")
    assert view.holds[1].faults == []
    assert view.duration_s == 12.0
    assert view.strip.startswith("<svg")
    assert view.strip.count('class="timeline-fault ') == 1
    # The legend names each fault lane in the strip's own colour.
    assert [(colour, text[:15]) for colour, text in view.lanes] == [(1, "Lift your chest")]
    assert 'class="timeline-fault timeline-fault-1"' in view.strip


def test_the_partial_renders_in_japanese() -> None:
    with translation.override("ja"):
        html = render_to_string(
            "practice/_timeline.html", {"timeline": timeline_view(stored(), "ja")}
        )
    assert "胸を起こして" in html
    assert "左" in html
    assert "Left" not in html


def test_damaged_or_missing_timelines_say_so_instead_of_failing() -> None:
    damaged = timeline_view({"version": 1, "spans": [{"kind": "??"}]}, "en")
    assert damaged.unreadable
    assert damaged.empty
    assert timeline_view({}, "en").empty
    with translation.override("en"):
        html = render_to_string("practice/_timeline.html", {"timeline": damaged})
    assert "could not be read" in html
