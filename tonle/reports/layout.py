"""A PDF laid out in a process of its own, at idle CPU priority: on a server of two cores the
minute of WeasyPrint's layout runs on what the web server leaves, and the process holds no
database connection nor lock that an officer's tick could wait on."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from tonle.reports.services import report_document

# Forked, so that it starts at once with Tonle and WeasyPrint already loaded.
_FORK = multiprocessing.get_context("fork")
_PR_SET_PDEATHSIG = 1


class LayoutFailed(Exception):
    """The layout process failed (its traceback is the message) or stopped without a PDF."""


def pdf_laid_out_apart(
    *, html: str, media: dict[str, str], laid_out: Callable[[int], None]
) -> tuple[bytes, int]:
    """The PDF of the print page and its number of pages; `laid_out(pages)` is called once its
    pages are laid out and before it is written."""
    receiving, sending = _FORK.Pipe(duplex=False)
    process = _FORK.Process(target=_lay_out, args=(html, media, sending), daemon=True)
    process.start()
    sending.close()
    try:
        pages = _received(receiving, "pages")
        laid_out(pages)
        return _received(receiving, "pdf"), pages
    finally:
        receiving.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


def _received(receiving: Connection, wanted: str) -> Any:
    try:
        kind, value = receiving.recv()
    except EOFError:
        raise LayoutFailed("the layout process stopped before it was done") from None
    if kind != wanted:
        raise LayoutFailed(value)
    return value


def _lay_out(html: str, media: dict[str, str], sending: Connection) -> None:
    """In the child: idle priority, gone with its parent, and never the parent's database
    connections (it reads only the report's photos, from storage)."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)
    # A worker killed mid-PDF takes its layout with it instead of leaving it running.
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        document = report_document(html=html, media=media)
        sending.send(("pages", len(document.pages)))
        sending.send(("pdf", document.write_pdf()))
    except BaseException:
        sending.send(("error", traceback.format_exc()))
    finally:
        sending.close()
