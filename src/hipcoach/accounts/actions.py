"""Writes for people (do_*): inviting a patient, accepting the invitation, revoking it.

The invitation token is shown once and stored only as its SHA-256: whoever reads the database
cannot use an open link. Accepting marks the invitation used with a conditional update inside
the same transaction that creates the account, so one link makes at most one account even when
two people press "create" at the same moment.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hipcoach.accounts.models import Invitation, Role, User
from hipcoach.clinics.models import Clinic

INVITATION_LIFETIME = timedelta(days=14)


class InvitationUnavailable(Exception):
    """The link was used, revoked, has expired, or never existed."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_invitation(token: str) -> Invitation | None:
    """The invitation a link's token belongs to, whatever its state; None for a wrong token."""
    if not token or len(token) > 128:
        return None
    return Invitation.objects.select_related("clinic").filter(token_hash=token_hash(token)).first()


def do_invite_patient(
    clinic: Clinic, invited_by: User, *, name: str = "", email: str = "", language: str = "ja"
) -> tuple[Invitation, str]:
    """A new invitation and its token; the token is never stored, so show it now or never."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        clinic=clinic,
        invited_by=invited_by,
        name=name,
        email=email,
        language=language,
        token_hash=token_hash(token),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    return invitation, token


@transaction.atomic
def do_accept_invitation(
    token: str, *, username: str, password: str, language: str, first_name: str = ""
) -> User:
    """Create the patient in the invitation's clinic and use the invitation up, or neither."""
    invitation = find_invitation(token)
    now = timezone.now()
    if invitation is None:
        raise InvitationUnavailable
    claimed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        raise InvitationUnavailable
    user = User.objects.create_user(
        username=username,
        password=password,
        role=Role.PATIENT,
        clinic=invitation.clinic,
        language=language,
        first_name=first_name or invitation.name,
        email=invitation.email,
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_user=user)
    return user


def do_revoke_invitation(invitation: Invitation) -> bool:
    """Close an open invitation; False when it was already used or closed."""
    return bool(
        Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    )


def do_send_invitation(invitation: Invitation, link: str) -> bool:
    """Email the link in the invitation's language; False when it could not be sent."""
    with translation.override(invitation.language):
        clinic = invitation.clinic.display_name(invitation.language)
        subject = _("Your invitation to hipcoach from %(clinic)s") % {"clinic": clinic}
        body = render_to_string(
            "accounts/invite_email.txt",
            {"invitation": invitation, "link": link, "clinic_name": clinic},
        )
    try:
        return bool(send_mail(subject, body, None, [invitation.email]))
    except OSError:
        return False
