"""Text limits of a profile's public fields: checked on what was typed, never cut, said with
the real length; the form keeps what was typed."""

from __future__ import annotations

import html as html_lib

import pytest

from palabre.core import limits
from palabre.core.models import User
from palabre.core.tests.factories import verified_user

pytestmark = pytest.mark.django_db


def _text(length: int) -> str:
    return ("é" * length)[: length - 3] + "FIN"


def _post(client, **fields):
    data = {"username": "yasmine", "bio": "", "zip_code": "", "website": "", **fields}
    return client.post("/settings/", data)


def _website(length: int) -> str:
    start = "https://example.org/"
    return start + "p" * (length - len(start))


@pytest.mark.parametrize(
    ("name", "limit", "make"),
    [
        ("bio", limits.BIO, _text),
        ("username", limits.USERNAME, lambda n: "y" * n),
        ("website", limits.WEBSITE, _website),
        ("zip_code", limits.ZIP_CODE, lambda n: "7" * n),
    ],
)
def test_a_profile_field_over_its_limit_is_refused_with_the_text_intact(client, name, limit, make):
    user = verified_user(username="yasmine")
    client.force_login(user)
    typed = make(limit + 1)
    response = _post(client, **{name: typed})
    html = response.content.decode()
    assert "errorlist" in html
    assert limits.too_long(limit, limit + 1) in html_lib.unescape(html)
    assert typed in html
    assert " maxlength=" not in html, "browsers cut pasted text at maxlength without a word"
    assert getattr(User.objects.get(pk=user.pk), name) == getattr(user, name)
    typed = make(limit)
    assert _post(client, **{name: typed}).status_code == 302
    assert getattr(User.objects.get(pk=user.pk), name) == typed


def test_the_profile_form_states_the_bio_limit(client):
    client.force_login(verified_user(username="yasmine"))
    html = client.get("/settings/").content.decode()
    assert f"{limits.number(limits.BIO)} caractères au plus." in html
    assert f'data-maxlength="{limits.BIO}"' in html
