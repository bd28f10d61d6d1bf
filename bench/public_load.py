"""Load test of the public site: 200 readers at once on gunicorn, on SQLite and PostgreSQL.

For each database, in a database of its own made fresh for the run (SQLite in
`bench/out/public-sqlite/`, PostgreSQL `tonle_public_load`, dropped at the end unless
`--keep`): migrate and load the demo (its public site: posts, the closing report published,
the impact page). Then, over loopback, `--readers` anonymous readers each open, for
`--seconds`, the home page, a post (the published closing report, the heaviest) and the
project's impact page in turn, with `--think` seconds between two pages, on gunicorn as
`make run` serves it (`--workers` x `--threads`):

1. as Tonle runs: the public pages read from the page cache (FileBasedCache in the var
   folder, shared by the workers);
2. the baseline, in the same process on the same data: the same pages with the cache off
   (TONLE_PUBLIC_CACHE=0), each built from the records on every view.

Prints per page and per run the count, p50/p95/p99 and errors (any answer but 200, any
connection error), and the ratio of the baseline's p95 to the cached one. Target: p95 under
200 ms and 0 errors, cached. Exit 1 when missed. Results in `bench/out/public-load-result-<db>.json`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    CHILD_ENV,
    PG_SERVER,
    RESULT_ENV,
    ROOT,
    free_port,
    fresh_database,
    gunicorn_command,
    load_test_children,
    log,
    percentile,
    pg_drop,
    process_start,
    process_stop,
    server_wait_healthy,
)

PG_DATABASE = "tonle_public_load"
PROJECT = "ccdo-elc"
TARGET_P95_MS = 200.0
RUNS = {"cached": "1", "uncached (baseline)": "0"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each run")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a reader spends on a page before the next")  # fmt: skip
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (make run: 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads each (make run: 4)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--pg-server", default=PG_SERVER, help="PostgreSQL URL without database")
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        return _child(args, os.environ[CHILD_ENV])
    return _parent(args)


def _parent(args: argparse.Namespace) -> int:
    results, code = load_test_children(
        args, script=__file__, name="public-load", pg_database=PG_DATABASE
    )
    for result in results:
        _print(result)
    return code


def _print(result: dict[str, Any]) -> None:
    a = result["args"]
    print(f"\n{result['db']}: {a['readers']} readers, {a['seconds']:.0f} s a run, think "
          f"{a['think']} s, gunicorn {a['workers']} workers x {a['threads']} threads")  # fmt: skip
    print(f"  {'run':<21}{'page':<8}{'count':>7}{'rps':>7}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'errors':>8}   (ms)")  # fmt: skip
    for run, pages in result["runs"].items():
        for page, s in pages.items():
            print(f"  {run:<21}{page:<8}{s['count']:>7}{s['rps']:>7.1f}{s['p50']:>8.1f}"
                  f"{s['p95']:>8.1f}{s['p99']:>8.1f}{s['errors']:>8}")  # fmt: skip
    cached, base = result["runs"]["cached"]["all"], result["runs"]["uncached (baseline)"]["all"]
    ratio = base["p95"] / cached["p95"] if cached["p95"] else float("inf")
    print(f"  p95 cached {cached['p95']:.1f} ms (target {TARGET_P95_MS:.0f} ms), errors "
          f"{cached['errors']}; baseline (uncached) p95 {base['p95']:.1f} ms: "
          f"{ratio:.1f} x the cached one")  # fmt: skip
    for line in result["server_errors"]:
        print(f"  server log: {line}")
    print(f"  {'PASS' if result['passed'] else 'FAIL'}  ({', '.join(result['verdicts']) or 'met'})")


def _child(args: argparse.Namespace, db: str) -> int:
    var = Path(os.environ["TONLE_VAR_DIR"])
    started = time.perf_counter()
    fresh_database(db, var)
    pages = _prepare()
    log(f"database ready in {time.perf_counter() - started:.0f} s; pages {pages}")
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(50), "LOG_LEVEL": "WARNING"}
    for name in ("DEBUG", CHILD_ENV, RESULT_ENV):
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                   env=env, cwd=ROOT, check=True)  # fmt: skip
    runs, logs = {}, []
    for run, cache in RUNS.items():
        port = free_port()
        server_log = var / f"gunicorn-{'cached' if cache == '1' else 'uncached'}.log"
        logs.append(server_log)
        server = process_start(gunicorn_command(port, args.workers, args.threads),
                               {**env, "TONLE_PUBLIC_CACHE": cache}, server_log)  # fmt: skip
        try:
            server_wait_healthy(port)
            for path in pages.values():  # each page built once, as after an edit
                _get(port, path)
            log(f"{run}: {args.readers} readers for {args.seconds:.0f} s")
            runs[run] = _summary(_load(args, port, pages), args.seconds)
        finally:
            process_stop(server)
    result = _result(args, db, runs, logs)
    Path(os.environ[RESULT_ENV]).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if db == "postgres" and not args.keep:
        from django.db import connection

        connection.close()
        pg_drop(os.environ["DATABASE_URL"])
    return 0 if result["passed"] else 1


def _prepare() -> dict[str, str]:
    from django.core.management import call_command
    from django.db import connection

    from tonle.public.models import Post

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", verbosity=0)
    report = Post.objects.get(issued_report__isnull=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()  # the server has the database to itself
    return {"home": "/", "post": f"/news/{report.slug}/", "impact": f"/impact/{PROJECT}/"}


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status


@dataclass
class Record:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)


def _reader(port: int, pages: dict[str, str], record: Record, n: int, args: argparse.Namespace,
            start: threading.Barrier, until: list[float]) -> None:  # fmt: skip
    rng = random.Random(n)
    order = list(pages.items())
    rng.shuffle(order)
    start.wait()
    k = 0
    while time.monotonic() < until[0]:
        page, path = order[k % len(order)]
        k += 1
        begun = time.perf_counter()
        # A new connection for each page, as a reader's browser after a pause of a second or
        # more (gunicorn closes an idle keep-alive connection after 2 s).
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", path, headers={"Accept-Language": rng.choice(["en", "km"])})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            record.errors[page] += 1
            record.samples.append(f"{path}: {type(error).__name__}: {error}")
            continue
        finally:
            conn.close()
        record.times[page].append((time.perf_counter() - begun) * 1000)
        if response.status != 200:
            record.errors[page] += 1
            record.samples.append(f"{path}: {response.status}")
        if args.think > 0:
            time.sleep(rng.uniform(0.5, 1.5) * args.think)


def _load(args: argparse.Namespace, port: int, pages: dict[str, str]) -> Record:
    record = Record()
    until = [0.0]

    def open_window() -> None:
        until[0] = time.monotonic() + args.seconds

    start = threading.Barrier(args.readers, action=open_window)
    threads = [
        threading.Thread(target=_reader, args=(port, pages, record, n, args, start, until))
        for n in range(args.readers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return record


def _stats(times: list[float], errors: int, seconds: float) -> dict[str, Any]:
    return {"count": len(times), "rps": len(times) / seconds, "p50": percentile(times, 0.5),
            "p95": percentile(times, 0.95), "p99": percentile(times, 0.99), "errors": errors}  # fmt: skip


def _summary(record: Record, seconds: float) -> dict[str, Any]:
    pages = {page: _stats(times, record.errors[page], seconds)
             for page, times in record.times.items()}  # fmt: skip
    every = [t for times in record.times.values() for t in times]
    pages["all"] = _stats(every, sum(record.errors.values()), seconds)
    pages["all"]["samples"] = record.samples[:5]
    return pages


def _server_errors(*logs: Path) -> list[str]:
    found = []
    for path in logs:
        for line in path.read_text(errors="replace").splitlines():
            if "Traceback" in line or "[ERROR]" in line or "database is locked" in line:
                found.append(f"{path.name}: {line.strip()[:160]}")
    return found[:10]


def _result(args: argparse.Namespace, db: str, runs: dict[str, Any],
            logs: list[Path]) -> dict[str, Any]:  # fmt: skip
    cached = runs["cached"]["all"]
    verdicts = []
    if cached["errors"]:
        verdicts.append(f"{cached['errors']} errors")
    if not cached["p95"] < TARGET_P95_MS:
        verdicts.append(f"p95 {cached['p95']:.0f} ms")
    server_errors = _server_errors(*logs)
    if server_errors:
        verdicts.append(f"{len(server_errors)} errors in the server's logs")
    return {"db": db, "args": vars(args), "runs": runs, "server_errors": server_errors,
            "verdicts": verdicts, "passed": not verdicts}  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
