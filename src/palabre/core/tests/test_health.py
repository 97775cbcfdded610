"""``/healthz`` under a flood: probes that arrive together share one database check."""

from __future__ import annotations

import threading
import time

from palabre.core import health


def _flood(n: int) -> list[bool]:
    barrier = threading.Barrier(n)
    answers: list[bool] = [False] * n

    def ask(i):
        barrier.wait(timeout=10)
        answers[i] = health.shared_check()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return answers


def _slow_check(answer: bool, calls: list[int], running: list[int]):
    lock = threading.Lock()

    def check() -> bool:
        with lock:
            running.append(running[-1] + 1 if running else 1)
            calls.append(1)
        time.sleep(0.3)
        with lock:
            running.append(running[-1] - 1)
        return answer

    return check


def test_simultaneous_probes_open_one_connection_at_a_time(monkeypatch):
    calls, running = [], []
    monkeypatch.setattr(health, "database_answers", _slow_check(True, calls, running))

    answers = _flood(12)

    assert answers == [True] * 12
    assert max(running) == 1, "two database checks ran at once"
    assert len(calls) < 12, "every probe opened its own connection"


def test_probes_waiting_on_a_failing_check_are_told_it_failed(monkeypatch):
    calls, running = [], []
    monkeypatch.setattr(health, "database_answers", _slow_check(False, calls, running))

    assert _flood(6) == [False] * 6
    assert max(running) == 1


def test_a_new_check_runs_once_the_previous_one_ended(monkeypatch):
    answers = iter([False, True])
    monkeypatch.setattr(health, "database_answers", lambda: next(answers))

    assert health.shared_check() is False
    assert health.shared_check() is True  # no stale answer kept


def test_a_missing_sqlite_database_is_unhealthy_and_not_created(tmp_path):
    missing = tmp_path / "gone.sqlite3"
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(missing)}
    assert health.database_answers(database) is False
    assert not missing.exists()


def test_an_existing_sqlite_database_answers(tmp_path):
    import sqlite3

    path = tmp_path / "palabre.sqlite3"
    sqlite3.connect(path).close()
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    assert health.database_answers(database) is True
