"""The models and the committed migrations agree: a fresh database gets what the code expects."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_its_migration() -> None:
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:  # --check exits non-zero when a migration is missing
        pytest.fail(f"a model changed without its migration (makemigrations exited {exit_.code})")
