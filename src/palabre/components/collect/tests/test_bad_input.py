"""Bad input on the collect pages: a clear, translated answer, nothing typed lost, never a 500.

(Every route of the site is swept with hostile values by ``tests/test_bad_input.py``.)
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palabre.components.collect import services
from palabre.components.collect.models import Builtin, Draft, Proposal

from .conftest import proposal_data, submit

pytestmark = pytest.mark.django_db

HOSTILE_IDS = ["99999999999999999999", "9223372036854775808", "-1", "1e5", "²", "٣", "", "\x00"]


def _url(collect, name, *args):
    step = collect.step
    return reverse(f"collect:{name}", args=[step.project.slug, step.slug, *args])


def _enable(collect, key):
    field = collect.form_fields.get(key=key)
    field.enabled = True
    field.save()


@pytest.mark.parametrize(
    "field, upload",
    [
        ("attachments", SimpleUploadedFile("script.sh", b"rm -rf /")),
        ("illustration", SimpleUploadedFile("photo.png", b"not an image at all")),
    ],
)
def test_saving_a_draft_without_javascript_with_a_refused_file(
    client, collect, participant, field, upload
):
    """« Enregistrer le brouillon » (no JavaScript) with a file refused: the form again, the
    refusal said under the field, the text kept and saved, no error for what a draft may lack."""
    _enable(collect, Builtin.ATTACHMENTS)
    client.force_login(participant)
    data = {
        "action": "save",
        "title": "Titre conservé",
        "body": "<p>Un texte long et réfléchi.</p>",
        field: upload,
    }
    response = client.post(_url(collect, "proposal_create"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Titre conservé"' in html and "Un texte long et réfléchi." in html
    assert upload.name in html and "refusé" in html
    assert "Certains fichiers ont été refusés" in html
    assert "Ce champ est obligatoire" not in html, "a draft may be incomplete"
    draft = Draft.objects.get(author=participant)
    assert draft.data["title"] == "Titre conservé"
    assert not draft.files.exists()
    assert f'name="draft" value="{draft.pk}"' in html, "the next save updates the same draft"


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_remove_file_ignores_what_is_not_an_id(client, collect, participant, value):
    _enable(collect, Builtin.ATTACHMENTS)
    client.force_login(participant)
    url = _url(collect, "proposal_create")
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    first = client.post(url, {"action": "save", "title": "Plan", "attachments": upload})
    assert first.status_code == 302
    draft = Draft.objects.get(author=participant)
    assert draft.files.count() == 1
    response = client.post(
        url, {"action": "save", "title": "Plan", "draft": draft.pk, "remove_file": [value]}
    )
    assert response.status_code == 302
    assert draft.files.count() == 1, "nothing removed but the files named by their id"
    services.draft_save(
        author=participant, collect=collect, draft=draft, data={"title": "Plan"}, remove=[value]
    )
    assert draft.files.count() == 1


@pytest.mark.parametrize("key", ["category", "status"])
@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_map_data_ignores_a_filter_that_is_not_an_id(client, collect, participant, key, value):
    submit(participant, collect)
    response = client.get(_url(collect, "map_data"), {key: value})
    if "\x00" in value:  # refused before any view (core.params.NulRefusalMiddleware)
        assert response.status_code == 400
        return
    assert response.status_code == 200
    assert response.json()["count"] == 1, "an invalid filter is ignored"


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_list_filters_page_and_seed_that_are_not_numbers(client, collect, participant, value):
    submit(participant, collect)
    for key in ("category", "status", "district", "theme", "page", "seed", "sort", "q"):
        response = client.get(collect.step.get_absolute_url(), {key: value})
        assert response.status_code in ((400,) if "\x00" in value else (200, 404)), key
    path = f"{collect.step.get_absolute_url()}proposals/{quote(value, safe='')}/"
    assert client.get(path).status_code == (400 if "\x00" in value else 404)


def test_autosave_removes_nul_characters_and_says_so(client, collect, participant):
    """A NUL byte (from a paste of a mis-decoded file) was stored by the autosave (SQLite) or
    failed it (PostgreSQL's JSON refuses it: a 500): it is removed, and the author told."""
    client.force_login(participant)
    url = _url(collect, "proposal_autosave")
    response = client.post(url, {"title": "Des bancs\x00 au square", "summary": "\x00Ombre"})
    assert response.status_code == 200
    answer = response.json()
    assert "caractères nuls" in answer["message"]
    assert sorted(answer["refused"]) == ["summary", "title"]
    draft = Draft.objects.get(pk=answer["draft"])
    assert draft.data["title"] == "Des bancs au square"
    assert draft.data["summary"] == "Ombre"
    # Without NUL, the autosave says nothing more.
    answer = client.post(url, {"title": "Des bancs", "draft": draft.pk}).json()
    assert "caractères nuls" not in answer["message"] and answer["refused"] == {}


def test_submitting_text_with_nul_characters_keeps_it_and_asks_to_check(
    client, collect, participant
):
    client.force_login(participant)
    data = proposal_data(collect, body="<p>Six bancs\x00 à l'ombre.</p>")
    response = client.post(_url(collect, "proposal_create"), {**data, "action": "submit"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Des caractères nuls" in html
    assert "Six bancs à l&#x27;ombre." in html or "Six bancs à l'ombre." in html
    assert not Proposal.objects.exists()
    # Sent again as shown: accepted.
    draft = Draft.objects.get(author=participant)
    data["body"] = draft.data["body"]
    response = client.post(
        _url(collect, "proposal_create"), {**data, "draft": draft.pk, "action": "submit"}
    )
    assert response.status_code == 302
    assert Proposal.objects.get().body == "<p>Six bancs à l'ombre.</p>"
