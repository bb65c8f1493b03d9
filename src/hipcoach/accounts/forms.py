"""Forms for inviting a patient and for the patient making their account from the link."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from hipcoach.accounts.models import Invitation, User

if TYPE_CHECKING:  # the stubs' generic forms; at run time Django's plain classes
    _InviteForm = forms.ModelForm[Invitation]
    _UserCreationForm = UserCreationForm[User]
else:
    _InviteForm = forms.ModelForm
    _UserCreationForm = UserCreationForm


class InviteForm(_InviteForm):
    class Meta:
        model = Invitation
        fields = ("name", "email", "language")
        help_texts = {
            "email": _("If you give an email address, the link is also sent there."),
            "language": _("The language of the email and of the sign-up page."),
        }


class JoinForm(_UserCreationForm):
    """The patient chooses their username, password (Django's validators) and language."""

    class Meta:
        model = User
        fields = ("username", "first_name", "language")
        labels = {"first_name": _("Your name, as you would like the clinic to call you")}
        help_texts = {
            "username": _("You sign in with this. Letters, digits and @ . + - _ only."),
            "language": _("The language hipcoach speaks to you in. You can change it later."),
        }
