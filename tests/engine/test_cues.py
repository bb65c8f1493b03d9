from __future__ import annotations

import ast
import tomllib
from importlib import resources
from pathlib import Path

import pytest

import coach.session as session_module
from coach import protocol
from coach.cues import KNOWN_PARAMS, CueCatalogError, catalog, cue_text, parse
from coach.events import Cue
from coach.framing import FramingCue
from coach.position import REQUIREMENTS
from coach.protocol import LANGUAGES

SHIPPED = resources.files("coach.data").joinpath("cues.toml").read_text(encoding="utf-8")
P = protocol.load()


def _session_tree() -> ast.Module:
    return ast.parse(Path(session_module.__file__).read_text(encoding="utf-8"))


def said_codes() -> set[str]:
    """Every string literal passed as the cue code to ``_say(`` in coach/session.py."""
    found: set[str] = set()
    for node in ast.walk(_session_tree()):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "_say"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            found.add(node.args[1].value)
    return found


def why_not_codes() -> set[str]:
    """Codes ``Session._why_not`` returns as literals (said through a variable)."""
    found: set[str] = set()
    for node in ast.walk(_session_tree()):
        if isinstance(node, ast.FunctionDef) and node.name == "_why_not":
            for ret in ast.walk(node):
                if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple):
                    for const in ast.walk(ret.value.elts[0]):
                        if isinstance(const, ast.Constant) and isinstance(const.value, str):
                            found.add(const.value)
    return found


def engine_codes() -> set[str]:
    fault_codes = {
        code for rule in P.rules for code in (rule.fault_below, rule.fault_above) if code
    }
    framing = {cue.value for cue in FramingCue}
    return (
        set(REQUIREMENTS) | fault_codes | said_codes() | why_not_codes() | framing | {"good_form"}
    )


def test_source_scan_finds_codes():
    said = said_codes()
    assert {
        "get_into_position",
        "hold_start",
        "rest",
        "next_set",
        "switch_side",
        "session_done",
        "paused",
        "resumed",
        "breathe_out_slowly",
        "cant_see_you",
    } <= said
    assert {"cant_see_you", "turn_sideways", "use_other_side", "get_into_position"} <= (
        why_not_codes()
    )


@pytest.mark.parametrize("code", sorted(engine_codes()))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_engine_code_has_text(code, language):
    texts = catalog().texts
    assert code in texts, f"cue {code!r} has no text in cues.toml"
    assert texts[code][language].strip()


def test_catalog_has_no_stray_codes():
    """Every cue in the file is one the engine can say (a renamed code leaves a stray)."""
    assert set(catalog().texts) <= engine_codes()


def test_sides_translated():
    assert catalog().sides == {
        "left": {"en": "left", "ja": "左"},
        "right": {"en": "right", "ja": "右"},
    }


def test_params_substituted():
    cue = Cue("hold_start", (("side", "left"),))
    assert cue_text(cue) == "Good. Hold the stretch on your left side."
    ja = cue_text(cue, "ja")
    assert "左" in ja
    assert "{" not in ja
    assert "left" not in ja
    nxt = Cue("next_set", (("set", "2"), ("side", "right")))
    assert cue_text(nxt) == "Next: set 2 on your right side."
    assert "右" in cue_text(nxt, "ja")
    assert "2" in cue_text(nxt, "ja")
    rest = Cue("rest", (("seconds", "15"),))
    assert "15" in cue_text(rest)
    assert "15秒" in cue_text(rest, "ja")


def test_every_placeholder_is_filled_by_the_session_params():
    params = {"side": "left", "set": "1", "seconds": "15"}
    for code in catalog().texts:
        cue = Cue(code, tuple(sorted(params.items())))
        for lang in LANGUAGES:
            assert "{" not in cue_text(cue, lang), (code, lang)


def test_unknown_code_and_language_fall_back():
    assert cue_text(Cue("no_such_code")) == "no such code"
    assert cue_text(Cue("paused"), "fr") == cue_text(Cue("paused"), "en")
    # A missing param stays visible rather than raising.
    assert "{side}" in cue_text(Cue("hold_start"))
    # An unknown side name is passed through.
    assert "middle" in cue_text(Cue("hold_start", (("side", "middle"),)), "ja")


def test_shipped_file_parses_to_the_catalog():
    assert parse(SHIPPED) == catalog()
    data = tomllib.loads(SHIPPED)
    assert set(data) == {"cues", "sides"}


GOOD = """
[sides.left]
en = "left"
ja = "左"

[sides.right]
en = "right"
ja = "右"

[cues.hold_start]
en = "Hold on your {side} side."
ja = "{side}側を伸ばしましょう。"
"""


def test_parse_minimal():
    cat = parse(GOOD)
    assert set(cat.texts) == {"hold_start"}
    assert cat.text(Cue("hold_start", (("side", "right"),)), "ja") == "右側を伸ばしましょう。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace('ja = "{side}側を伸ばしましょう。"', ""), "cue 'hold_start' has no ja text"),
        (GOOD.replace('ja = "{side}側を伸ばしましょう。"', 'ja = "   "'), "has no ja text"),
        (GOOD.replace('en = "Hold on your {side} side."', ""), "has no en text"),
        (GOOD.replace('ja = "右"', ""), "cue 'right' has no ja text"),
        (
            GOOD.replace("{side}側", "側"),
            "cue 'hold_start': placeholders differ between languages",
        ),
        (
            GOOD.replace("{side}側", "{set}側"),
            "cue 'hold_start': placeholders differ",
        ),
        (
            GOOD.replace("{side}側", "{colour}側").replace("your {side}", "your {colour}"),
            "cue 'hold_start': placeholders differ",
        ),
        (GOOD.split("[cues.hold_start]", maxsplit=1)[0], r"missing table \[cues\]"),
        (GOOD.replace("sides.", "names."), r"missing table \[sides\]"),
    ],
)
def test_parse_refuses(text, message):
    with pytest.raises(CueCatalogError, match=message):
        parse(text)


def test_known_params():
    assert {"side", "set", "seconds"} == KNOWN_PARAMS


def test_parse_refuses_cue_that_is_not_a_table():
    with pytest.raises(CueCatalogError):
        parse(GOOD.replace("[cues.hold_start]", '[cues]\ngreeting = "hi"\n\n[cues.hold_start]'))


def test_the_breathing_cue_says_not_to_hold_the_breath():
    """Holding the breath while straining raises blood pressure: the cue says so in words."""
    cue = Cue("breathe_out_slowly")
    assert "Breathe out slowly" in cue_text(cue)
    assert "Don't hold your breath" in cue_text(cue)
    ja = cue_text(cue, "ja")
    assert "ゆっくり息を吐" in ja
    assert "息は止めないで" in ja
