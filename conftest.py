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
