"""run_worker keeps the dashboard's figures in step: readers never write, so it must."""

from __future__ import annotations

import threading

from tonle.reports.management.commands import run_worker


def test_the_worker_catches_the_figures_up_again_and_again_even_after_a_failure(monkeypatch):
    supervisor = run_worker._Supervisor(interval=1, sweep=30, max_backoff=60, say=print)
    rounds = []

    def catch_up() -> dict[str, int]:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("database is locked")  # logged; the next round comes anyway
        if len(rounds) == 3:
            supervisor.stopping.set()
        return {"projects": 0, "grids": 0}

    monkeypatch.setattr(run_worker, "results_catch_up", catch_up)
    # In a thread of its own, as run_worker runs it beside the worker it watches.
    thread = threading.Thread(target=supervisor.catch_up, args=(0.01,))
    thread.start()
    thread.join(timeout=10)
    assert rounds == [0, 1, 2] and not thread.is_alive()
