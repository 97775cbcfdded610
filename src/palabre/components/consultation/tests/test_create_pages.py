"""The four pages that write a new opinion, amendment, argument or source (one flow,
``views._create_page``, declared per type): the same steps for each, and where they differ."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from palabre.components.consultation.models import Argument, Opinion, Source, Version

from .conftest import VersionFactory, close_step, unverified_user

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    name: str
    model: type
    data: dict  # a valid form
    typed: str  # a field's text, as it must come back in an invalid form
    invalid: dict  # the same form with a field left wrong
    published: str  # the message once published
    pending: str  # the start of the message while the email is not confirmed
    pending_to_parent: bool  # awaiting confirmation: back to the parent's page (no anchor)
    asks_first: bool  # a refusal (closed step) is shown instead of the form


CASES = [
    Case(
        "opinion",
        Opinion,
        {"title": "Ma proposition", "body": "Premier paragraphe.\n\nSecond."},
        "Premier paragraphe.",
        {"title": "", "body": "Premier paragraphe."},
        "Proposition publiée.",
        "Proposition enregistrée : elle sera publiée",
        pending_to_parent=True,
        asks_first=True,
    ),
    Case(
        "version",
        Version,
        {"title": "Mieux dit", "body": "Le texte réécrit.", "explanation": "Plus clair."},
        "Le texte réécrit & <clarifié>",
        {"title": "", "body": "Le texte réécrit & <clarifié>", "explanation": ""},
        "Amendement publié.",
        "Amendement enregistré : il sera publié",
        pending_to_parent=True,
        asks_first=True,
    ),
    Case(
        "argument",
        Argument,
        {"kind": "for", "body": "Un argument sincère."},
        "Un argument sincère.",
        {"kind": "", "body": "Un argument sincère."},
        "Argument publié.",
        "Argument enregistré : il sera publié",
        pending_to_parent=False,
        asks_first=False,
    ),
    Case(
        "source",
        Source,
        {"title": "Rapport", "link": "https://example.org/r", "category": "study", "body": ""},
        "Rapport de la Cour des comptes",
        {"title": "Rapport de la Cour des comptes", "link": "pas un lien", "category": "study"},
        "Source publiée.",
        "Source enregistrée : elle sera publiée",
        pending_to_parent=False,
        asks_first=False,
    ),
]


def _step_args(opinion):
    step = opinion.section.consultation.step
    return [step.project.slug, step.slug]


def _page(case: Case, opinion) -> tuple[str, object, dict]:
    """The create page's address, the parent the new one answers, and the hidden fields."""
    args = _step_args(opinion)
    if case.name == "opinion":
        return reverse("consultation:opinion_create", args=[*args, "titre-1"]), opinion.section, {}
    if case.name == "version":
        return reverse("consultation:version_create", args=[*args, opinion.pk]), opinion, {}
    url = reverse(f"consultation:{case.name}_create", args=args)
    return url, opinion, {"opinion": opinion.pk}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request):
    return request.param


def test_a_visitor_logs_in_first_and_comes_back_to_the_parent(client, opinion, case):
    url, parent, hidden = _page(case, opinion)
    for response in (client.get(url, hidden), client.post(url, {**hidden, **case.data})):
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse("account_login")
        assert parse_qs(location.query)["next"] == [parent.get_absolute_url()]
        assert set(_messages(response)) == {"Connectez-vous ou créez un compte pour participer."}
    assert not case.model.objects.exclude(author=opinion.author).exists()


def test_the_form_is_shown_to_a_participant(client, opinion, participant, case):
    client.force_login(participant)
    url, _parent, hidden = _page(case, opinion)
    response = client.get(url, hidden)
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-leave-guard" in html  # the form
    for name, value in hidden.items():
        assert f'name="{name}" value="{value}"' in html


def test_a_confirmed_participant_publishes_and_lands_on_it(client, opinion, participant, case):
    client.force_login(participant)
    url, _parent, hidden = _page(case, opinion)
    response = client.post(url, {**hidden, **case.data})
    created = case.model.objects.get(author=participant)
    assert created.published
    assert response.status_code == 302
    assert response["Location"] == created.get_absolute_url()
    assert _messages(response) == [case.published]


def test_an_unconfirmed_account_is_told_it_awaits_the_confirmation(client, opinion, case):
    newcomer = unverified_user()
    client.force_login(newcomer)
    url, parent, hidden = _page(case, opinion)
    response = client.post(url, {**hidden, **case.data})
    created = case.model.objects.get(author=newcomer)
    assert not created.published
    assert response.status_code == 302
    expected = parent.get_absolute_url() if case.pending_to_parent else created.get_absolute_url()
    assert response["Location"] == expected
    [message] = _messages(response)
    assert message.startswith(case.pending)


def test_an_invalid_form_keeps_what_was_typed(client, opinion, participant, case):
    client.force_login(participant)
    url, _parent, hidden = _page(case, opinion)
    response = client.post(url, {**hidden, **case.invalid})
    assert response.status_code == 400
    html = response.content.decode()
    assert "errorlist" in html
    typed = case.typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert typed in html
    assert not case.model.objects.filter(author=participant).exists()


def test_a_closed_step_says_why(client, opinion, participant, case):
    close_step(opinion.section.consultation.step)
    client.force_login(participant)
    url, _parent, hidden = _page(case, opinion)
    html = client.get(url, hidden).content.decode()
    # Opinions and amendments say so instead of the form; arguments and sources on sending.
    assert ("Cette étape est terminée" in html) is case.asks_first
    assert ("data-leave-guard" in html) is not case.asks_first
    response = client.post(url, {**hidden, **case.data})
    assert response.status_code == 400
    assert "Cette étape est terminée" in response.content.decode()
    assert not case.model.objects.filter(author=participant).exists()


@pytest.mark.parametrize("model", [Argument, Source], ids=["argument", "source"])
def test_arguments_and_sources_answer_a_published_amendment(client, opinion, participant, model):
    version = VersionFactory(opinion=opinion)
    case = next(c for c in CASES if c.model is model)
    client.force_login(participant)
    url = reverse(f"consultation:{case.name}_create", args=_step_args(opinion))
    hidden = {"opinion": opinion.pk, "version": version.pk}
    assert f'name="version" value="{version.pk}"' in client.get(url, hidden).content.decode()
    response = client.post(url, {**hidden, **case.data})
    created = model.objects.get(author=participant)
    assert created.version_id == version.pk and created.opinion_id is None
    assert response["Location"] == created.get_absolute_url()
    assert created.get_absolute_url().startswith(version.get_absolute_url())


@pytest.mark.parametrize("name", ["argument", "source"])
@pytest.mark.parametrize("opinion_field", ["", "0", "99999999999999999999", "x"])
def test_an_impossible_parent_is_a_404(client, opinion, participant, name, opinion_field):
    client.force_login(participant)
    url = reverse(f"consultation:{name}_create", args=_step_args(opinion))
    assert client.get(url, {"opinion": opinion_field}).status_code == 404
    assert client.get(url, {"opinion": opinion.pk, "version": "x"}).status_code == 404
