"""`manage.py run_review_worker`: the database-backed review worker as its own process."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from hipcoach.reviews.worker import Worker


class Command(BaseCommand):
    help = "Analyse queued video reviews (HIPCOACH_TASK_QUEUE=worker, or to drain a queue)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="run what is queued now, then exit")
        parser.add_argument("--poll", type=float, default=None, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(poll_s=options["poll"])
        if options["once"]:
            count = worker.run_once(wait=True)
            self.stdout.write(f"{count} video review(s) analysed")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"video review worker {worker.name}: waiting for jobs")
        worker.serve(stop)
