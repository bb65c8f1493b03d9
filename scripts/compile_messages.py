"""Compile the gettext catalogs (locale/*/LC_MESSAGES/*.po → .mo) without GNU gettext.

Django's compilemessages needs `msgfmt`, which a fresh machine may lack; polib (PyPI) does the
same in pure Python. `make test` checks the compiled files are current.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale"


def compile_all(check: bool = False) -> list[Path]:
    """Write every .mo; with ``check``, only report the ones that are missing or stale."""
    stale = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        fresh = polib.pofile(str(po_path)).to_binary()
        if mo_path.is_file() and mo_path.read_bytes() == fresh:
            continue
        stale.append(mo_path)
        if not check:
            mo_path.write_bytes(fresh)
    return stale


def main() -> int:
    check = "--check" in sys.argv
    stale = compile_all(check=check)
    for path in stale:
        print(("stale: " if check else "compiled: ") + str(path.relative_to(LOCALE.parent)))
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
