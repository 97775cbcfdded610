"""Fixtures for every test of the suite (``src/`` and ``tests/``)."""

import pytest


@pytest.fixture(autouse=True)
def _forget_process_memos():
    """What a process keeps in memory a few seconds (the vote endpoints' step settings, the
    organisation with Redis) belongs to one test: each test starts without it."""
    from palabre.components.selection import views as selection_views
    from palabre.core import selectors

    selection_views.action_memo_clear()
    selectors.organisation_memo_clear()
    yield


@pytest.fixture
def clock(monkeypatch):
    """The rate limits' clock (``palabre.core.ratelimit.now``), stopped at the start of a
    period (a multiple of 60 s: the start of a minute) and moved by setting ``clock.now``. The
    live server of browser tests runs in the test's process: it reads this clock too."""
    from palabre.core import ratelimit

    class Clock:
        now = 1_800_000_000.0

    monkeypatch.setattr(ratelimit, "now", lambda: Clock.now)
    return Clock
