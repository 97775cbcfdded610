"""The consultation's demo (``load_demo``'s hook): idempotent, consistent, and it renders."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from palabre.components.consultation import demo, permissions, services
from palabre.components.consultation.models import (
    Argument,
    ArgumentVote,
    Consultation,
    Opinion,
    OpinionVote,
    Section,
    Source,
    SourceVote,
    Version,
    VersionVote,
)
from palabre.core.models import ActionLog, User

MODELS = (
    Consultation,
    Section,
    Opinion,
    Version,
    Argument,
    Source,
    OpinionVote,
    VersionVote,
    ArgumentVote,
    SourceVote,
)


def load() -> None:
    call_command("load_demo", "--password", "test-demo-password", stdout=StringIO())


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_demo_consultation_is_idempotent_consistent_and_renders(client):
    day = timezone.localdate()
    load()
    first = counts()
    logs = ActionLog.objects.count()
    assert first["Consultation"] == 2
    assert first["Opinion"] >= 30
    assert first["Version"] >= 10
    assert first["Argument"] >= 60
    assert first["Source"] >= 10
    assert sum(first[m.__name__] for m in MODELS[6:]) >= 2000  # votes

    load()
    assert counts() == first
    if timezone.localdate() == day:  # step dates follow the day: a rerun then logs nothing
        assert ActionLog.objects.count() == logs
    assert services.counters_recompute(fix=False) == []

    opened = Consultation.objects.get(step__slug=demo.OPEN_STEP)
    closed = Consultation.objects.get(step__slug=demo.CLOSED_STEP)
    assert opened.step.is_open and closed.step.status == "closed"
    titre = opened.sections.get(slug="titre-1-une-ville-ouverte")
    assert titre.opinions.count() >= 10 and titre.authors == Section.Authors.ORGANISERS
    proposals = opened.sections.get(slug=demo.PROPOSALS_SLUG)
    assert proposals.opinions.exclude(author__role=User.Role.PARTICIPANT).count() == 0
    participant = User.objects.get(username="camille.martin")
    assert permissions.vote(participant, titre)
    assert not permissions.vote(participant, closed.sections.get())

    article = titre.opinions.get(title__startswith="Article 1 ")
    version = article.versions.order_by("id").first()
    assert version.body != article.body
    urls = [
        opened.step.get_absolute_url(),
        closed.step.get_absolute_url(),
        titre.get_absolute_url(),
        titre.get_absolute_url() + "?sort=votes",
        proposals.get_absolute_url(),
        closed.sections.get().get_absolute_url(),
        article.get_absolute_url(),
        version.get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "<del>" in client.get(version.get_absolute_url()).content.decode()
