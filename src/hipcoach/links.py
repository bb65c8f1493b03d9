"""Absolute links for messages read outside the site (email), or none.

Email is read away from the site, so a relative link would lead nowhere: without
HIPCOACH_SITE_URL a message leaves the link out and says where to look instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def site_link(name: str, args: Sequence[object], language: str) -> str:
    """The absolute address of the named page in ``language``; "" with no site set."""
    site = str(getattr(settings, "HIPCOACH_SITE_URL", "") or "").strip().rstrip("/")
    if not site:
        return ""
    with translation.override(language):
        return site + reverse(name, args=list(args))
