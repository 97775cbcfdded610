"""The selection demo (``load_demo``'s hook): an open budget vote and a closed one, idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from palabre.components.selection import selectors, services
from palabre.components.selection.models import Ballot, Selection, SelectionProposal, Vote

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo", "--password", "test-demo-password", stdout=out)
    return out.getvalue()


def test_demo_has_an_open_and_a_closed_budget_vote_and_reruns_create_nothing():
    report = load()
    assert "Budget participatif 2026" in report
    open_ = Selection.objects.get(step__project__slug="budget-participatif-2026")
    closed = Selection.objects.get(step__project__slug="budget-participatif-2025")
    assert open_.step.is_open and open_.votes_max == 5 and open_.budget == 1_000_000
    assert closed.step.status == "closed"
    assert open_.entries.count() == 20  # the admissible ones
    assert Vote.objects.filter(ballot__selection=closed).count() > 20
    results = selectors.results(closed)
    assert results.funded_count > 0 and 0 < results.budget_spent <= 1_000_000
    counts = (Ballot.objects.count(), Vote.objects.count(), SelectionProposal.objects.count())
    load()
    assert (
        Ballot.objects.count(),
        Vote.objects.count(),
        SelectionProposal.objects.count(),
    ) == counts
    assert services.counters_recompute(fix=False) == []
    client = Client()
    assert client.get(closed.step.get_absolute_url()).status_code == 200
    response = client.get(
        reverse("selection:results", args=[closed.step.project.slug, closed.step.slug])
    )
    assert response.status_code == 200 and "Financé" in response.content.decode()
    response = client.get(
        reverse("selection:results", args=[open_.step.project.slug, open_.step.slug])
    )
    assert response.status_code == 200 and "results-table" not in response.content.decode()
