"""manage.py newsletter_bounces MBOX: the subscribers whose mail came back undeliverable get
no more newsletters."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tonle.public.bounces import bounces_in
from tonle.public.services import subscriber_bounced


class Command(BaseCommand):
    help = (
        "Read the bounces (delivery reports) in a mailbox file and stop sending to the "
        "addresses that failed for good (status 5.x.x); a temporary failure is left alone."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("mbox", type=Path, help="the mbox file the bounces are delivered to")

    def handle(self, *args: object, mbox: Path, **options: object) -> None:
        if not mbox.is_file():
            raise CommandError(f"No mailbox file at {mbox}.")
        stopped = sum(
            subscriber_bounced(email=email, reason=reason) for email, reason in bounces_in(mbox)
        )
        self.stdout.write(f"{stopped} subscriber(s) marked bounced.")
