"""Comments, shared by every kind (here on consultation opinions): services, permissions,
the comment block, moderation and a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from palabre.components.consultation.models import Opinion
from palabre.components.consultation.tests.conftest import (
    OpinionFactory,
    SectionFactory,
    close_step,
    unverified_user,
    verified_user,
)
from palabre.core import components
from palabre.core.models import Project
from palabre.participation import selectors, services, targets
from palabre.participation.models import Comment, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def dominique():
    return verified_user(username="dominique")


def _post_url(target) -> str:
    return reverse("comment_create", args=[ContentType.objects.get_for_model(target).pk, target.pk])


def _step(opinion):
    return opinion.section.consultation.step


# --- services and permissions ---------------------------------------------------------------


def test_comment_create_and_reply_thread_one_level(opinion, camille, dominique):
    first = services.comment_create(author=camille, target=opinion, body="  Bonne idée.  ")
    assert (first.target, first.body, first.published, first.parent) == (
        opinion,
        "Bonne idée.",
        True,
        None,
    )
    reply = services.comment_create(author=dominique, target=opinion, body="Oui", parent=first)
    assert reply.parent == first
    # A reply to a reply joins the top-level comment's thread.
    deeper = services.comment_create(author=camille, target=opinion, body="Merci", parent=reply)
    assert deeper.parent == first
    assert list(first.replies.order_by("pk")) == [reply, deeper]


def test_comment_refusals_are_translated_validation_errors(opinion, camille):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValidationError, match="Écrivez votre commentaire"):
        services.comment_create(author=camille, target=opinion, body="   ")
    with pytest.raises(ValidationError, match=r"\(actuellement 5\S*001\)"):
        services.comment_create(author=camille, target=opinion, body="x" * 5001)
    with pytest.raises(ValidationError, match="Connectez-vous"):
        services.comment_create(author=AnonymousUser(), target=opinion, body="Bonjour")
    other = OpinionFactory(section=opinion.section)
    foreign = services.comment_create(author=camille, target=other, body="Ailleurs")
    with pytest.raises(ValidationError, match="ne se rapporte pas"):
        services.comment_create(author=camille, target=opinion, body="Hop", parent=foreign)
    close_step(_step(opinion))
    opinion = Opinion.objects.get(pk=opinion.pk)
    with pytest.raises(ValidationError, match="terminée"):
        services.comment_create(author=camille, target=opinion, body="Trop tard")
    assert Comment.objects.count() == 1


def test_no_comment_on_a_moderated_or_pending_target(opinion, camille, dominique):
    services.contribution_trash(actor=dominique, obj=opinion, reason="Hors charte")
    with pytest.raises(ValidationError, match="pas ouvert aux commentaires"):
        services.comment_create(author=camille, target=opinion, body="Bonjour")
    pending = OpinionFactory(section=opinion.section, published=False, published_at=None)
    with pytest.raises(ValidationError, match="pas ouvert aux commentaires"):
        services.comment_create(author=camille, target=pending, body="Bonjour")


def test_edit_by_the_author_only_while_comments_are_open(opinion, camille, dominique):
    comment = services.comment_create(author=camille, target=opinion, body="Premier jet")
    with pytest.raises(ValidationError, match="Seul·e l'auteur·rice"):
        services.comment_edit(comment=comment, editor=dominique, body="Pirate")
    edited = services.comment_edit(comment=comment, editor=camille, body="Version relue")
    assert (edited.body, edited.edited) == ("Version relue", True)
    with pytest.raises(ValidationError, match="Écrivez"):
        services.comment_edit(comment=comment, editor=camille, body="")
    close_step(_step(opinion))
    comment = Comment.objects.get(pk=comment.pk)
    with pytest.raises(ValidationError, match="terminée"):
        services.comment_edit(comment=comment, editor=camille, body="Après coup")
    assert Comment.objects.get(pk=comment.pk).body == "Version relue"


def test_unconfirmed_accounts_comment_is_published_at_confirmation(client, opinion):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed
    from django.test import RequestFactory

    newcomer = unverified_user(username="nouvelle")
    comment = services.comment_create(author=newcomer, target=opinion, body="En attente")
    assert not comment.published
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "En attente" not in html and "0 commentaire" in html
    client.force_login(newcomer)  # the author sees it, marked as waiting
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "En attente" in html and "confirmez votre adresse" in html

    address = EmailAddress.objects.get(user=newcomer)
    address.set_verified(commit=True)
    email_confirmed.send(
        sender=EmailAddress, request=RequestFactory().get("/"), email_address=address
    )
    assert Comment.objects.get(pk=comment.pk).published
    client.logout()
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "En attente" in html and "1 commentaire" in html


def test_comments_are_declared_contributions():
    assert Comment in components.contribution_models()
    assert targets.is_target(Opinion) and not targets.is_target(Comment)
    assert not targets.is_target(Project)


# --- the comment block and its views ----------------------------------------------------------


def test_comment_section_for_anonymous_invites_to_log_in(client, opinion, camille):
    services.comment_create(
        author=camille, target=opinion, body="Ligne 1\nLigne 2 <script>x</script>"
    )
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert 'aria-labelledby="comments-title"' in html
    assert "1 commentaire" in html
    assert "<p>Ligne 1<br>Ligne 2 &lt;script&gt;x&lt;/script&gt;</p>" in html
    assert "<script>x</script>" not in html
    assert "pour commenter" in html and reverse("account_login") in html
    assert 'name="body"' not in html  # no form for anonymous visitors
    assert "Signaler" not in html.split('id="comments"')[1]


def test_comment_through_the_views_without_javascript(client, opinion, camille, dominique):
    client.force_login(camille)
    url = opinion.get_absolute_url()
    page = client.get(url).content.decode()
    assert f'action="{_post_url(opinion)}"' in page
    assert '<label for="id_comment_body">' in page
    response = client.post(_post_url(opinion), {"body": "Très bien", "next": url})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url}#comment-{comment.pk}"
    assert comment.author == camille

    client.force_login(dominique)
    page = client.get(url).content.decode()
    assert "Très bien" in page
    assert f'for="reply-body-{comment.pk}"' in page  # a labelled reply form
    report = reverse("report", args=[ContentType.objects.get_for_model(Comment).pk, comment.pk])
    assert report in page  # the existing report view, per comment
    assert reverse("comment_edit", args=[comment.pk]) not in page  # not dominique's
    response = client.post(
        _post_url(opinion), {"body": "Je réponds", "parent": comment.pk, "next": url}
    )
    reply = Comment.objects.get(parent=comment)
    assert response["Location"] == f"{url}#comment-{reply.pk}"
    # A foreign "next" is ignored.
    response = client.post(
        _post_url(opinion), {"body": "Ailleurs", "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(url)


def test_invalid_comment_keeps_the_text_and_shows_the_error(client, opinion, camille):
    client.force_login(camille)
    url = opinion.get_absolute_url()
    response = client.post(_post_url(opinion), {"body": "x" * 5001, "next": url})
    assert response.status_code == 400
    html = response.content.decode()
    assert "n'a pas été publié" in html and "(actuellement 5\xa0001)" in html
    assert "x" * 5001 in html  # what was typed is still there
    assert f'name="next" value="{url}"' in html
    close_step(_step(opinion))
    response = client.post(_post_url(opinion), {"body": "Mon avis tardif", "next": url})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Mon avis tardif" in html and "terminée" in html
    assert not Comment.objects.exists()


def test_comment_views_refuse_anonymous_and_unknown_targets(client, opinion, camille):
    response = client.post(_post_url(opinion), {"body": "Anonyme"})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    client.force_login(camille)
    project = Project.objects.first()
    project_url = reverse(
        "comment_create", args=[ContentType.objects.get_for_model(Project).pk, project.pk]
    )
    user_url = reverse(
        "comment_create", args=[ContentType.objects.get_for_model(camille).pk, camille.pk]
    )
    for url in (project_url, user_url, reverse("comment_create", args=[9999, 1])):
        assert client.post(url, {"body": "Hop"}).status_code == 404
    # A target in a draft project is not reachable.
    project.visibility = Project.Visibility.DRAFT
    project.save()
    assert client.post(_post_url(opinion), {"body": "Hop"}).status_code == 404
    assert client.get(opinion.get_absolute_url()).status_code == 404
    assert not Comment.objects.exists()


def test_edit_view(client, opinion, camille, dominique):
    comment = services.comment_create(author=camille, target=opinion, body="Brouillon")
    edit_url = reverse("comment_edit", args=[comment.pk])
    client.force_login(dominique)
    assert client.get(edit_url).status_code == 403
    assert client.post(edit_url, {"body": "Pirate"}).status_code == 403
    client.force_login(camille)
    page = client.get(opinion.get_absolute_url()).content.decode()
    assert edit_url in page
    form = client.get(edit_url).content.decode()
    assert "Brouillon" in form and "Modifier votre commentaire" in form
    response = client.post(edit_url, {"body": "Relu et corrigé"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert Comment.objects.get(pk=comment.pk).body == "Relu et corrigé"
    page = client.get(opinion.get_absolute_url()).content.decode()
    assert "Relu et corrigé" in page and "modifié" in page
    response = client.post(edit_url, {"body": ""})
    assert response.status_code == 400 and "Écrivez votre commentaire" in response.content.decode()


def test_reported_comment_is_moderated_and_replaced_by_the_reason(
    client, opinion, camille, dominique
):
    comment = services.comment_create(author=camille, target=opinion, body="Propos déplacés")
    reply = services.comment_create(
        author=dominique, target=opinion, body="Pas d'accord", parent=comment
    )
    client.force_login(dominique)
    report_url = reverse("report", args=[ContentType.objects.get_for_model(Comment).pk, comment.pk])
    page = client.get(report_url)
    assert page.status_code == 200 and "Propos déplacés" in page.content.decode()
    response = client.post(report_url, {"reason": "offensive", "next": opinion.get_absolute_url()})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.target == comment

    moderator = verified_user(role="moderator", is_staff=True)
    client.force_login(moderator)
    change_url = reverse("admin:participation_report_change", args=[report.pk])
    change = client.get(change_url).content.decode()
    assert "Propos déplacés" in change and opinion.get_absolute_url() in change
    response = client.post(
        change_url, {"_save": "Enregistrer", "decision": "hide", "public_reason": "Insulte"}
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).is_trashed

    client.logout()
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert "Contenu modéré : Insulte" in html and "Propos déplacés" not in html
    assert "Pas d'accord" in html  # the replies stay
    assert "1 commentaire" in html  # the moderated one no longer counts
    assert reply.pk in {c.pk for c in selectors.comments_for(opinion, 1)[0].visible_replies}


# --- pagination, counts and queries -----------------------------------------------------------


def _seed(opinion, n: int, authors) -> None:
    """``n`` top-level comments, each with two replies (bulk, as the factories do)."""
    ct = ContentType.objects.get_for_model(opinion)
    now = timezone.now()
    tops = Comment.objects.bulk_create(
        Comment(
            content_type=ct,
            object_id=opinion.pk,
            author=authors[i % len(authors)],
            body=f"Commentaire {i}",
            published=True,
            published_at=now,
            created_at=now - timedelta(minutes=n - i),
        )
        for i in range(n)
    )
    Comment.objects.bulk_create(
        Comment(
            content_type=ct,
            object_id=opinion.pk,
            parent=top,
            author=authors[(i + j) % len(authors)],
            body=f"Réponse {i}.{j}",
            published=True,
            published_at=now,
        )
        for i, top in enumerate(tops)
        for j in range(2)
    )


def test_pagination_newest_first_and_replies_oldest_first(client, opinion, camille, dominique):
    _seed(opinion, 45, [camille, dominique])
    page = selectors.comments_for(opinion, 1)
    assert page.paginator.num_pages == 3
    assert [c.body for c in page.object_list[:2]] == ["Commentaire 44", "Commentaire 43"]
    assert [r.body for r in page.object_list[0].visible_replies] == ["Réponse 44.0", "Réponse 44.1"]
    html = client.get(opinion.get_absolute_url() + "?comments_page=3").content.decode()
    assert "135 commentaires" in html
    assert "Commentaire 0" in html and "Commentaire 44" not in html
    assert "Page 3 sur 3" in html and "comments_page=2#comments" in html
    # A new reply to an old thread sends its author to the page where that thread is.
    client.force_login(camille)
    oldest = Comment.objects.get(body="Commentaire 0")
    response = client.post(
        _post_url(opinion),
        {"body": "Je relance", "parent": oldest.pk, "next": opinion.get_absolute_url()},
    )
    reply = Comment.objects.get(body="Je relance")
    assert (
        response["Location"] == f"{opinion.get_absolute_url()}?comments_page=3#comment-{reply.pk}"
    )


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("logged_in", [False, True])
def test_comment_block_runs_a_fixed_number_of_queries(client, logged_in, camille):
    authors = [verified_user() for _ in range(6)]
    small, large = (OpinionFactory(section=SectionFactory()) for _ in range(2))
    _seed(small, 5, authors)
    _seed(large, 50, authors)
    if logged_in:
        client.force_login(camille)
    client.get(small.get_absolute_url())  # warm the per-process caches (content types…)
    small_q = _queries(client, small.get_absolute_url())
    large_q = _queries(client, large.get_absolute_url())
    assert len(small_q) == len(large_q), "\n".join(large_q)
    assert len(_queries(client, large.get_absolute_url() + "?comments_page=3")) == len(large_q)
    # The block itself: the heading's count, the paginator's count, one page, its replies.
    assert len([q for q in large_q if "participation_comment" in q]) == 4


def test_annotate_comment_count(opinion, camille):
    other = OpinionFactory(section=opinion.section)
    first = services.comment_create(author=camille, target=opinion, body="Un")
    services.comment_create(author=camille, target=opinion, body="Deux", parent=first)
    hidden = services.comment_create(author=camille, target=opinion, body="Masqué")
    services.contribution_trash(actor=camille, obj=hidden, reason="Spam")
    services.comment_create(author=unverified_user(), target=opinion, body="En attente")
    counted = {
        o.pk: o.comment_count
        for o in selectors.annotate_comment_count(
            Opinion.objects.filter(pk__in=[opinion.pk, other.pk])
        )
    }
    assert counted == {opinion.pk: 2, other.pk: 0}
    ordered = selectors.annotate_comment_count(Opinion.objects.all()).order_by("-comment_count")
    assert ordered.first() == opinion
    assert selectors.comment_count(opinion) == 2


def test_invalid_reply_keeps_its_thread(client, opinion, camille, dominique):
    comment = services.comment_create(author=camille, target=opinion, body="La question")
    client.force_login(dominique)
    response = client.post(_post_url(opinion), {"body": " ", "parent": comment.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Répondre à un commentaire" in html and "La question" in html
    assert f'name="parent" value="{comment.pk}"' in html
    # A moderated comment is neither answered nor quoted.
    services.contribution_trash(actor=dominique, obj=comment, reason="Spam")
    response = client.post(_post_url(opinion), {"body": "Réponse", "parent": comment.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert "On ne peut pas répondre" in html and "La question" not in html
    response = client.post(_post_url(opinion), {"body": "Réponse", "parent": "999999"})
    assert response.status_code == 400 and "existe plus" in response.content.decode()
    assert Comment.objects.count() == 1


def test_deleting_a_target_deletes_its_comments_and_follows(opinion, camille):
    from palabre.participation.models import Follow

    kept = OpinionFactory(section=opinion.section)
    services.comment_create(author=camille, target=kept, body="Reste")
    first = services.comment_create(author=camille, target=opinion, body="Part")
    services.comment_create(author=camille, target=opinion, body="Aussi", parent=first)
    services.follow_create(user=camille, target=opinion)
    opinion.delete()
    assert list(Comment.objects.values_list("body", flat=True)) == ["Reste"]
    assert not Follow.objects.exists()


def test_refused_comment_on_a_moderated_target_does_not_name_it(client, camille, dominique):
    opinion = OpinionFactory(section=SectionFactory(), title="Titre injurieux")
    services.contribution_trash(actor=dominique, obj=opinion, reason="Injure")
    client.force_login(camille)
    response = client.post(_post_url(opinion), {"body": "Bonjour"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "pas ouvert aux commentaires" in html
    assert "Contenu modéré : Injure" in html and "injurieux" not in html
    assert not Comment.objects.exists()


def test_only_targets_lose_fast_deletion_to_the_cleanup_signal(opinion, camille):
    """The cleanup above listens to deletions of targets only: a receiver for every model
    made Django load and signal every vote row one by one when a step or project was deleted."""
    from django.db.models.deletion import Collector

    from palabre.components.consultation.models import ArgumentVote, OpinionVote

    for model in (OpinionVote, ArgumentVote):
        assert Collector(using="default").can_fast_delete(model.objects.all()), model
    assert not Collector(using="default").can_fast_delete(Opinion.objects.all())


GUARD_JS = "participation/leave_guard.js"


def _guarded_forms(html: str) -> list[str]:
    """The ``<form …>`` tags asking before one leaves them with unsaved text, each with
    its texts (the confirmation's title, message and buttons)."""
    import re

    forms = re.findall(r"<form\b[^>]*>", html)
    guarded = [tag for tag in forms if " data-leave-guard " in tag]
    for tag in guarded:
        for attr in ("title", "message", "confirm", "cancel"):
            assert f'data-leave-{attr}="' in tag, (attr, tag)
    assert 'data-leave-title="Quitter la page ?"' in guarded[0]
    return guarded


def test_comment_and_reply_forms_ask_before_leaving_with_the_script_loaded_once(
    client, opinion, camille, dominique
):
    """DESIGN.md: nothing typed is lost by a misclick. The article's page loads the guard in
    its head (for the argument form); the comment section asks for it again: written once."""
    comment = services.comment_create(author=dominique, target=opinion, body="Une question.")
    client.force_login(camille)
    html = client.get(opinion.get_absolute_url()).content.decode()
    assert html.count(GUARD_JS) == 1 and html.count("participation/leave_guard.css") == 1
    comments = html.split('id="comments"')[1]
    guarded = _guarded_forms(comments)
    assert len(guarded) == 2  # the new comment, the reply to the comment
    assert any("comment-form" in tag for tag in guarded)
    assert f'id="reply-body-{comment.pk}"' in comments

    # On a page whose head does not load it (a proposal's page), the section does, once.
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get(opinion.get_absolute_url())
    request.user = camille
    page = Template(
        "{% load participation %}<main>{% comment_section target %}</main>{% leave_guard_assets %}"
    ).render(Context({"request": request, "user": camille, "target": opinion}))
    assert page.count(GUARD_JS) == 1 and page.index(GUARD_JS) < page.index("</main>")
    assert len(_guarded_forms(page)) == 2

    # The comment's own pages: the edit form, and a refused comment shown again.
    mine = services.comment_create(author=camille, target=opinion, body="Mon avis.")
    edit = client.get(reverse("comment_edit", args=[mine.pk])).content.decode()
    assert edit.count(GUARD_JS) == 1 and len(_guarded_forms(edit)) == 1
    refused = client.post(_post_url(opinion), {"body": ""}).content.decode()
    assert refused.count(GUARD_JS) == 1 and len(_guarded_forms(refused)) == 1

    # No form, no script: a visitor has nothing to lose here.
    client.logout()
    assert (
        GUARD_JS
        not in client.get(opinion.get_absolute_url()).content.decode().split('id="comments"')[1]
    )
