"""The consultation's pages and endpoints through the test client."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from palabre.components.consultation import services
from palabre.components.consultation.models import (
    Argument,
    ArgumentVote,
    Opinion,
    OpinionVote,
    Source,
    Version,
)

from .conftest import ArgumentFactory, close_step, unverified_user

pytestmark = pytest.mark.django_db


def _url(name, opinion, *args):
    step = opinion.section.consultation.step
    return reverse(f"consultation:{name}", args=[step.project.slug, step.slug, *args])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _pressed(html: str) -> list[str]:
    """The ``<button …>`` tags of the page shown as pressed (the visitor's own votes)."""
    return [tag for tag in re.findall(r"<button\b[^>]*>", html) if 'aria-pressed="true"' in tag]


# --- votes ------------------------------------------------------------------------------------


def test_vote_endpoint_redirects_anonymous_visitors_to_login(client, opinion):
    url = _url("opinion_vote", opinion, opinion.pk)
    response = client.post(url, {"value": "ok", "next": opinion.get_absolute_url()})
    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"].startswith(login)
    assert "next=" in response["Location"]
    assert not OpinionVote.objects.exists()
    assert client.get(url).status_code == 405  # a vote is never a GET side effect


def test_vote_cast_change_withdraw_through_the_endpoint(client, opinion, participant):
    client.force_login(participant)
    url = _url("opinion_vote", opinion, opinion.pk)
    response = client.post(url, {"value": "mitigated", "next": opinion.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == opinion.get_absolute_url()
    assert "Votre vote est enregistré." in _messages(response)
    client.post(url, {"value": "ok"})
    opinion.refresh_from_db()
    assert (opinion.votes_ok, opinion.votes_mitigated) == (1, 0)
    html = client.get(opinion.get_absolute_url()).content.decode()
    (pressed,) = _pressed(html)
    assert 'value="ok"' in pressed
    response = client.post(url, {"value": ""})
    assert "Votre vote est retiré." in _messages(response)
    assert not OpinionVote.objects.exists()
    assert Opinion.objects.get(pk=opinion.pk).votes_total == 0


def test_refused_vote_shows_the_reason_and_changes_nothing(client, opinion, participant, other):
    services.opinion_vote(user=other, opinion=opinion, value="nok")
    close_step(opinion.section.consultation.step)
    client.force_login(participant)
    url = _url("opinion_vote", opinion, opinion.pk)
    response = client.post(url, {"value": "ok", "next": opinion.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == opinion.get_absolute_url()
    assert [m for m in _messages(response) if "Cette étape est terminée" in m]
    assert not [m for m in _messages(response) if "Votre vote" in m]
    html = client.get(response["Location"]).content.decode()
    assert list(OpinionVote.objects.values_list("user", "value")) == [(other.pk, "nok")]
    opinion.refresh_from_db()
    assert (opinion.votes_ok, opinion.votes_nok) == (0, 1)
    # The closed page is still readable, with the results, and offers no vote button.
    assert "Pas d'accord : 1" in html
    assert 'name="value"' not in html  # no vote button
    assert "Cette étape est terminée" in html  # the reason, where the buttons were


def test_unconfirmed_account_is_told_to_confirm_before_voting(client, opinion):
    newcomer = unverified_user()
    client.force_login(newcomer)
    response = client.post(_url("opinion_vote", opinion, opinion.pk), {"value": "ok"})
    assert any("Confirmez votre adresse" in m for m in _messages(response))
    assert not OpinionVote.objects.exists()


def test_vote_redirect_ignores_a_foreign_next(client, opinion, participant):
    client.force_login(participant)
    response = client.post(
        _url("opinion_vote", opinion, opinion.pk),
        {"value": "ok", "next": "https://evil.example/phish"},
    )
    assert response["Location"] == opinion.get_absolute_url()


def test_version_vote_endpoint(client, opinion, participant):
    version = services.version_create(author=participant, opinion=opinion, title="V", body="B")
    client.force_login(participant)
    url = _url("version_vote", opinion, opinion.pk, version.pk)
    assert client.post(url, {"value": "nok"}).status_code == 302
    assert Version.objects.get(pk=version.pk).votes_nok == 1


def test_argument_useful_vote_toggles_through_the_endpoint(client, opinion, participant):
    argument = ArgumentFactory(opinion=opinion)
    url = _url("argument_vote", opinion, argument.pk)
    anonymous = client.post(url, {"on": "1"})
    assert anonymous["Location"].startswith(reverse("account_login"))
    client.force_login(participant)
    client.post(url, {"on": "1"})
    assert Argument.objects.get(pk=argument.pk).votes_count == 1
    html = client.get(opinion.get_absolute_url()).content.decode()
    argument_html = html.split(f'id="argument-{argument.pk}"', 1)[1].split("</li>", 1)[0]
    assert len(_pressed(argument_html)) == 1
    assert 'name="on" value="0"' in argument_html  # the next click withdraws
    client.post(url, {"on": "0"})
    assert Argument.objects.get(pk=argument.pk).votes_count == 0
    assert not ArgumentVote.objects.exists()


def test_small_vote_on_another_steps_argument_is_404(client, opinion, participant):
    from .conftest import OpinionFactory

    elsewhere = ArgumentFactory(opinion=OpinionFactory())
    client.force_login(participant)
    assert client.post(_url("argument_vote", opinion, elsewhere.pk), {"on": "1"}).status_code == 404
    assert not ArgumentVote.objects.exists()


# --- forms ------------------------------------------------------------------------------------


def test_invalid_argument_form_keeps_the_typed_text(client, opinion, participant):
    client.force_login(participant)
    typed = "Un argument soigneusement rédigé & <réfléchi>"
    response = client.post(
        _url("argument_create", opinion), {"opinion": opinion.pk, "kind": "", "body": typed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Un argument soigneusement rédigé &amp; &lt;réfléchi&gt;" in html
    assert "errorlist" in html
    assert not Argument.objects.exists()


def test_argument_refused_by_the_service_keeps_the_text_and_says_why(client, opinion, participant):
    close_step(opinion.section.consultation.step)
    client.force_login(participant)
    response = client.post(
        _url("argument_create", opinion),
        {"opinion": opinion.pk, "kind": "for", "body": "Trop tard mais sincère"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette étape est terminée" in html
    assert "Trop tard mais sincère" in html
    assert not Argument.objects.exists()


def test_argument_created_through_the_form(client, opinion, participant):
    client.force_login(participant)
    response = client.post(
        _url("argument_create", opinion),
        {"opinion": opinion.pk, "kind": "against", "body": "Je ne suis pas d'accord."},
    )
    argument = Argument.objects.get()
    assert response.status_code == 302
    assert response["Location"] == argument.get_absolute_url()
    assert Opinion.objects.get(pk=opinion.pk).arguments_against_count == 1
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Je ne suis pas d&#x27;accord." in html


def test_invalid_source_form_keeps_the_typed_text(client, opinion, participant):
    client.force_login(participant)
    response = client.post(
        _url("source_create", opinion),
        {
            "opinion": opinion.pk,
            "title": "Rapport du Conseil d'État",
            "link": "pas une adresse",
            "category": "study",
            "body": "Un rapport essentiel",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rapport du Conseil d&#x27;État" in html and "Un rapport essentiel" in html
    assert not Source.objects.exists()


def test_opinion_by_an_unconfirmed_account_is_pending(client, section):
    newcomer = unverified_user()
    client.force_login(newcomer)
    response = client.post(
        reverse(
            "consultation:opinion_create",
            args=[
                section.consultation.step.project.slug,
                section.consultation.step.slug,
                "titre-1",
            ],
        ),
        {"title": "Ma proposition", "body": "Premier paragraphe.\n\nSecond."},
    )
    assert response.status_code == 302
    assert response["Location"] == section.get_absolute_url()
    assert any("confirmé votre adresse" in m for m in _messages(response))
    opinion = Opinion.objects.get()
    assert not opinion.published
    assert opinion.body == "<p>Premier paragraphe.</p><p>Second.</p>"


def test_author_edits_through_the_form_and_badge_appears_after_votes(
    client, section, participant, other
):
    mine = services.opinion_create(author=participant, section=section, title="T", body="<p>B</p>")
    services.opinion_vote(user=other, opinion=mine, value="ok")
    client.force_login(participant)
    url = _url("opinion_edit", mine, mine.pk)
    page = client.get(url)
    assert page.status_code == 200 and 'value="T"' in page.content.decode()
    response = client.post(url, {"title": "T2", "body": "Texte corrigé."})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.title, mine.body, mine.edited_after_votes) == ("T2", "<p>Texte corrigé.</p>", True)
    assert mine.votes_ok == 1
    assert "modifié" in client.get(mine.get_absolute_url()).content.decode()

    client.force_login(other)
    response = client.post(url, {"title": "Piraté", "body": "x"})
    assert response.status_code == 403
    assert "Seul·e l&#x27;auteur·rice peut modifier" in response.content.decode()
    assert Opinion.objects.get(pk=mine.pk).title == "T2"


def _mine(participant, opinion):
    """An amendment, an argument on the opinion and a source on the amendment, by
    ``participant``."""
    version = services.version_create(
        author=participant, opinion=opinion, title="Mon amendement", body="<p>Nouveau.</p>"
    )
    argument = services.argument_create(
        author=participant, parent=opinion, kind="against", body="Premier jet."
    )
    source = services.source_create(
        author=participant,
        parent=version,
        title="Rapport",
        link="https://example.org/rapport",
        category="study",
    )
    return version, argument, source


def _edit_urls(opinion, version, argument, source) -> dict:
    return {
        "version": _url("version_edit", opinion, opinion.pk, version.pk),
        "argument": _url("argument_edit", opinion, argument.pk),
        "source": _url("source_edit", opinion, source.pk),
    }


def test_author_edits_amendment_argument_and_source_and_the_badge_appears_after_votes(
    client, opinion, participant, other
):
    version, argument, source = _mine(participant, opinion)
    urls = _edit_urls(opinion, version, argument, source)
    services.version_vote(user=other, version=version, value="ok")
    services.argument_vote(user=other, argument=argument, on=True)  # the source: no vote
    client.force_login(participant)

    # The author sees a "Modifier" link next to each contribution, to its edit page.
    opinion_html = client.get(opinion.get_absolute_url()).content.decode()
    assert f'href="{urls["argument"]}"' in opinion_html
    version_html = client.get(version.get_absolute_url()).content.decode()
    assert f'href="{urls["version"]}"' in version_html
    assert f'href="{urls["source"]}"' in version_html
    assert 'Modifier<span class="visually-hidden"> cet argument</span>' in opinion_html

    # Each edit page: prefilled, guarded against leaving with unsaved text.
    for name, url in urls.items():
        page = client.get(url)
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "data-leave-guard" in html and "participation/leave_guard.js" in html, name
        assert html.count("participation/leave_guard.js") == 1, name
        assert "Enregistrer la modification" in html, name
    assert "Premier jet." in client.get(urls["argument"]).content.decode()
    assert 'value="https://example.org/rapport"' in client.get(urls["source"]).content.decode()
    assert "Nouveau." in client.get(urls["version"]).content.decode()

    response = client.post(
        urls["version"],
        {"title": "Mon amendement revu", "body": "Plus net.", "explanation": "Relu."},
    )
    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    assert "Modification enregistrée." in _messages(response)
    response = client.post(urls["argument"], {"body": "Second jet, mieux dit."})
    assert response.status_code == 302
    assert response["Location"] == argument.get_absolute_url()
    response = client.post(
        urls["source"],
        {
            "title": "Rapport 2025",
            "link": "https://example.org/rapport-2025",
            "category": "data",
            "body": "Les chiffres.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == source.get_absolute_url()

    version = Version.objects.get(pk=version.pk)
    assert (version.title, version.body, version.explanation) == (
        "Mon amendement revu",
        "<p>Plus net.</p>",
        "Relu.",
    )
    assert (version.edited_after_votes, version.votes_ok) == (True, 1)
    argument = Argument.objects.get(pk=argument.pk)
    assert (argument.body, argument.kind, argument.votes_count) == (
        "Second jet, mieux dit.",
        "against",
        1,
    )
    assert argument.edited_after_votes
    source = Source.objects.get(pk=source.pk)
    assert (source.title, source.link, source.category, source.body) == (
        "Rapport 2025",
        "https://example.org/rapport-2025",
        "data",
        "Les chiffres.",
    )
    assert not source.edited_after_votes, "no vote yet: no badge"

    # "modifié" next to the amendment and the argument (edited after votes), not the source.
    client.logout()
    version_html = client.get(version.get_absolute_url()).content.decode()
    byline = re.search(r'<p class="opinion__meta">.*?</p>', version_html, re.S).group()
    assert "modifié" in byline
    (source_item,) = re.findall(
        rf'<li class="source" id="source-{source.pk}">.*?</li>', version_html, re.S
    )
    assert "Rapport 2025" in source_item and "modifié" not in source_item
    opinion_html = client.get(opinion.get_absolute_url()).content.decode()
    (argument_item,) = re.findall(
        rf'<li class="argument" id="argument-{argument.pk}">.*?</li>', opinion_html, re.S
    )
    assert "Second jet, mieux dit." in argument_item and "modifié" in argument_item
    assert "/edit/" not in argument_item, "no edit link for a visitor"


def test_only_the_author_edits_and_only_in_this_step(client, opinion, participant, other):
    version, argument, source = _mine(participant, opinion)
    urls = _edit_urls(opinion, version, argument, source)
    for url in urls.values():  # a visitor is asked to log in first
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        )
    client.force_login(other)
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert urls["argument"] not in html, "no edit link for another participant"
    assert urls["version"] not in client.get(version.get_absolute_url()).content.decode()
    for name, url in urls.items():
        assert client.get(url).status_code == 403, name
    posts = {
        "version": {"title": "Piraté", "body": "x"},
        "argument": {"body": "Piraté"},
        "source": {"title": "Piraté", "link": "https://example.org/x", "category": "other"},
    }
    for name, data in posts.items():
        response = client.post(urls[name], data)
        assert response.status_code == 403, name
        assert "Seul·e l&#x27;auteur·rice peut modifier" in response.content.decode()
    assert Version.objects.get(pk=version.pk).title == "Mon amendement"
    assert Argument.objects.get(pk=argument.pk).body == "Premier jet."
    assert Source.objects.get(pk=source.pk).title == "Rapport"

    # Through another step's URL, or an unknown id: not found.
    client.force_login(participant)
    elsewhere = ArgumentFactory()
    assert client.get(_url("argument_edit", opinion, elsewhere.pk)).status_code == 404
    assert client.get(_url("argument_edit", elsewhere.opinion, argument.pk)).status_code == 404
    assert client.get(_url("source_edit", opinion, 99999)).status_code == 404
    assert client.get(_url("version_edit", opinion, opinion.pk, 99999)).status_code == 404


def test_closed_step_refuses_the_edit_with_its_reason_and_keeps_the_text(
    client, opinion, participant
):
    version, argument, source = _mine(participant, opinion)
    urls = _edit_urls(opinion, version, argument, source)
    close_step(opinion.section.consultation.step)
    client.force_login(participant)
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert urls["argument"] not in html, "no edit link once the step is closed"
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert any("Cette étape est terminée" in m for m in _messages(response)), name
    # Sent once the step closed (the page was open before): refused, the typed text kept.
    response = client.post(urls["argument"], {"body": "Ma correction tardive"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette étape est terminée" in html and "Ma correction tardive" in html
    assert Argument.objects.get(pk=argument.pk).body == "Premier jet."


def test_invalid_edit_keeps_the_typed_text_with_the_message(client, opinion, participant):
    version, argument, source = _mine(participant, opinion)
    urls = _edit_urls(opinion, version, argument, source)
    client.force_login(participant)
    response = client.post(
        urls["source"],
        {
            "title": "Rapport du Conseil d'État",
            "link": "pas une adresse",
            "category": "study",
            "body": "Un rapport essentiel",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rapport du Conseil d&#x27;État" in html and "Un rapport essentiel" in html
    assert 'value="pas une adresse"' in html
    assert "Saisissez une URL valide." in html and "errorlist" in html
    assert html.count("participation/leave_guard.js") == 1
    response = client.post(urls["version"], {"title": "", "body": "Mon texte & <à moi>"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mon texte &amp; &lt;à moi&gt;" in html and "Ce champ est obligatoire." in html
    response = client.post(urls["argument"], {"body": "   "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert Source.objects.get(pk=source.pk).link == "https://example.org/rapport"
    assert Version.objects.get(pk=version.pk).title == "Mon amendement"
    assert Argument.objects.get(pk=argument.pk).body == "Premier jet."


def test_a_moderated_contribution_is_not_edited(client, opinion, participant, moderator):
    from palabre.participation import services as participation_services

    version, argument, source = _mine(participant, opinion)
    urls = _edit_urls(opinion, version, argument, source)
    participation_services.contribution_trash(actor=moderator, obj=argument, reason="Injure")
    client.force_login(participant)
    response = client.get(urls["argument"])
    assert response.status_code == 302
    assert "Une contribution modérée ne peut plus être modifiée." in _messages(response)
    response = client.post(urls["argument"], {"body": "Autre chose"})
    assert response.status_code == 400
    assert Argument.objects.get(pk=argument.pk).body == "Premier jet."


# --- pages ------------------------------------------------------------------------------------


def test_pages_render_for_anonymous_visitors(client, opinion):
    step = opinion.section.consultation.step
    version = services.version_create(
        author=opinion.author, opinion=opinion, title="Amendement A", body="<p>Nouveau texte</p>"
    )
    assert "Titre Ier" in client.get(step.get_absolute_url()).content.decode()
    section_html = client.get(opinion.section.get_absolute_url()).content.decode()
    assert "Article 1" in section_html and "Se connecter pour proposer" in section_html
    opinion_html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Se connecter pour voter" in opinion_html and "Amendement A" in opinion_html
    version_html = client.get(version.get_absolute_url()).content.decode()
    assert "<ins>" in version_html and "<del>" in version_html
    assert client.get(_url("opinion", opinion, 999_999)).status_code == 404


@pytest.mark.parametrize("sort", ["random", "votes", "agree", "controversial", "newest", "oldest"])
def test_section_sorts(client, section, participant, other, sort):
    from .conftest import OpinionFactory

    liked, disliked = OpinionFactory(section=section), OpinionFactory(section=section)
    services.opinion_vote(user=participant, opinion=liked, value="ok")
    services.opinion_vote(user=other, opinion=liked, value="ok")
    services.opinion_vote(user=participant, opinion=disliked, value="nok")
    response = client.get(section.get_absolute_url(), {"sort": sort})
    assert response.status_code == 200
    html = response.content.decode()
    assert liked.title in html and disliked.title in html
    if sort in ("votes", "agree"):
        assert html.index(liked.title) < html.index(disliked.title)


# --- moderation, ids, pagers, back office (review fixes) --------------------------------------


def test_moderated_opinion_shows_neither_its_title_nor_its_text(client, opinion, moderator):
    from palabre.participation import services as participation

    Opinion.objects.filter(pk=opinion.pk).update(
        title="Titre injurieux", body="<p>Le texte injurieux initial.</p>"
    )
    opinion.refresh_from_db()
    version = services.version_create(
        author=moderator, opinion=opinion, title="Amendement", body="<p>Un texte apaisé.</p>"
    )
    participation.contribution_trash(actor=moderator, obj=opinion, reason="Injure")
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Contenu modéré : Injure" in html
    assert "injurieux" not in html  # not even in <title>
    # The amendment's page diffed against the moderated text and named it (kicker, crumbs).
    response = client.get(version.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == opinion.get_absolute_url()
    assert "injurieux" not in client.get(version.get_absolute_url(), follow=True).content.decode()
    # Nor the amendment form, which quoted its title and prefilled its text.
    client.force_login(moderator)
    response = client.get(_url("version_create", opinion, opinion.pk))
    assert response.status_code == 302 and response["Location"] == opinion.get_absolute_url()


def test_moderated_version_title_is_not_in_the_page_title(client, opinion, moderator):
    from palabre.participation import services as participation

    version = services.version_create(
        author=moderator, opinion=opinion, title="Amendement injurieux", body="<p>B</p>"
    )
    participation.contribution_trash(actor=moderator, obj=version, reason="Injure")
    html = client.get(version.get_absolute_url()).content.decode()
    assert "Contenu modéré : Injure" in html and "injurieux" not in html


def test_opinion_page_ids_are_unique_and_every_label_names_one_field(client, opinion, participant):
    client.force_login(participant)
    html = client.get(opinion.get_absolute_url()).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    labelled = re.findall(r'<label for="([^"]+)"', html)
    assert labelled and all(ids.count(target) == 1 for target in labelled)
    # The argument's and the source's text fields, each with its own label.
    assert 'for="id_argument_body"' in html and 'for="id_source_body"' in html


def test_argument_and_source_pagers_are_told_apart_and_keep_each_others_page(client, opinion):
    from palabre.components.consultation import views

    from .conftest import SourceFactory

    n = views.ARGUMENTS_PER_PAGE + 1
    for _ in range(n):
        ArgumentFactory(opinion=opinion, kind="for")
        ArgumentFactory(opinion=opinion, kind="against")
        SourceFactory(opinion=opinion)
    html = client.get(opinion.get_absolute_url(), {"contre": 2}).content.decode()
    labels = re.findall(r'<nav class="pagination pagination--small" aria-label="([^"]+)"', html)
    assert len(labels) == 3 and len(set(labels)) == 3  # three landmarks, three names
    # Paging the "pour" column keeps the "contre" column on its page.
    assert "?contre=2&amp;pour=2#arguments-title" in html


def test_organiser_adds_moves_and_deletes_opinions_in_the_back_office(
    client, section, organiser, opinion
):
    from palabre.components.consultation.models import Section
    from palabre.core.models import ActionLog

    from .conftest import SectionFactory

    client.force_login(organiser)
    response = client.post(
        reverse("admin:consultation_opinion_add"),
        {"section": section.pk, "title": "Article 2", "body": "<p>Texte</p>", "position": 2},
    )
    assert response.status_code == 302
    added = Opinion.objects.get(title="Article 2")
    assert added.published and added.published_at and added.author == organiser
    assert Section.objects.get(pk=section.pk).opinions_count == 2
    assert client.get(added.get_absolute_url()).status_code == 200

    elsewhere = SectionFactory(consultation=section.consultation)
    response = client.post(
        reverse("admin:consultation_opinion_change", args=[added.pk]),
        {"section": elsewhere.pk, "title": "Article 2", "body": "<p>Texte</p>", "position": 2},
    )
    assert response.status_code == 302
    assert services.counters_recompute(fix=False) == []

    response = client.post(
        reverse("admin:consultation_opinion_delete", args=[added.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Opinion.objects.filter(pk=added.pk).exists()
    assert services.counters_recompute(fix=False) == []
    assert ActionLog.objects.filter(action="delete", object_id=str(added.pk)).exists()


def test_statistics_count_every_contributor_once(client, opinion, participant, other):
    from palabre.components.consultation import selectors

    from .conftest import SourceFactory, verified_user

    version = services.version_create(author=participant, opinion=opinion, title="V", body="B")
    only_argues_on_a_version = verified_user()
    ArgumentFactory(version=version, opinion=None, author=only_argues_on_a_version)
    only_cites = verified_user()
    SourceFactory(opinion=opinion, author=only_cites)
    only_votes_on_a_version = verified_user()
    services.version_vote(user=only_votes_on_a_version, version=version, value="ok")
    services.opinion_vote(user=other, opinion=opinion, value="nok")
    services.opinion_vote(user=participant, opinion=opinion, value="ok")
    stats = selectors.statistics(opinion.section.consultation)
    # The organiser (article), camille (amendment, vote), dominique (vote) and the three.
    assert stats["contributors"] == 6
    assert (stats["opinions"], stats["versions"], stats["arguments"], stats["sources"]) == (
        1,
        1,
        1,
        1,
    )
    assert stats["votes"] == 3


def test_visitors_are_not_invited_to_log_in_to_vote_on_a_closed_step(client, opinion):
    close_step(opinion.section.consultation.step)
    html = client.get(opinion.get_absolute_url()).content.decode()
    vote = html.split('id="vote"', 1)[1].split("</section>", 1)[0]
    assert "Se connecter pour voter" not in vote
    assert "Cette étape est terminée" in vote


def test_each_sort_puts_the_opinions_in_its_order(client, section, participant, other):
    """Every sort of the section page, by its own criterion (pinned ones first always)."""
    from .conftest import OpinionFactory

    liked = OpinionFactory(section=section, title="Aimée")
    split = OpinionFactory(section=section, title="Partagée")
    debated = OpinionFactory(section=section, title="Débattue")
    pinned = OpinionFactory(section=section, title="Épinglée", pinned=True)
    for voter in (participant, other):
        services.opinion_vote(user=voter, opinion=liked, value="ok")
    services.opinion_vote(user=participant, opinion=split, value="ok")
    services.opinion_vote(user=other, opinion=split, value="nok")
    for kind in ("for", "against", "for"):
        ArgumentFactory(opinion=debated, kind=kind)
    titles = [o.title for o in (liked, split, debated, pinned)]

    def order(sort: str) -> list[str]:
        html = client.get(section.get_absolute_url(), {"sort": sort}).content.decode()
        return sorted(titles, key=html.index)

    expected = {
        "votes": ["Épinglée", "Partagée", "Aimée", "Débattue"],  # 2 votes each: newest first
        "agree": ["Épinglée", "Aimée", "Partagée", "Débattue"],
        "controversial": ["Épinglée", "Partagée", "Aimée", "Débattue"],
        "newest": ["Épinglée", "Débattue", "Partagée", "Aimée"],
        "oldest": ["Épinglée", "Aimée", "Partagée", "Débattue"],
        "arguments": ["Épinglée", "Débattue", "Partagée", "Aimée"],
    }
    for sort, titles_in_order in expected.items():
        assert order(sort) == titles_in_order, sort
    # Random, but the same for one visitor (their seed is in a cookie) page after page.
    first = order("random")
    assert first[0] == "Épinglée"
    assert all(order("random") == first for _ in range(3))


def test_every_amendment_is_reachable_page_after_page(client, opinion):
    from palabre.components.consultation import views

    from .conftest import VersionFactory

    versions = [VersionFactory(opinion=opinion) for _ in range(views.ARGUMENTS_PER_PAGE * 2 + 11)]
    seen: set[str] = set()
    page, pages = 1, 0
    while page:
        html = client.get(opinion.get_absolute_url(), {"amendements": page}).content.decode()
        seen |= set(re.findall(r"/opinions/\d+/versions/(\d+)/", html))
        pages += 1
        page = page + 1 if f"amendements={page + 1}#versions-title" in html else None
    assert pages == 3
    assert seen == {str(v.pk) for v in versions}
