"""One-time invitation links: made by a clinician, used once by the new patient, or refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from hipcoach.accounts.actions import (
    InvitationUnavailable,
    do_accept_invitation,
    do_invite_patient,
    token_hash,
)
from hipcoach.accounts.models import Invitation, User
from hipcoach.clinics.models import Clinic
from hipcoach.clinics.review import patient_rows
from people import signed_in

GOOD = {
    "username": "newcomer",
    "first_name": "Hana",
    "language": "ja",
    "password1": "a-long-walk-by-the-river",
    "password2": "a-long-walk-by-the-river",
}


def invite(client: Client, **data: str) -> str:
    response = client.post("/en/clinic/invites/", {"language": "ja", **data})
    assert response.status_code == 200
    match = re.search(
        r'value="(http://testserver/ja/clinic/join/[^"]+/)"', response.content.decode()
    )
    assert match, "the link is shown once, on the page that made it"
    return match.group(1).removeprefix("http://testserver")


def test_the_happy_path(clinic: Clinic, clinician: User) -> None:
    link = invite(signed_in(clinician), name="Hana", email="hana@example.org")
    invitation = Invitation.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash  # only the hash is stored
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hana@example.org"]
    assert link in mail.outbox[0].body
    assert "テストクリニック" in mail.outbox[0].subject  # in the invitation's language

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert 'lang="ja"' in page.content.decode()
    response = visitor.post(link, GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/ja/"
    user = User.objects.get(username="newcomer")
    assert user.is_patient
    assert user.clinic == clinic
    assert user.language == "ja"
    assert user.check_password(GOOD["password1"])
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert invitation.created_user == user
    assert visitor.get("/ja/").status_code == 200  # signed in
    assert user in [r.patient for r in patient_rows(clinician)]


def test_a_link_works_once(clinic: Clinic, clinician: User) -> None:
    link = invite(signed_in(clinician))
    assert Client().post(link, GOOD).status_code == 302
    again = Client().post(link, {**GOOD, "username": "second"})
    assert again.status_code == 410
    assert "すでに使われています" in again.content.decode()  # the invite's language
    assert not User.objects.filter(username="second").exists()
    assert Client().get(link).status_code == 410


def test_the_action_claims_the_invitation_before_making_the_account(
    clinic: Clinic, clinician: User
) -> None:
    """The claim is a conditional update: a second acceptance, however close, finds nothing."""
    _, token = do_invite_patient(clinic, clinician)
    do_accept_invitation(token, username="first", password="pw-x-1234567", language="en")
    with pytest.raises(InvitationUnavailable):
        do_accept_invitation(token, username="late", password="pw-x-1234567", language="en")
    assert not User.objects.filter(username="late").exists()


def test_an_expired_link_is_refused(clinic: Clinic, clinician: User) -> None:
    link = invite(signed_in(clinician))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(link)
    assert response.status_code == 410
    assert "期限が切れています" in response.content.decode()
    assert Client().post(link, GOOD).status_code == 410
    assert not User.objects.filter(username="newcomer").exists()


def test_an_unknown_link_is_404(db: None) -> None:
    response = Client().get("/en/clinic/join/not-a-real-token/")
    assert response.status_code == 404
    assert "We do not know this link" in response.content.decode()


def test_a_withdrawn_link_is_refused(clinic: Clinic, clinician: User, admin: User) -> None:
    link = invite(signed_in(clinician))
    invitation = Invitation.objects.get()
    response = signed_in(admin).post(f"/en/clinic/invites/{invitation.pk}/withdraw/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert Client().get(link).status_code == 410
    assert Client().post(link, GOOD).status_code == 410


def test_another_clinic_cannot_withdraw_or_list(
    clinic: Clinic, clinician: User, stranger: User, patient: User
) -> None:
    invite(signed_in(clinician), name="Secret Name")
    invitation = Invitation.objects.get()
    url = f"/en/clinic/invites/{invitation.pk}/withdraw/"
    assert signed_in(stranger).post(url).status_code == 404
    assert signed_in(patient).post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert "Secret Name" not in signed_in(stranger).get("/en/clinic/invites/").content.decode()
    assert "Secret Name" in signed_in(clinician).get("/en/clinic/invites/").content.decode()
    assert signed_in(patient).get("/en/clinic/invites/").status_code == 403
    assert Client().get("/en/clinic/invites/")["Location"].startswith("/en/login/")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password1": "12345678901", "password2": "12345678901"}, "entirely numeric"),
        ({"password1": "password123", "password2": "password123"}, "too common"),
        ({"password2": "something-else-entirely"}, "didn’t match"),
        ({"username": "pat"}, "already exists"),
        ({"username": "bad name!"}, "Enter a valid username"),
    ],
)
def test_bad_choices_are_refused_and_the_link_stays_open(
    clinic: Clinic, clinician: User, patient: User, changes: dict[str, str], message: str
) -> None:
    link = invite(signed_in(clinician)).replace("/ja/", "/en/")
    response = Client().post(link, {**GOOD, **changes})
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Invitation.objects.get().used_at is None
    assert Client().post(link, GOOD).status_code == 302


def test_a_bad_invite_form_is_a_400(clinician: User) -> None:
    response = signed_in(clinician).post(
        "/en/clinic/invites/", {"email": "not-an-email", "language": "ja"}
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
