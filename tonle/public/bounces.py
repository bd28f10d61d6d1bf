"""Reading bounces: the delivery reports (RFC 3464) a mail server sends back for a message it
could not deliver, as they land in a mailbox file."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from email.message import Message
from pathlib import Path


def _reports(message: Message) -> Iterator[tuple[str, str]]:
    """(recipient, reason) of each permanent failure a bounce reports."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        # Its payload is a list of header blocks: one for the message, one per recipient.
        for block in part.get_payload() or []:
            recipient = str(block.get("Final-Recipient", "")).split(";")[-1].strip()
            status = str(block.get("Status", "")).strip()
            if recipient and status.startswith("5"):
                reason = str(block.get("Diagnostic-Code", "")).split(";", 1)[-1].strip()
                yield recipient, f"{status} {reason}".strip()
    failed = message.get("X-Failed-Recipients")
    if failed:
        for recipient in str(failed).split(","):
            yield recipient.strip(), str(message.get("Subject", "bounced"))


def bounces_in(path: Path) -> Iterator[tuple[str, str]]:
    """Every permanent failure reported in an mbox file (e.g. /var/mail/tonle-bounces)."""
    box = mailbox.mbox(path, create=False)
    try:
        for message in box:
            yield from _reports(message)
    finally:
        box.close()
