"""A PDF is laid out in a process of its own at idle CPU priority, and what fails there is told."""

import os

import pytest

from tonle.reports import layout
from tonle.reports.layout import LayoutFailed, pdf_laid_out_apart


def test_the_pdf_is_laid_out_apart_and_its_pages_told_before_it_is_written():
    told = []
    pdf, pages = pdf_laid_out_apart(
        html="<p>ស្ត្រី និងក្មេងស្រី ២,៨១៤ នាក់</p>", media={}, laid_out=told.append
    )
    assert pdf.startswith(b"%PDF") and told == [pages] == [1]


def test_the_layout_runs_at_idle_priority_and_its_failure_is_told_with_its_reason(monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError(f"laid out under policy {os.sched_getscheduler(0)} in {os.getpid()}")

    monkeypatch.setattr(layout, "report_document", broken)  # the fork takes it along
    with pytest.raises(LayoutFailed) as failed:
        pdf_laid_out_apart(html="<p>x</p>", media={}, laid_out=lambda pages: None)
    assert f"laid out under policy {os.SCHED_IDLE} in " in str(failed.value)
    assert f" in {os.getpid()}" not in str(failed.value)  # not in the worker's own process
