"""Votes per participant and period (``VOTE_RATE_LIMIT``) on opinions, amendments, arguments
and sources: one count for every kind of vote, refused with HTTP 429 and the reason."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from palabre.components.consultation import services
from palabre.components.consultation.models import ArgumentVote, OpinionVote, SourceVote

from .conftest import ArgumentFactory, SourceFactory

pytestmark = pytest.mark.django_db

REFUSED = "Vous avez voté de nombreuses fois en peu de temps"


def _url(name, opinion, *args):
    step = opinion.section.consultation.step
    return reverse(f"consultation:{name}", args=[step.project.slug, step.slug, *args])


@override_settings(VOTE_RATE_LIMIT=(4, 60))
def test_every_kind_of_vote_counts_and_is_refused_over_the_limit(
    client, opinion, participant, clock
):
    version = services.version_create(author=participant, opinion=opinion, title="V", body="B")
    argument = ArgumentFactory(opinion=opinion)
    source = SourceFactory(opinion=opinion)
    client.force_login(participant)
    opinion_url = _url("opinion_vote", opinion, opinion.pk)
    assert client.post(opinion_url, {"value": "ok"}).status_code == 302
    assert client.post(_url("version_vote", opinion, opinion.pk, version.pk), {"value": "ok"})
    assert client.post(_url("argument_vote", opinion, argument.pk), {"on": "1"}).status_code == 302
    assert client.post(_url("source_vote", opinion, source.pk), {"on": "1"}).status_code == 302

    for url, data in [
        (opinion_url, {"value": "nok"}),
        (_url("version_vote", opinion, opinion.pk, version.pk), {"value": "nok"}),
        (_url("argument_vote", opinion, argument.pk), {"on": "0"}),
        (_url("source_vote", opinion, source.pk), {"on": "0"}),
    ]:
        refused = client.post(url, data)
        assert refused.status_code == 429
        html = refused.content.decode()
        assert REFUSED in html and "data-refusal" in html
        assert 'href="' + opinion.get_absolute_url() in html  # back to the text
    # Nothing changed by the refused posts.
    assert OpinionVote.objects.get().value == "ok"
    assert ArgumentVote.objects.count() == 1 and SourceVote.objects.count() == 1

    clock.now += 60
    assert client.post(opinion_url, {"value": "nok"}).status_code == 302
    assert OpinionVote.objects.get().value == "nok"


@override_settings(VOTE_RATE_LIMIT=None)
def test_no_limit_when_off(client, opinion, participant, clock):
    client.force_login(participant)
    url = _url("opinion_vote", opinion, opinion.pk)
    for i in range(100):
        assert client.post(url, {"value": "ok" if i % 2 else "nok"}).status_code == 302
