"""Every text of the review pages has its Japanese, with the same placeholders.

Until the lead merges them into locale/ja, the translations wait in
locale/pending/reviews.ja.json; this reads the code's msgids as makemessages does and checks
that each one from the review app is either in the catalog already or in that file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PENDING = ROOT / "locale/pending/reviews.ja.json"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
OURS = ("hipcoach/reviews/", "templates/reviews/")


def pending() -> dict[str, str]:
    data: dict[str, str] = json.loads(PENDING.read_text(encoding="utf-8"))
    return data


def test_the_pending_translations_keep_their_placeholders() -> None:
    for msgid, text in pending().items():
        assert text.strip(), msgid
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), msgid
        assert not re.search(r"[A-Za-z]{4,}", PLACEHOLDER.sub("", text)), (msgid, text)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (Debian gettext) is absent")
def test_every_review_text_has_its_japanese(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("vendor", "__pycache__")
    )
    (tmp_path / "locale").mkdir()
    shutil.copy(ROOT / "manage.py", tmp_path)
    env = {
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": str(tmp_path / "src"),
        "HIPCOACH_VAR": str(tmp_path / "var"),
        "HIPCOACH_DEBUG": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ja"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale/ja/LC_MESSAGES/django.po"))
    ours = {
        e.msgid for e in fresh if any(any(o in path for o in OURS) for path, _ in e.occurrences)
    }
    committed = {
        e.msgid: e.msgstr
        for e in polib.pofile(str(ROOT / "locale/ja/LC_MESSAGES/django.po"))
        if e.msgstr and not e.obsolete
    }
    missing = sorted(m for m in ours if m not in committed and m not in pending())
    assert missing == []
    unused = sorted(set(pending()) - ours)
    assert unused == []
