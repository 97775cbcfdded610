"""The amendment diff and the organiser's import of a text as articles."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from palabre.components.consultation import services
from palabre.components.consultation.diff import word_diff
from palabre.components.consultation.models import Opinion
from palabre.components.consultation.services import Refused, split_text
from palabre.core.models import ActionLog

from .conftest import OpinionFactory

# --- word_diff ----------------------------------------------------------------------------------


def test_replaced_word_is_deleted_then_inserted():
    assert word_diff("<p>Le chat dort.</p>", "<p>Le chien dort.</p>") == (
        "Le <del>chat</del><ins>chien</ins> dort."
    )


def test_pure_insertion_and_pure_deletion():
    assert word_diff("<p>Un texte clair</p>", "<p>Un texte très clair</p>") == (
        "Un texte <ins>très </ins>clair"
    )
    assert word_diff("<p>Un texte long et obscur</p>", "<p>Un texte</p>") == (
        "Un texte<del> long et obscur</del>"
    )
    assert word_diff("<p>Identique.</p>", "<p>Identique.</p>") == "Identique."


def test_paragraphs_stay_apart_and_unchanged_text_is_not_marked():
    diff = word_diff("<p>Premier.</p><p>Second.</p>", "<p>Premier.</p><p>Second, modifié.</p>")
    assert diff == "Premier.\n\n<del>Second.</del><ins>Second, modifié.</ins>"


def test_html_of_both_texts_is_escaped():
    # Stored bodies are HTML; participants' text is stored escaped (forms.plain_to_html).
    before = "<p>Si x &lt; y &amp; z</p>"
    after = "<p>Si x &lt;script&gt;alert(1)&lt;/script&gt; y &amp; z</p>"
    assert word_diff(before, after) == (
        "Si x <del>&lt;</del><ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins> y &amp; z"
    )  # escaped exactly once: "&" is not shown as "&amp;amp;", nor "<" as "&amp;lt;"


def test_raw_tags_in_stored_html_never_reach_the_diff():
    diff = word_diff(
        '<p>Texte <img src=x onerror="alert(1)"> sûr</p>',
        "<p>Texte <script>alert(2)</script><b>gras</b> sûr</p>",
    )
    for forbidden in ("<img", "<script", "<b>", "onerror", "alert"):
        assert forbidden not in diff
    assert "<ins> gras </ins>" in diff


def test_diff_is_safe_string_for_the_template():
    from django.utils.safestring import SafeString

    assert isinstance(word_diff("<p>a</p>", "<p>b</p>"), SafeString)


# --- split_text ---------------------------------------------------------------------------------

LAW = """Article 1er – Objet

La présente loi a pour objet <b>la transparence</b>.
Elle s'applique partout.

Second paragraphe.

Art. 2

Article 12 du code civil est modifié.

Article L. 123-4 : Définitions
Un texte.
"""


def test_split_text_cuts_one_part_per_article():
    parts = split_text(LAW)
    assert [title for title, _ in parts] == [
        "Article 1er – Objet",
        "Art. 2",
        "Article L. 123-4 : Définitions",
    ]
    body = parts[0][1]
    assert body.count("<p>") == 2
    assert "&lt;b&gt;la transparence&lt;/b&gt;" in body  # pasted text is escaped
    assert "<b>" not in body
    # A sentence starting with "Article 12 du code…" is body text, not a new article.
    assert parts[1][1] == "<p>Article 12 du code civil est modifié.</p>"


def test_split_text_cuts_markdown_headings():
    parts = split_text("## Titre Ier\r\nPremier.\r\n\r\n### Chapitre 1\nDeux.\n\n# Fin\n")
    assert parts == [
        ("Titre Ier", "<p>Premier.</p>"),
        ("Chapitre 1", "<p>Deux.</p>"),
        ("Fin", ""),
    ]


def test_split_text_without_headings_gives_nothing():
    assert split_text("Un texte.\n\nSans aucun titre.") == []
    assert split_text("#Collé sans espace\nArticles 1 à 3 abrogés.") == []
    assert split_text("") == []


def test_long_heading_is_kept_whole():
    """Never cut: the import refuses a heading too long for a title (test_limits)."""
    ((title, _),) = split_text("## " + "x" * 300 + "\ncorps")
    assert title == "x" * 300


# --- consultation_import_text -----------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_one_published_opinion_per_article_and_logs_it(section, organiser):
    OpinionFactory(section=section, position=1)  # already one: positions follow it
    opinions = services.consultation_import_text(actor=organiser, section=section, text=LAW)
    assert [o.title for o in opinions] == [
        "Article 1er – Objet",
        "Art. 2",
        "Article L. 123-4 : Définitions",
    ]
    stored = list(Opinion.objects.filter(section=section).order_by("position"))
    assert len(stored) == 4
    assert [o.position for o in stored[1:]] == [2, 3, 4]
    assert all(o.published and o.author == organiser for o in stored[1:])
    section.refresh_from_db()
    assert section.opinions_count == 4
    log = ActionLog.objects.get(action="consultation_import")
    assert log.actor == organiser
    assert log.object_id == str(section.pk)
    assert log.changes == {"opinions": 3}
    assert services.counters_recompute(fix=False) == []


@pytest.mark.django_db
def test_import_of_text_without_headings_is_refused_clearly(section, organiser):
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_import_text(
            actor=organiser, section=section, text="Un texte sans titre."
        )
    assert "Aucun titre trouvé" in excinfo.value.messages[0]
    assert "Article 1" in excinfo.value.messages[0]
    assert not Opinion.objects.exists()
    assert not ActionLog.objects.filter(action="consultation_import").exists()


@pytest.mark.django_db
def test_import_never_drops_text_before_the_first_heading(section, organiser):
    with pytest.raises(ValidationError, match="avant le premier titre") as excinfo:
        services.consultation_import_text(
            actor=organiser, section=section, text="Exposé des motifs.\n\n" + LAW
        )
    assert "Exposé des motifs" in excinfo.value.messages[0]
    assert not Opinion.objects.exists()


@pytest.mark.django_db
def test_import_is_for_organisers_only(section, participant, moderator):
    for user in (participant, moderator):
        with pytest.raises(Refused, match="organisateurs"):
            services.consultation_import_text(actor=user, section=section, text=LAW)
    assert not Opinion.objects.exists()


@pytest.mark.django_db
def test_back_office_import_by_an_organiser(client, section, organiser):
    url = reverse("admin:consultation_consultation_import", args=[section.consultation_id])
    client.force_login(organiser)
    response = client.post(url, {"section": section.pk, "text": "Pas de titre."})
    assert response.status_code == 200
    assert "Aucun titre trouvé" in response.content.decode()
    assert not Opinion.objects.exists()
    response = client.post(url, {"section": section.pk, "text": LAW})
    assert response.status_code == 302
    assert Opinion.objects.filter(section=section).count() == 3


@pytest.mark.django_db
def test_back_office_import_refuses_a_moderator(client, section, moderator):
    url = reverse("admin:consultation_consultation_import", args=[section.consultation_id])
    client.force_login(moderator)
    response = client.post(url, {"section": section.pk, "text": LAW})
    assert not Opinion.objects.exists()  # the service refuses (permissions.consultation_import)
    # The page itself is organisers-only, like the rest of ConsultationAdmin. Fails until
    # ConsultationAdmin.import_view checks ``self.has_change_permission(request)`` (admin.py).
    assert response.status_code == 403
