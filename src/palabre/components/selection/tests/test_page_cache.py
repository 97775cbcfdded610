"""Anonymous visitors get the vote's public pages from the page cache; voters never do."""

from __future__ import annotations

import pytest

from palabre.components.selection import services
from palabre.components.selection.models import ResultsVisibility, selection_url

from .conftest import make_selection, proposals

pytestmark = pytest.mark.django_db


def test_list_proposal_and_results_pages_are_shared_by_anonymous_visitors_only(
    client, settings, participant
):
    settings.PAGE_CACHE_SECONDS = 60
    selection = make_selection(n=3, results_visibility=ResultsVisibility.LIVE)
    step, first = selection.step, proposals(selection)[0]
    urls = [
        step.get_absolute_url(),
        selection_url(step, "proposal", first.pk),
        selection_url(step, "results"),
    ]
    for url in urls:
        miss = client.get(url)
        assert miss.status_code == 200 and miss["X-Page-Cache"] == "miss", url
        assert "csrfmiddlewaretoken" not in miss.content.decode()
        assert client.get(url)["X-Page-Cache"] == "hit", url
    client.force_login(participant)
    page = client.get(urls[0])
    assert "X-Page-Cache" not in page and "csrfmiddlewaretoken" in page.content.decode()
    services.vote_cast(user=participant, selection=selection, proposal_id=first.pk)
    assert "X-Page-Cache" not in client.get(urls[2])
