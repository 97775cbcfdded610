"""The collect demo (``load_demo``'s hook): idempotent, pinned across districts, and it renders."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from palabre.components.collect import demo
from palabre.components.collect.models import Collect, Proposal
from palabre.core.models import ActionLog
from palabre.participation.models import Comment, Follow


def load() -> None:
    call_command("load_demo", "--password", "test-demo-password", stdout=StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Collect, Proposal, Comment, Follow)}


@pytest.mark.django_db
def test_demo_collect_is_idempotent_pinned_and_renders(client):
    load()
    first = counts()
    logs = ActionLog.objects.count()
    budget = Collect.objects.get(step__project__slug=demo.BUDGET_SLUG)
    assert budget.proposals.count() >= 200
    pinned = budget.proposals.exclude(latitude=None)
    assert pinned.count() == budget.proposals.count()
    assert pinned.values("district").distinct().count() == 6
    assert budget.proposals.exclude(status=None).count() >= 30
    ideas = Collect.objects.get(step__project__slug=demo.IDEAS_SLUG)
    assert ideas.proposals.exclude(theme=None).count() == ideas.proposals.count() >= 20
    assert first["Comment"] >= 50 and first["Follow"] >= 50

    load()
    assert counts() == first, "a rerun duplicates nothing"
    assert ActionLog.objects.count() == logs

    step = budget.step
    assert client.get(step.get_absolute_url()).status_code == 200
    data = client.get(reverse("collect:map_data", args=[step.project.slug, step.slug])).json()
    assert data["count"] == budget.proposals.filter(published=True).count()
    proposal = budget.proposals.exclude(official_answer="").first()
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Réponse officielle" in html
