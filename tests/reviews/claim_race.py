"""Helper process for test_claim_race.py: sets up a file database, or races to claim jobs.

python claim_race.py setup N     migrate and queue N reviews
python claim_race.py claim GO    say ready (a file beside GO), wait until GO exists, then
                                 claim until none is left; print the claimed ids as JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hipcoach.test_settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from hipcoach.accounts.models import Role, User  # noqa: E402
from hipcoach.reviews import jobs  # noqa: E402
from hipcoach.reviews.models import VideoReview  # noqa: E402


def setup(count: int) -> None:
    call_command("migrate", verbosity=0)
    patient = User.objects.create_user(username="racer", password="pw", role=Role.PATIENT)
    for n in range(count):
        VideoReview.objects.create(
            patient=patient, file=f"reviews/{n}.mp4", original_name=f"{n}.mp4", size=1
        )


def claim(go: Path) -> None:
    VideoReview.objects.exists()  # connect to the database before the race
    go.with_name(f"ready-{os.getpid()}").touch()
    while not go.exists():
        time.sleep(0.005)
    claimed = []
    while (taken := jobs.claim_next(f"racer:{os.getpid()}")) is not None:
        claimed.append(taken[0])
    print(json.dumps(claimed))


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        claim(Path(sys.argv[2]))
