"""A visitor on a collect page that needs an account logs in first, and comes back: to the
page itself when it was opened by a link (GET), else to where the sent form belongs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from palabre.components.collect import services
from palabre.components.collect.models import Draft, Proposal

from .conftest import proposal_data, submit

pytestmark = pytest.mark.django_db


def _url(collect, name, *args):
    step = collect.step
    return reverse(f"collect:{name}", args=[step.project.slug, step.slug, *args])


def _sent_to_log_in(response) -> str:
    """The ``next`` of the login page ``response`` sends to (with the invitation)."""
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Connectez-vous ou créez un compte pour participer."
    )
    return parse_qs(location.query)["next"][0]


def test_the_proposal_form_comes_back_to_itself_or_to_the_step(client, collect):
    url = _url(collect, "proposal_create")
    assert _sent_to_log_in(client.get(url, {"fresh": "1"})) == f"{url}?fresh=1"
    response = client.post(url, {**proposal_data(collect), "next": "https://ailleurs.example/"})
    assert _sent_to_log_in(response) == collect.step.get_absolute_url()
    # A posted ``next`` is kept only when it is a path of this site (``stepviews.login_first``,
    # the rule of every kind; no collect form posts one).
    response = client.post(url, {**proposal_data(collect), "next": "/ailleurs/"})
    assert _sent_to_log_in(response) == "/ailleurs/"
    assert not Draft.objects.exists() and not Proposal.objects.exists()


def test_the_edit_and_withdraw_pages_come_back_to_themselves(client, collect, participant):
    proposal = submit(participant, collect)
    edit = _url(collect, "proposal_edit", proposal.pk)
    assert _sent_to_log_in(client.get(edit)) == edit
    withdraw = _url(collect, "proposal_withdraw", proposal.pk)
    assert _sent_to_log_in(client.get(withdraw)) == withdraw
    assert _sent_to_log_in(client.post(withdraw)) == proposal.get_absolute_url()
    assert Proposal.objects.get(pk=proposal.pk).withdrawn_at is None


def test_deleting_a_draft_from_the_settings_comes_back_to_the_step(client, collect, participant):
    draft, _refused = services.draft_save(author=participant, collect=collect, data={"title": "T"})
    response = client.post(_url(collect, "draft_delete", draft.pk), {"next": "settings"})
    assert _sent_to_log_in(response) == collect.step.get_absolute_url()
    assert Draft.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "1x"])
def test_an_impossible_id_in_the_address_is_a_404(client, collect, pk):
    base = _url(collect, "proposal_create").removesuffix("new/")
    assert client.get(f"{base}{pk}/").status_code == 404
