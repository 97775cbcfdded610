"""Text limits of comments, replies and reports (and the limits module itself): checked on
what was typed, never cut, said with the real length; the form keeps the text."""

from __future__ import annotations

import html as html_lib

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from palabre.components.consultation.tests.conftest import (
    verified_user,
)
from palabre.core import limits
from palabre.participation import services
from palabre.participation.models import Comment, Report

pytestmark = pytest.mark.django_db


def _text(length: int) -> str:
    """A text of exactly ``length`` characters whose end shows whether it was cut."""
    return ("é" * length)[: length - 3] + "FIN"


def _ct(obj) -> int:
    return ContentType.objects.get_for_model(obj).pk


def _says(html: str, limit: int, length: int) -> bool:
    return limits.too_long(limit, length) in html_lib.unescape(html)


def _comment_post(client, opinion, camille, kind, body):
    """Post ``body`` as a comment, a reply or an edit; the URL and what is stored after."""
    url = reverse("comment_create", args=[_ct(opinion), opinion.pk])
    data = {"body": body, "next": opinion.get_absolute_url()}
    if kind == "reply":
        parent = services.comment_create(author=camille, target=opinion, body="Premier.")
        data["parent"] = parent.pk
    if kind == "edit":
        mine = services.comment_create(author=camille, target=opinion, body="Premier.")
        url = reverse("comment_edit", args=[mine.pk])
    return client.post(url, data)


@pytest.mark.parametrize("kind", ["comment", "reply", "edit"])
def test_a_comment_over_the_limit_is_refused_with_the_text_intact(client, opinion, camille, kind):
    client.force_login(camille)
    typed = _text(limits.COMMENT + 1)
    response = _comment_post(client, opinion, camille, kind, typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert _says(html, limits.COMMENT, limits.COMMENT + 1)
    assert typed in html, "the form is shown again with everything that was typed"
    assert not Comment.objects.filter(body=typed).exists()
    assert not Comment.objects.exclude(body="Premier.").exists()


@pytest.mark.parametrize("kind", ["comment", "reply", "edit"])
def test_a_comment_at_the_limit_is_stored_in_full(client, opinion, camille, kind):
    client.force_login(camille)
    typed = _text(limits.COMMENT)
    response = _comment_post(client, opinion, camille, kind, typed)
    assert response.status_code == 302
    assert Comment.objects.filter(body=typed).count() == 1


def test_the_comment_and_reply_forms_state_the_limit_and_never_cut_a_paste(
    client, opinion, camille
):
    services.comment_create(author=camille, target=opinion, body="Premier.")
    client.force_login(verified_user(username="dominique"))
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert " maxlength=" not in html, "browsers cut pasted text at maxlength without a word"
    assert html.count(f'data-maxlength="{limits.COMMENT}"') == 2, "the comment and the reply"
    assert f"{limits.number(limits.COMMENT)} caractères au plus." in html


def test_the_reply_form_states_its_limit_as_the_comment_form_does(client, opinion, camille):
    """The reply's textarea is described (``aria-describedby``) by a help text that says its
    limit, as the comment's is: a screen reader announces it with the field."""
    import re

    parent = services.comment_create(author=camille, target=opinion, body="Premier.")
    client.force_login(verified_user(username="dominique"))
    html = client.get(opinion.get_absolute_url()).content.decode()
    [textarea] = re.findall(rf'<textarea[^>]*id="reply-body-{parent.pk}"[^>]*>', html)
    described = re.search(r'aria-describedby="([^"]+)"', textarea)
    assert described, f"the reply's field is described by its limit: {textarea}"
    for help_id in described.group(1).split():
        help_text = re.search(rf'<[^>]+id="{help_id}"[^>]*>(.*?)</', html, re.S)
        assert help_text, f"#{help_id} is on the page"
        if f"{limits.number(limits.COMMENT)} caractères au plus." in help_text.group(1):
            break
    else:
        raise AssertionError("no description of the reply's field states its limit")
    assert len(set(re.findall(r'id="([^"]+)"', html))) == len(re.findall(r'id="[^"]+"', html))


def test_the_comment_service_says_the_real_length(opinion, camille):
    with pytest.raises(ValidationError) as caught:
        services.comment_create(author=camille, target=opinion, body="x" * 100_000)
    assert caught.value.messages == [limits.too_long(limits.COMMENT, 100_000)]


def test_a_report_over_the_limit_keeps_its_text_and_one_at_the_limit_is_stored(
    client, opinion, camille
):
    client.force_login(camille)
    url = reverse("report", args=[_ct(opinion), opinion.pk])
    typed = _text(limits.REPORT_COMMENT + 1)
    response = client.post(url, {"reason": "spam", "comment": typed})
    assert response.status_code == 400
    assert _says(response.content.decode(), limits.REPORT_COMMENT, limits.REPORT_COMMENT + 1)
    assert typed in response.content.decode()
    assert not Report.objects.exists()
    typed = _text(limits.REPORT_COMMENT)
    assert client.post(url, {"reason": "spam", "comment": typed}).status_code == 302
    assert Report.objects.get().comment == typed
    with pytest.raises(ValidationError):
        services.report_create(
            reporter=verified_user(username="dominique"),
            obj=opinion,
            reason="spam",
            comment="x" * (limits.REPORT_COMMENT + 1),
        )


# --- the module -------------------------------------------------------------------------------


def test_a_line_break_counts_once():
    assert limits.count("a\r\nb") == limits.count("a\nb") == 3
    field = limits.LimitedText(limit=3)
    assert field.clean("a\r\nb") == "a\nb"
    with pytest.raises(ValidationError):
        field.clean("a\r\nbc")


def test_numbers_are_grouped_in_the_active_language():
    with translation.override("fr"):
        assert limits.number(100_000) == "100\xa0000"
        assert "(actuellement 100\xa0000)" in limits.too_long(20_000, 100_000)
    with translation.override("en"):
        assert limits.number(100_000) == "100,000"


def test_a_limited_field_has_no_maxlength_and_says_its_limit():
    field = limits.LimitedText(limit=20_000, widget=forms.Textarea, help_text="Un texte.")
    attrs = field.widget_attrs(field.widget)
    assert "maxlength" not in attrs and attrs["data-maxlength"] == "20000"
    with translation.override("fr"):
        assert str(field.help_text) == "Un texte. 20\xa0000 caractères au plus."
    assert limits.visible_length("<p>a &amp; b</p>") == 5
