"""Real concurrency on PostgreSQL: participants write on one opinion at the same instant.

A parent's cached counters are recounted from the rows by every write (``recount_parents``).
Under READ COMMITTED, a transaction does not see rows that others have not committed yet: two
arguments posted at once each counted one, and the counter said 1 for 2 rows, unless the
parent row is locked before counting. On SQLite (one writer at a time) these tests are
skipped: .ci/run runs the whole suite again on PostgreSQL, where they run.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from palabre.components.consultation import services
from palabre.components.consultation.models import Argument, Opinion, Section, Source, Version

from .conftest import OpinionFactory, SectionFactory, verified_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrency needs PostgreSQL (SQLite serialises writers)",
    ),
]

THREADS = 12


def run_at_once(jobs) -> list[str]:
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = [""] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            job()
            outcomes[index] = "ok"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = f"error: {exc!r}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


ROUNDS = 4  # a lost count needs an unlucky interleaving: give it several chances


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_simultaneous_contributions_are_all_counted(round_):
    section = SectionFactory()
    opinion = OpinionFactory(section=section)
    users = [verified_user() for _ in range(THREADS)]

    def job(i, user):
        parent = Opinion.objects.select_related("section__consultation__step").get(pk=opinion.pk)
        section_ = Section.objects.select_related("consultation__step").get(pk=section.pk)
        return [
            lambda: services.argument_create(author=user, parent=parent, kind="for", body="Oui"),
            lambda: services.source_create(
                author=user, parent=parent, title="S", link="https://a.fr", category="law"
            ),
            lambda: services.version_create(author=user, opinion=parent, title="V", body="B"),
            lambda: services.opinion_create(author=user, section=section_, title="T", body="B"),
        ][i % 4]()

    outcomes = run_at_once([lambda i=i, u=u: job(i, u) for i, u in enumerate(users)])
    assert outcomes == ["ok"] * THREADS
    opinion.refresh_from_db()
    assert opinion.arguments_for_count == Argument.objects.count() == THREADS // 4
    assert opinion.sources_count == Source.objects.count() == THREADS // 4
    assert opinion.versions_count == Version.objects.count() == THREADS // 4
    assert Section.objects.get(pk=section.pk).opinions_count == 1 + THREADS // 4
    assert services.counters_recompute(fix=False) == []
