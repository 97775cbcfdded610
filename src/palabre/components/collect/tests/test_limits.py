"""Text limits of a proposal: checked on what was typed, never cut, said with the real length.

One character over a limit is refused with the real length and the form shown again with the
text intact; a text at the limit is stored in full.
"""

from __future__ import annotations

import html as html_lib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.components.collect.models import Builtin, Draft, Proposal, Question
from palabre.core import limits

from .conftest import proposal_data

pytestmark = pytest.mark.django_db


def _url(collect, name, *args):
    step = collect.step
    return reverse(f"collect:{name}", args=[step.project.slug, step.slug, *args])


def _text(length: int) -> str:
    """A text of exactly ``length`` characters whose end shows whether it was cut."""
    return ("é" * length)[: length - 3] + "FIN"


def _post(client, collect, **fields):
    data = {**proposal_data(collect), **fields, "action": "submit"}
    return client.post(_url(collect, "proposal_create"), data)


def _says_real_length(html: str, limit: int, length: int) -> bool:
    return limits.too_long(limit, length) in html_lib.unescape(html)


def _question(collect, kind, **extra):
    return Question.objects.create(
        collect=collect, kind=kind, label="Porteur", position=99, **extra
    )


def _enable(collect, key):
    ff = collect.form_fields.get(key=key)
    ff.enabled = True
    ff.save()


@pytest.mark.parametrize(
    ("name", "limit"),
    [("title", limits.TITLE), ("summary", limits.SUMMARY), ("body", limits.BODY)],
)
def test_one_character_over_a_builtin_limit_is_refused_with_the_text_intact(
    client, collect, participant, name, limit
):
    client.force_login(participant)
    typed = _text(limit + 1)
    response = _post(client, collect, **{name: typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert _says_real_length(html, limit, limit + 1)
    assert typed in html, "the form is shown again with everything that was typed"
    assert not Proposal.objects.exists(), "nothing is published truncated"
    assert Draft.objects.get(author=participant).data[name] == typed


@pytest.mark.parametrize(
    ("name", "limit"),
    [("title", limits.TITLE), ("summary", limits.SUMMARY), ("body", limits.BODY)],
)
def test_a_builtin_text_at_its_limit_is_stored_in_full(client, collect, participant, name, limit):
    client.force_login(participant)
    typed = _text(limit)
    response = _post(client, collect, **{name: typed})
    assert response.status_code == 302
    assert getattr(Proposal.objects.get(), name) == typed


@pytest.mark.parametrize(
    ("name", "limit"), [("address", limits.ADDRESS), ("illustration_alt", limits.IMAGE_ALT)]
)
def test_address_and_image_description_limits(client, collect, participant, name, limit):
    _enable(collect, Builtin.ILLUSTRATION)
    client.force_login(participant)
    over = _text(limit + 1)
    response = _post(client, collect, **{name: over})
    assert response.status_code == 400
    assert _says_real_length(response.content.decode(), limit, limit + 1)
    assert over in response.content.decode()
    typed = _text(limit)
    assert _post(client, collect, **{name: typed}).status_code == 302
    assert getattr(Proposal.objects.get(), name) == typed


def test_a_huge_title_is_refused_with_its_real_length(client, collect, participant):
    client.force_login(participant)
    response = _post(client, collect, title="t" * 100_000)
    html = html_lib.unescape(response.content.decode())
    assert response.status_code == 400
    assert "actuellement 100\xa0000" in html
    assert "actuellement 20000" not in html and "actuellement 20\xa0000" not in html


def test_a_body_over_the_limit_is_never_published_truncated(client, collect, participant):
    client.force_login(participant)
    typed = _text(limits.BODY + 5_000)
    response = _post(client, collect, body=typed)
    assert response.status_code == 400
    assert _says_real_length(response.content.decode(), limits.BODY, limits.BODY + 5_000)
    assert not Proposal.objects.exists()
    # The autosave keeps it whole too.
    autosave = client.post(_url(collect, "proposal_autosave"), {"body": typed})
    assert autosave.status_code == 200
    assert Draft.objects.get(pk=autosave.json()["draft"]).data["body"] == typed


def test_rich_body_counts_its_markup_as_typed(client, collect, participant):
    """The body's limit applies to the raw text (markup included): what the person sees in
    the field and what is stored."""
    client.force_login(participant)
    markup = "<p><strong>Gras</strong></p>"
    at_limit = markup + _text(limits.BODY - len(markup))
    assert _post(client, collect, body=at_limit + "x").status_code == 400, (
        "one character over, though the visible text is shorter than the limit"
    )
    assert not Proposal.objects.exists()
    assert _post(client, collect, body=at_limit).status_code == 302
    assert Proposal.objects.get().body == at_limit


def test_a_line_break_counts_once(client, collect, participant):
    """Browsers send CRLF; the person sees one character per line break."""
    client.force_login(participant)
    line = "Une ligne.\r\n"
    lines, rest = divmod(limits.BODY, len(line) - 1)
    typed = line * lines + "x" * rest
    assert limits.count(typed) == limits.BODY < len(typed)
    assert _post(client, collect, body=typed).status_code == 302
    assert Proposal.objects.get().body == typed.replace("\r\n", "\n").strip()


def test_the_form_states_the_limits_and_never_cuts_a_paste(client, collect, participant):
    client.force_login(participant)
    html = client.get(_url(collect, "proposal_create")).content.decode()
    assert " maxlength=" not in html, "browsers cut pasted text at maxlength without a word"
    assert f'data-maxlength="{limits.BODY}"' in html
    assert f"{limits.number(limits.BODY)} caractères au plus." in html
    assert f"{limits.number(limits.TITLE)} caractères au plus." in html


@pytest.mark.parametrize(
    ("kind", "organiser_limit", "limit"),
    [
        ("short_text", None, limits.SHORT_ANSWER),
        ("short_text", 30, 30),
        ("long_text", None, limits.LONG_ANSWER),
        ("long_text", 12_000, 12_000),
    ],
)
def test_answers_of_the_organisers_form_have_limits_checked_on_what_was_typed(
    client, collect, participant, kind, organiser_limit, limit
):
    question = _question(collect, kind, max_length=organiser_limit)
    client.force_login(participant)
    over = _text(limit + 1)
    response = _post(client, collect, **{question.field_name: over})
    html = response.content.decode()
    assert response.status_code == 400
    assert _says_real_length(html, limit, limit + 1)
    assert over in html
    assert not Proposal.objects.exists()
    typed = _text(limit)
    assert _post(client, collect, **{question.field_name: typed}).status_code == 302
    assert Proposal.objects.get().answers[str(question.pk)] == typed


def test_an_organiser_cannot_allow_answers_beyond_the_longest_body(collect):
    question = Question(collect=collect, kind="long_text", label="Projet", max_length=10**6)
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert "max_length" in caught.value.message_dict
    question.max_length = limits.ANSWER_MAX
    question.full_clean()
