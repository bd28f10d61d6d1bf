"""Measure the demo closing report as a PDF in Khmer (2,814-row annex) against WeasyPrint alone.

In one process, on the demo database (`make run` or `make demo` builds it; this script loads
the demo itself when it is missing):
- ours: the background task the page queues (`tonle.reports.tasks.render_pdf`), from the
  records to the stored PDF: figures, sections, annexes, HTML, layout, PDF;
- the baseline: WeasyPrint rendering the same report saved as a static HTML file.
The gap is Tonle's overhead (target: under 20 % of the baseline). Also: the PDF under 30 s
and the process under 1 GB, with the page count.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30.0
TARGET_OVERHEAD = 0.20
TARGET_MEMORY_MB = 1024.0


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tonle.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="km", choices=["km", "en"])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    args = parser.parse_args()
    _setup()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from weasyprint import HTML

    from tonle.reports.models import RenderJob, ReportTemplate
    from tonle.reports.rendering import report_render
    from tonle.reports.services import LocalFiles, report_html
    from tonle.reports.tasks import render_pdf

    call_command("migrate", verbosity=0, interactive=False)
    template = ReportTemplate.objects.filter(slug="closing-2023").first()
    if template is None:
        call_command("load_demo", verbosity=0)
        template = ReportTemplate.objects.get(slug="closing-2023")
    user = get_user_model().objects.filter(username="manager").first()

    report = report_render(template=template, language=args.lang, names=False)
    annex = len(report.people)
    static = Path(tempfile.mkdtemp()) / f"closing-{args.lang}.html"
    static.write_text(report_html(report=report), encoding="utf-8")

    def baseline() -> int:
        document = HTML(filename=str(static), url_fetcher=LocalFiles()).render()
        document.write_pdf()
        return len(document.pages)

    def ours() -> int:
        job = RenderJob.objects.create(template=template, language=args.lang, requested_by=user)
        pages = render_pdf.call(job.pk)
        job.pdf.delete(save=False)
        job.delete()
        return pages

    times: dict[str, list[float]] = {"baseline": [], "ours": []}
    pages: dict[str, int] = {}
    for _ in range(args.repeat):
        for name, run in (("baseline", baseline), ("ours", ours)):
            started = time.perf_counter()
            pages[name] = run()
            times[name].append(time.perf_counter() - started)
            print(f"  {name:<8} {times[name][-1]:6.2f} s", flush=True)
    base, mine = statistics.median(times["baseline"]), statistics.median(times["ours"])
    overhead = (mine - base) / base
    peak = _peak_mb()

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    print(f"\nTonle report PDF benchmark: the demo closing report in {args.lang}, "
          f"{annex:,}-row annex of participants, {args.repeat} runs each (median)")  # fmt: skip
    print(f"baseline  weasyprint-static  {base:6.2f} s  {pages['baseline']} pages  "
          "(the same report saved as HTML, WeasyPrint alone)")  # fmt: skip
    print(f"ours      render_pdf task    {mine:6.2f} s  {pages['ours']} pages  target "
          f"{TARGET_SECONDS:.0f} s  ratio {mine / TARGET_SECONDS:.2f}  {verdict(mine < TARGET_SECONDS)}")  # fmt: skip
    print(f"overhead  ours vs baseline   {overhead:+6.1%}           target "
          f"{TARGET_OVERHEAD:.0%}  ratio {max(overhead, 0) / TARGET_OVERHEAD:.2f}  "
          f"{verdict(overhead < TARGET_OVERHEAD)}")  # fmt: skip
    print(f"memory    peak RSS           {peak:6.0f} MB           target "
          f"{TARGET_MEMORY_MB:.0f} MB  ratio {peak / TARGET_MEMORY_MB:.2f}  "
          f"{verdict(peak < TARGET_MEMORY_MB)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
