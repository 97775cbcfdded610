"""A draft keeps a text over its limit (the author shortens it, nothing lost), but not a text
of any size: far beyond its limit, the draft is not saved and the page says why, showing again
everything that was typed."""

from __future__ import annotations

import html as html_lib
import json

import pytest

from palabre.components.collect import services
from palabre.components.collect.models import Draft
from palabre.core import limits

from .conftest import proposal_data
from .test_limits import _text, _url

pytestmark = pytest.mark.django_db

CEILING = services.draft_ceiling(limits.BODY)


def test_a_body_over_its_limit_is_kept_as_a_draft(client, collect, participant):
    client.force_login(participant)
    typed = _text(limits.BODY + 500)
    data = {**proposal_data(collect), "body": typed, "action": "save"}
    response = client.post(_url(collect, "proposal_create"), data)
    assert response.status_code == 302
    assert Draft.objects.get(author=participant).data["body"] == typed


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_body_far_beyond_its_limit_is_not_saved_and_shown_again(
    client, collect, participant, action
):
    client.force_login(participant)
    typed = _text(CEILING + 1)
    data = {**proposal_data(collect), "body": typed, "action": action}
    response = client.post(_url(collect, "proposal_create"), data)
    page = html_lib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "le brouillon n'a pas été enregistré" in page
    assert limits.number(CEILING + 1) in page, "the message gives the real length"
    assert f"les {limits.number(limits.BODY)} permis" in page
    assert typed in page, "everything typed is shown again"
    assert data["title"] in page
    assert not Draft.objects.exists()


def test_autosave_refuses_a_text_far_beyond_its_limit_and_keeps_the_previous_draft(
    client, collect, participant
):
    client.force_login(participant)
    url = _url(collect, "proposal_autosave")
    first = client.post(url, {**proposal_data(collect), "body": "Premier jet."})
    draft = first.json()["draft"]
    response = client.post(
        url, {**proposal_data(collect), "body": _text(CEILING + 1), "draft": draft}
    )
    answer = json.loads(response.content)
    assert response.status_code == 400
    assert "le brouillon n'a pas été enregistré" in answer["error"]
    assert list(answer["refused"]) == ["body"]
    assert Draft.objects.get(pk=draft).data["body"] == "Premier jet."


def test_a_short_field_may_hold_a_body_s_length_in_a_draft(client, collect, participant):
    """A pasted paragraph in the title is kept as a draft (shortened later), not refused;
    beyond that, the refusal names the title's own limit."""
    client.force_login(participant)
    typed = _text(limits.BODY)
    data = {**proposal_data(collect), "title": typed, "action": "save"}
    assert client.post(_url(collect, "proposal_create"), data).status_code == 302
    assert Draft.objects.get(author=participant).data["title"] == typed
    data["title"] = _text(limits.BODY + 1)
    page = html_lib.unescape(client.post(_url(collect, "proposal_create"), data).content.decode())
    assert f"les {limits.number(limits.TITLE)} permis" in page
