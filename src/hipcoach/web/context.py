"""Template context: the signed-in person's clinic, for the contact links on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language


def clinic(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    found = getattr(user, "clinic", None) if user is not None and user.is_authenticated else None
    name = found.display_name(get_language() or "en") if found is not None else ""
    return {"clinic": found, "clinic_name": name}
