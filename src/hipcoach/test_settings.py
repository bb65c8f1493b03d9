"""Settings for the test suite: the real ones, with fast password hashing and no manifest."""

import tempfile
from pathlib import Path

from hipcoach.settings import *  # noqa: F403
from hipcoach.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# No background thread in tests that don't ask for one; uploads go to a throwaway folder.
HIPCOACH_TASK_QUEUE = "worker"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hipcoach-media-"))
