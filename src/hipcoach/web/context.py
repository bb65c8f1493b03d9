"""Template context: the signed-in person's clinic, for the contact links on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def clinic(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    found = getattr(user, "clinic", None) if user is not None and user.is_authenticated else None
    return {"clinic": found}
