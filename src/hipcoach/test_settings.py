"""Settings for the test suite: the real ones, with fast password hashing and no manifest."""

from hipcoach.settings import *  # noqa: F403
from hipcoach.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
