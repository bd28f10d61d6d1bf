"""manage.py run_worker: the background worker (django-tasks' db_worker), started again
whenever it dies, and the PDFs it leaves behind settled so that no page waits for ever.

Beside it, every --catch-up seconds, the indicator grids (the dashboard's reach among them)
are saved caught up with the records (results_catch_up): readers never write, so this is
where they are kept in step; and submissions left waiting (their worker died while applying
them) are handed to the worker again.

`make run` starts it beside the web server; in production a systemd unit runs it (README)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string

from tonle.collect.services import apply_queue_sweep
from tonle.reports.services import render_jobs_recover
from tonle.results.services import results_catch_up

logger = logging.getLogger("tonle.reports.worker")

# A worker that ran this long before it died is started again at once; one that dies sooner
# waits twice as long each time (1 s, 2 s, 4 s ... up to --max-backoff), so a worker that
# cannot start (database gone, bad settings) does not spin.
HEALTHY_RUN = 60.0


class Command(BaseCommand):
    help = "Run the background worker, start it again if it dies, and settle the PDFs it lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0,
            help="Seconds the worker waits between looks for work (default: 1).",
        )  # fmt: skip
        parser.add_argument(
            "--sweep", type=float, default=30.0,
            help="Seconds between looks for PDFs no worker will finish (default: 30).",
        )  # fmt: skip
        parser.add_argument(
            "--catch-up", type=float, default=5.0,
            help="Seconds between catch-ups of the reach figures and indicator grids (default: 5).",
        )  # fmt: skip
        parser.add_argument(
            "--max-backoff", type=float, default=60.0,
            help="Longest wait, in seconds, before a worker that keeps dying is started again.",
        )  # fmt: skip
        parser.add_argument(
            "--nice", type=int, default=10,
            help="How much lower than the web server's the background work's CPU priority is "
            "(default: 10; 0 for the same).",
        )  # fmt: skip

    def handle(
        self,
        *,
        interval: float,
        sweep: float,
        catch_up: float,
        max_backoff: float,
        nice: int,
        **_: Any,
    ) -> None:
        # On a server of two cores a PDF takes one whole: it waits for the officers ticking
        # attendance, not they for it. The worker started below inherits the priority.
        os.nice(nice)
        _Supervisor(
            interval=interval, sweep=sweep, max_backoff=max_backoff, say=self.stdout.write
        ).run(catch_up=catch_up)


class _Supervisor:
    def __init__(self, *, interval: float, sweep: float, max_backoff: float, say: Any) -> None:
        self.interval, self.sweep, self.max_backoff, self.say = interval, sweep, max_backoff, say
        self.stopping = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None

    def stop(self, signum: int, _frame: FrameType | None) -> None:
        """Stop with the server: the worker is asked, once, to finish its task and stop.
        (Ctrl+C under `make run` reaches this process twice, from the terminal and from the
        Makefile's trap; passed on twice, db_worker would kill the PDF half-way.)"""
        self.say(f"run_worker: {signal.strsignal(signum)}, stopping the worker")
        if self.stopping.is_set():
            return
        self.stopping.set()
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)

    def run(self, *, catch_up: float = 5.0) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        catching_up = threading.Thread(
            target=self.catch_up, args=(catch_up,), name="results-catch-up", daemon=True
        )
        catching_up.start()
        self.recover(dead=())  # what a worker of an earlier run left behind
        backoff = 0.5  # the first restart comes after a second
        while not self.stopping.is_set():
            worker_id = get_random_string(32)
            started = time.monotonic()
            # Its own session: Ctrl+C in the terminal reaches this supervisor only, which
            # passes one gentle SIGTERM on, instead of two signals that kill the task.
            self.child = subprocess.Popen(
                [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "db_worker",
                 "--interval", str(self.interval), "--no-reload", "--no-startup-delay",
                 "--worker-id", worker_id],
                start_new_session=True,
            )  # fmt: skip
            self.say(f"run_worker: worker {worker_id} started (process {self.child.pid})")
            code = self.watch(self.child)
            if self.stopping.is_set():
                break
            ran = time.monotonic() - started
            backoff = 0.5 if ran >= HEALTHY_RUN else min(backoff * 2, self.max_backoff)
            logger.error(
                "The background worker %s stopped (exit code %s) after %.0f s; starting it "
                "again in %.0f s", worker_id, code, ran, backoff,
            )  # fmt: skip
            self.recover(dead=(worker_id,))
            self.stopping.wait(backoff)
        catching_up.join()
        self.say("run_worker: stopped")

    def catch_up(self, every: float) -> None:
        """Keep the precomputed figures in step with the records until the worker stops."""
        try:
            while not self.stopping.wait(every):
                close_old_connections()
                try:
                    results_catch_up()
                except Exception:  # the database may be briefly locked or down: next time
                    logger.exception("Could not catch the reach figures and grids up")
                try:
                    apply_queue_sweep()
                except Exception:
                    logger.exception("Could not look for submissions waiting to be applied")
        finally:
            connections.close_all()  # this thread's own connections

    def watch(self, child: subprocess.Popen[bytes]) -> int:
        """Wait for the worker to exit, looking for stalled PDFs every --sweep seconds."""
        while True:
            try:
                return child.wait(timeout=self.sweep)
            except subprocess.TimeoutExpired:
                pass
            self.recover(dead=())

    def recover(self, *, dead: tuple[str, ...]) -> None:
        close_old_connections()
        try:
            settled = render_jobs_recover(dead_worker_ids=dead)
        except Exception:  # the database may be briefly locked or down: try at the next sweep
            logger.exception("Could not settle the PDFs left by a dead worker")
            return
        if any(settled.values()):
            self.say(
                f"run_worker: PDFs queued again: {settled['requeued']}, failed: {settled['failed']}"
            )
