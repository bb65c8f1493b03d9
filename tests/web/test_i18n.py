"""English and Japanese, both complete: catalogs, compiled files, and what pages really show."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from coach.assessment import Side
from coach.events import SetRecord
from hipcoach.accounts.models import User
from hipcoach.checkin.actions import do_check_in, do_save_health_profile
from hipcoach.checkin.screening import Answers
from hipcoach.practice.actions import do_record_set, do_start_session

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
sys.path.insert(0, str(ROOT / "scripts"))
from compile_messages import compile_all  # noqa: E402


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("ja/LC_MESSAGES/*.po"))


def test_both_japanese_catalogs_exist() -> None:
    assert [p.name for p in catalogs()] == ["django.po", "djangojs.po"]


@pytest.mark.parametrize("path", catalogs(), ids=lambda p: p.name)
def test_every_japanese_entry_is_translated_with_the_same_placeholders(path: Path) -> None:
    po = polib.pofile(str(path))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    for entry in po.translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid)) | set(
            PLACEHOLDER.findall(entry.msgid_plural or "")
        )
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                assert set(PLACEHOLDER.findall(text)) <= expected, entry.msgid
                if not entry.msgid_plural:
                    assert set(PLACEHOLDER.findall(text)) == expected, entry.msgid


# One word for each thing a frightened reader must recognise at once, across the Japanese
# catalog and the engine's and Learn page's data: (the agreed term, words that must not appear).
AGREED_TERMS = (
    ("担当の先生", ("担当者", "施術者", "臨床医", "臨床担当者")),  # your clinician
    ("片膝立ち", ("ハーフニーリング", "片ひざ", "ひざ立ち")),  # half-kneeling
)
JA_DATA = (
    ROOT / "src/coach/data/cues.toml",
    ROOT / "src/coach/protocols/half_kneeling_psoas.toml",
    ROOT / "src/hipcoach/learn/anatomy.toml",
)


def japanese_texts() -> list[tuple[str, str]]:
    """(where, text) for every Japanese string in the catalogs and the data files."""
    found: list[tuple[str, str]] = []
    for path in catalogs():
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                found.append((f"{path.name}: {entry.msgid[:60]}", text))

    def walk(value: object, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for n, item in enumerate(value):
                walk(item, f"{where}[{n}]")
        elif isinstance(value, str) and where.endswith(".ja"):
            found.append((where, value))

    for path in JA_DATA:
        walk(tomllib.loads(path.read_text(encoding="utf-8")), path.name)
    return found


def test_japanese_uses_the_agreed_terms() -> None:
    texts = japanese_texts()
    for agreed, avoided in AGREED_TERMS:
        assert any(agreed in text for _, text in texts), agreed
        for where, text in texts:
            for word in avoided:
                # 膝立ち alone is allowed only as part of 片膝立ち.
                assert word not in text, f"{where}: {word!r}, say {agreed!r}"
        for where, text in texts:
            assert "膝立ち" not in text.replace("片膝立ち", ""), f"{where}: say 片膝立ち"


# Within Japanese sentences, punctuation is full width (、。：（）？！); ASCII is left only in
# placeholders, links, numbers (1.5, 9:00) and characters a person is asked to type.
_NOT_PROSE = re.compile(r"%\(\w+\)[sd]|\{\w+\}|https?://\S+|\d[.:]\d|[\w-]+\.(?:me|ee)\b|@ \. \+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_japanese_sentences_use_full_width_punctuation() -> None:
    for where, text in japanese_texts():
        if not _JAPANESE.search(text):
            continue
        prose = _NOT_PROSE.sub("", text)
        assert not re.search(r"[,.:;()!?]", prose), f"{where}: {text}"


def test_emergency_wording_is_plain_and_direct() -> None:
    po = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "ja/LC_MESSAGES/django.po"))}
    assert po["Call 119 (emergency, Japan)"] == "119番に電話して救急車を呼ぶ"
    assert "119番に電話して救急車を呼んでください" in po["Get help now"]


def test_compiled_catalogs_are_current() -> None:
    assert compile_all(check=True) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (Debian gettext) is absent")
def test_the_catalogs_hold_every_string_in_the_code(tmp_path: Path) -> None:
    for name in ("src", "locale"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("vendor", "__pycache__")
        )
    shutil.copy(ROOT / "manage.py", tmp_path)
    env = {
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(tmp_path / "src"),
        "HIPCOACH_VAR": str(tmp_path / "var"),
        "HIPCOACH_DEBUG": "1",
    }
    for domain in ("django", "djangojs"):
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                "-l",
                "ja",
                "--no-obsolete",
            ],
            cwd=tmp_path,
            env=env,
            check=True,
            capture_output=True,
        )
        fresh = {
            e.msgid for e in polib.pofile(str(tmp_path / f"locale/ja/LC_MESSAGES/{domain}.po"))
        }
        committed = {
            e.msgid
            for e in polib.pofile(str(LOCALE / f"ja/LC_MESSAGES/{domain}.po"))
            if not e.obsolete
        }
        assert fresh - committed == set(), f"{domain}: run `make messages` and translate"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.chunks.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


# Names that stay as they are in Japanese text; the language switcher names each language in
# itself ("English"), so that people can find their own.
ALLOWED = {
    "hipcoach",
    "LINE",
    "WhatsApp",
    "English",
    "Test",
    "Clinic",
    "pat",
    "PSFS",
    "CSV",
    "JSON",
    "PDF",
    "FHIR",
    # Link formats a clinic admin types: https://wa.me/…, line.me, lin.ee, Google Maps.
    "https",
    "line",
    "lin",
    "Google",
    # File formats are named as the person's phone or camera names them.
    "MOV",
    "AVI",
    "MKV",
    "WEBM",
    # Key names on the keyboard and reference identifiers are written as they are.
    "Enter",
    "Esc",
    "Tab",
    "UBERON",
    # Guidelines and studies the Learn page cites keep their own names.
    "NICE",
    "OARSI",
    "ACSM",
    "Hurwitz",
    "Eitzen",
    "Kumar",
    "Garber",
}


def english_left_in(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    words = set(re.findall(r"[A-Za-z]{3,}", " ".join(parser.chunks)))
    return words - ALLOWED


def test_japanese_pages_show_no_english(patient: User, clinician: User) -> None:
    program = patient.programs.first()
    assert program is not None
    session = do_start_session(patient, program, language="ja")
    record = SetRecord(side=Side.LEFT, set_number=1, target_s=20.0, completed=True)
    record.good_form_ms = 20_000
    record.fault_ms = {"trunk_leaning_forward": 1500.0}
    do_record_set(session, record, clock_ms=30_000)
    client = Client()
    assert english_left_in(client.get("/ja/login/").content.decode()) == set()
    client.force_login(patient)
    standing = do_check_in(patient, Answers(pain_now=3, yes=frozenset({"cannot_kneel"})))
    urls = (
        "/ja/",
        "/ja/history/",
        "/ja/check-in/",
        "/ja/health/",
        f"/ja/check-in/{standing.pk}/",
        f"/ja/sessions/{session.pk}/",
        f"/ja/sessions/{session.pk}/live/",
        "/ja/progress/",
        "/ja/progress/activities/",
        "/ja/progress/chair-stand/",
        "/ja/progress/chair-stand/camera/",
        "/ja/account/delete/",
        "/ja/learn/",
    )

    def japanese_only(urls: tuple[str, ...]) -> None:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert english_left_in(response.content.decode()) == set(), url

    japanese_only(urls)
    # A danger sign: the stopped home page and the advice, then the clinic's side of it.
    stop = do_check_in(patient, Answers(pain_now=3, symptoms={"leg_coldness": "left"}))
    do_save_health_profile(patient, patient, {"hip_replacement": "left"})
    ask = do_check_in(patient, Answers(pain_now=3))
    assert ask.level == "no_stretch"
    japanese_only(("/ja/", f"/ja/check-in/{stop.pk}/", f"/ja/check-in/{ask.pk}/"))
    client.force_login(clinician)
    japanese_only(
        (
            "/ja/",
            f"/ja/clinic/patients/{patient.pk}/",
            f"/ja/clinic/stops/{stop.raised_stops.get().pk}/",
            f"/ja/clinic/patients/{patient.pk}/health/",
        )
    )


def test_every_page_each_role_opens_is_japanese(two_clinics: Any) -> None:
    """Every route, as the patient, the clinician and the clinic admin of one clinic see it."""
    from test_access_matrix import NOT_OBJECTS, QUERY, ROUTES  # noqa: PLC0415
    from worlds import routes  # noqa: PLC0415

    a, _b = two_clinics
    # People's names and time-zone identifiers (Asia/Tokyo) are data, not text to translate.
    names = {"Alice", "Tanaka", "Sato", "adminA", "docA", "patA", "Asia", "Tokyo"}
    opened: set[str] = set()
    for role in (a.patient, a.clinician, a.admin):
        client = Client()
        client.force_login(role)
        for name, args in routes():
            if name in ("logout", "set_language", "javascript-catalog") or name in NOT_OBJECTS:
                continue
            if args:
                params, _owner = ROUTES[name]
                kwargs = {k: a.objects[v] for k, v in params.items()}
            else:
                kwargs = {}
            with translation.override("ja"):
                url = reverse(name, kwargs=kwargs) + QUERY.get(name, "")
            response = client.get(url)
            kind = response.get("Content-Type", "")
            if response.status_code != 200 or not kind.startswith("text/html"):
                # Read to the end, not close(): close() here fires request_finished, which on
                # PostgreSQL closes the database connection inside this test's transaction.
                b"".join(response)
                continue
            opened.add(name)
            left = english_left_in(response.content.decode()) - names
            assert left == set(), f"{url} as {role.username}: {sorted(left)}"
    # The walk really saw the new areas, not only error pages.
    for expected in (
        "clinics:patient",
        "clinics:prescribe",
        "clinics:edit",
        "clinics:invites",
        "booking:index",
        "booking:find",
        "booking:schedule",
        "reviews:detail",
        "reviews:upload",
        "reports:index",
        "reports:patient",
    ):
        assert expected in opened, expected
