"""The postal code a vote may ask for: checked on what was typed, never cut by a maxlength."""

from __future__ import annotations

import html as html_lib

import pytest
from django.urls import reverse

from palabre.core import limits

from .conftest import make_selection

pytestmark = pytest.mark.django_db


def url(selection, name):
    step = selection.step
    return reverse(f"selection:{name}", args=[step.project.slug, step.slug])


def test_a_pasted_postal_code_is_refused_with_its_length_not_cut(client, participant):
    selection = make_selection(vote_type="simple", zip_codes="75*")
    client.force_login(participant)
    html = client.get(url(selection, "ballot")).content.decode()
    assert 'name="zip_code"' in html
    assert " maxlength=" not in html, "a pasted « 75011 Paris » would become « 75011 Pari »"
    typed = "75011 Paris"
    response = client.post(url(selection, "requirements"), {"zip_code": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert limits.too_long(limits.ZIP_CODE, len(typed)) in html_lib.unescape(html)
    assert f'value="{typed}"' in html
    participant.refresh_from_db()
    assert participant.zip_code == ""
