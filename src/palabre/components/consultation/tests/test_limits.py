"""Text limits of every consultation contribution (opinion, amendment, argument, source), on
creation and on edit: checked on what was typed, never cut, said with the real length."""

from __future__ import annotations

import html as html_lib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.components.consultation import services
from palabre.components.consultation.models import Argument, Opinion, Source, Version
from palabre.core import limits

from .conftest import OpinionFactory

pytestmark = pytest.mark.django_db


def _url(name, opinion, *args):
    step = opinion.section.consultation.step
    return reverse(f"consultation:{name}", args=[step.project.slug, step.slug, *args])


def _text(length: int) -> str:
    """A text of exactly ``length`` characters whose end shows whether it was cut."""
    return ("é" * length)[: length - 3] + "FIN"


def _mine(participant, opinion):
    version = services.version_create(
        author=participant, opinion=opinion, title="Mon amendement", body="<p>Nouveau.</p>"
    )
    argument = services.argument_create(
        author=participant, parent=opinion, kind="against", body="Premier jet."
    )
    source = services.source_create(
        author=participant,
        parent=opinion,
        title="Rapport",
        link="https://example.org/rapport",
        category="study",
    )
    mine = services.opinion_create(
        author=participant, section=opinion.section, title="Ma proposition", body="<p>B</p>"
    )
    return {"version": version, "argument": argument, "source": source, "opinion": mine}


def _form(kind, opinion, participant):
    """(url, complete valid data, the model) of each form that takes a contribution's text."""
    section = opinion.section
    step = section.consultation.step
    if kind == "opinion_create":
        url = reverse(
            "consultation:opinion_create", args=[step.project.slug, step.slug, section.slug]
        )
        return url, {"title": "Un titre", "body": "Un texte."}, Opinion
    if kind == "version_create":
        url = _url("version_create", opinion, opinion.pk)
        return url, {"title": "Un titre", "body": "Un texte.", "explanation": ""}, Version
    if kind == "argument_create":
        url = _url("argument_create", opinion)
        return url, {"opinion": opinion.pk, "kind": "for", "body": "Un argument."}, Argument
    if kind == "source_create":
        data = {
            "opinion": opinion.pk,
            "title": "Un rapport",
            "link": "https://example.org/r",
            "category": "study",
            "body": "",
        }
        return _url("source_create", opinion), data, Source
    mine = _mine(participant, opinion)
    if kind == "opinion_edit":
        own = mine["opinion"]
        url = _url("opinion_edit", own, own.pk)
        return url, {"title": "Un titre", "body": "Un texte."}, Opinion
    if kind == "version_edit":
        url = _url("version_edit", opinion, opinion.pk, mine["version"].pk)
        return url, {"title": "Un titre", "body": "Un texte.", "explanation": ""}, Version
    if kind == "argument_edit":
        return _url("argument_edit", opinion, mine["argument"].pk), {"body": "Un jet."}, Argument
    if kind == "source_edit":
        data = {"title": "Un rapport", "link": "https://example.org/r", "category": "study"}
        return _url("source_edit", opinion, mine["source"].pk), {**data, "body": ""}, Source
    raise ValueError(kind)


CASES = [
    ("opinion_create", "title", limits.TITLE),
    ("opinion_create", "body", limits.BODY),
    ("opinion_edit", "title", limits.TITLE),
    ("opinion_edit", "body", limits.BODY),
    ("version_create", "title", limits.TITLE),
    ("version_create", "body", limits.BODY),
    ("version_create", "explanation", limits.EXPLANATION),
    ("version_edit", "title", limits.TITLE),
    ("version_edit", "body", limits.BODY),
    ("version_edit", "explanation", limits.EXPLANATION),
    ("argument_create", "body", limits.ARGUMENT),
    ("argument_edit", "body", limits.ARGUMENT),
    ("source_create", "title", limits.TITLE),
    ("source_create", "body", limits.SOURCE_DESCRIPTION),
    ("source_edit", "title", limits.TITLE),
    ("source_edit", "body", limits.SOURCE_DESCRIPTION),
]


def _stored(model, name, before: set):
    obj = model.objects.exclude(pk__in=before).order_by("-updated_at", "-pk").first()
    value = getattr(obj, name)
    if name == "body" and model in (Opinion, Version):
        # Typed as plain text, stored as paragraphs (one here).
        assert value.startswith("<p>") and value.endswith("</p>")
        return value[3:-4]
    return value


@pytest.mark.parametrize(("kind", "name", "limit"), CASES)
def test_one_character_over_the_limit_is_refused_with_the_text_intact(
    client, opinion, participant, kind, name, limit
):
    url, data, model = _form(kind, opinion, participant)
    rows = list(model.objects.values_list("pk", "updated_at", name))
    client.force_login(participant)
    typed = _text(limit + 1)
    response = client.post(url, {**data, name: typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert limits.too_long(limit, limit + 1) in html_lib.unescape(html)
    assert typed in html, "the form is shown again with everything that was typed"
    assert list(model.objects.values_list("pk", "updated_at", name)) == rows, "nothing saved"


@pytest.mark.parametrize(("kind", "name", "limit"), CASES)
def test_a_text_at_the_limit_is_stored_in_full(client, opinion, participant, kind, name, limit):
    url, data, model = _form(kind, opinion, participant)
    before = set() if kind.endswith("_edit") else set(model.objects.values_list("pk", flat=True))
    client.force_login(participant)
    typed = _text(limit)
    response = client.post(url, {**data, name: typed})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert _stored(model, name, before) == typed


@pytest.mark.parametrize("kind", ["opinion_create", "version_create", "opinion_page"])
def test_forms_state_their_limits_and_never_cut_a_paste(client, opinion, participant, kind):
    """The opinion's page holds the argument and source forms."""
    url = opinion.get_absolute_url() if kind == "opinion_page" else _form(kind, opinion, None)[0]
    client.force_login(participant)
    html = client.get(url).content.decode()
    assert " maxlength=" not in html, "browsers cut pasted text at maxlength without a word"
    assert "caractères au plus." in html


def test_an_amendment_may_be_as_long_as_a_longer_text_it_rewrites(client, section, participant):
    long_text = _text(limits.BODY + 3_000)
    opinion = OpinionFactory(section=section, body=f"<p>{long_text}</p>")
    limit = limits.version_body(opinion.body)
    assert limit == limits.BODY + 3_000 + limits.BODY // 4
    client.force_login(participant)
    url = _url("version_create", opinion, opinion.pk)
    form = client.get(url).content.decode()
    assert long_text in form, "the text to rewrite, whole"
    over = _text(limit + 1)
    response = client.post(url, {"title": "Réécriture", "body": over, "explanation": ""})
    assert response.status_code == 400
    assert limits.too_long(limit, limit + 1) in html_lib.unescape(response.content.decode())
    response = client.post(url, {"title": "Réécriture", "body": long_text, "explanation": ""})
    assert response.status_code == 302
    assert Version.objects.get().body == f"<p>{long_text}</p>"


def test_services_check_the_visible_text_of_a_body(section, participant):
    """A body reaches the services as HTML built from the typed text: its visible text is
    what is measured, so escaping and paragraphs never push a typed text over."""
    typed = "<&>" * (limits.BODY // 3) + "x" * (limits.BODY % 3)
    body = "<p>" + html_lib.escape(typed, quote=False) + "</p>"
    assert len(body) > limits.BODY and limits.visible_length(body) == limits.BODY
    opinion = services.opinion_create(author=participant, section=section, title="T", body=body)
    assert opinion.body == body
    with pytest.raises(ValidationError) as caught:
        services.opinion_create(author=participant, section=section, title="T", body=body + "y")
    assert caught.value.message_dict["body"] == [limits.too_long(limits.BODY, limits.BODY + 1)]
    with pytest.raises(ValidationError) as caught:
        services.contribution_update(author=participant, obj=opinion, title="t" * 100_000)
    assert caught.value.message_dict["title"] == [limits.too_long(limits.TITLE, 100_000)]
    assert Opinion.objects.get(pk=opinion.pk).title == "T"


def test_an_imported_heading_too_long_for_a_title_is_refused_not_cut(section, organiser):
    heading = _text(limits.TITLE + 1)
    text = f"## {heading}\n\nLe texte de l'article."
    with pytest.raises(ValidationError) as caught:
        services.consultation_import_text(actor=organiser, section=section, text=text)
    assert limits.too_long(limits.TITLE, limits.TITLE + 1) in " ".join(caught.value.messages)
    assert not Opinion.objects.filter(section=section).exists()
    heading = _text(limits.TITLE)
    text = f"## {heading}\n\nLe texte de l'article."
    (opinion,) = services.consultation_import_text(actor=organiser, section=section, text=text)
    assert opinion.title == heading
