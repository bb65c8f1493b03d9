"""People for tests, made as the app makes them; one home for what every test folder needs."""

from __future__ import annotations

from django.test import Client

from hipcoach.accounts.models import Role, User
from hipcoach.clinics.models import Clinic

PASSWORD = "pw-for-tests"


def make_user(username: str, role: Role, clinic: Clinic | None, **extra: object) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, clinic=clinic, **extra
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
