"""Enqueue due periodic jobs in a loop, next to `wenming db_worker` (no cron needed)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from wenming.core.schedule import autodiscover, registered_jobs, run_due_jobs


class Command(BaseCommand):
    help = "Run the periodic-job scheduler: every --interval seconds enqueue the jobs whose slot is due."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=20.0, help="seconds between ticks (default 20)")
        parser.add_argument("--once", action="store_true", help="run one tick and exit")

    def handle(self, *args, interval: float, once: bool, **options):
        autodiscover()
        jobs = registered_jobs()
        self.stdout.write(f"scheduler: {len(jobs)} periodic job(s): " + ", ".join(j.name for j in jobs))
        if once:
            # One tick in the caller's connection (a cron line, a test): it is left as it was, like any other
            # command's, so a caller inside a transaction keeps its connection.
            self.tick()
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while True:
            # Between ticks, like between requests: drop a connection that broke or outlived CONN_MAX_AGE.
            close_old_connections()
            try:
                self.tick()
            except Exception as exc:  # noqa: BLE001 - a locked or lost database must not kill the loop
                self.stderr.write(f"scheduler tick failed: {exc.__class__.__name__}: {exc}")
            if stop.wait(max(interval, 1.0)):
                break
        close_old_connections()

    def tick(self) -> None:
        for name in run_due_jobs():
            self.stdout.write(f"enqueued {name}")
