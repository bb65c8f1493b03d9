"""Invitations: a clinician invites a patient; the patient makes their account from the link.

Thin: check who is asking, call one action, render. The link carries the only copy of the
token, so the page that creates an invitation is the only place it is ever shown.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hipcoach.accounts import actions
from hipcoach.accounts.access import access_invitation_by_id, invitations_of
from hipcoach.accounts.forms import InviteForm, JoinForm
from hipcoach.accounts.models import User
from hipcoach.web.requests import clinician_of, page_language


def _invite_list(clinician: User) -> list[dict[str, object]]:
    now = timezone.now()
    return [{"invitation": i, "state": i.state(now)} for i in invitations_of(clinician)[:100]]


@login_required
def invites(request: HttpRequest) -> HttpResponse:
    clinician = clinician_of(request)
    if clinician is None or clinician.clinic is None:
        return HttpResponseForbidden()
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation, token = actions.do_invite_patient(
            clinician.clinic,
            clinician,
            name=data["name"],
            email=data["email"],
            language=data["language"],
        )
        with translation.override(invitation.language):
            link = request.build_absolute_uri(reverse("clinics:join", args=[token]))
        sent = actions.do_send_invitation(invitation, link) if invitation.email else False
        return render(
            request,
            "accounts/invite_created.html",
            {"invitation": invitation, "link": link, "sent": sent},
        )
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/invites.html",
        {"form": form, "invitations": _invite_list(clinician)},
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    clinician = clinician_of(request)
    if clinician is None:
        return HttpResponseForbidden()
    invitation = access_invitation_by_id(clinician, pk)
    if actions.do_revoke_invitation(invitation):
        messages.success(request, _("The invitation was withdrawn: its link no longer works."))
    return redirect("clinics:invites")


def join(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding the link; a wrong, used, revoked or expired link says so."""
    invitation = actions.find_invitation(token)
    if invitation is None:
        return render(request, "accounts/join_unavailable.html", {"state": "unknown"}, status=404)
    state = invitation.state(timezone.now())
    if state != "open":
        return render(request, "accounts/join_unavailable.html", {"state": state}, status=410)
    form = JoinForm(
        request.POST or None,
        initial={"language": invitation.language, "first_name": invitation.name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = actions.do_accept_invitation(
                token,
                username=data["username"],
                password=data["password1"],
                language=data["language"],
                first_name=data["first_name"],
            )
        except actions.InvitationUnavailable:
            return render(request, "accounts/join_unavailable.html", {"state": "used"}, status=410)
        except IntegrityError:
            form.add_error(
                "username", _("Someone already has this username. Please choose another.")
            )
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            with translation.override(user.language):
                response = redirect(reverse("home"))
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", secure=settings.HTTPS
            )
            return response
    status = 400 if form.errors else 200
    return render(
        request,
        "accounts/join.html",
        {
            "form": form,
            "invitation": invitation,
            "invite_clinic": invitation.clinic,
            "invite_clinic_name": invitation.clinic.display_name(page_language()),
        },
        status=status,
    )
