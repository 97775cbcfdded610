"""Follows and notifications: a status-change-style notice leaves through the task queue,
the daily digest, and the one-click unsubscribe from the email's own link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils.translation import gettext_lazy

from palabre.components.consultation.tests.conftest import (
    OpinionFactory,
    SectionFactory,
    unverified_user,
    verified_user,
)
from palabre.participation import emails, notifications, services
from palabre.participation.models import Follow, Notification, NotificationPreference

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def target():
    return OpinionFactory(section=SectionFactory(), title="Rénover la halle")


def _notify(target, subject="Nouveau statut : Lauréat", message="Le projet est retenu."):
    services.followers_notify(
        target=target, subject=subject, message=message, url=target.get_absolute_url()
    )


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _unsubscribe_link(message) -> str:
    return next(u for u in _links(message.body) if "/unsubscribe/" in u)


# --- follows --------------------------------------------------------------------------------


def test_follow_and_unfollow(target, camille):
    follow = services.follow_create(user=camille, target=target)
    assert services.follow_create(user=camille, target=target) == follow  # twice: one row
    assert Follow.objects.get().target == target
    assert services.follow_delete(user=camille, target=target) is True
    assert services.follow_delete(user=camille, target=target) is False
    assert not Follow.objects.exists()
    with pytest.raises(ValidationError, match="Connectez-vous"):
        services.follow_create(user=AnonymousUser(), target=target)


def _render_button(user, target) -> str:
    request = RequestFactory().get(target.get_absolute_url())
    request.user = user
    template = Template("{% load participation %}{% follow_button target %}")
    return template.render(Context({"request": request, "user": user, "target": target}))


def test_follow_button_and_toggle_view(client, target, camille):
    html = _render_button(AnonymousUser(), target)
    assert "Connectez-vous pour suivre" in html and "<form" not in html
    html = _render_button(camille, target)
    assert 'aria-pressed="false"' in html and 'value="follow"' in html
    url = reverse("follow_toggle", args=[ContentType.objects.get_for_model(target).pk, target.pk])
    assert f'action="{url}"' in html

    assert client.post(url, {"action": "follow"})["Location"].startswith(reverse("account_login"))
    client.force_login(camille)
    response = client.post(url, {"action": "follow", "next": target.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == target.get_absolute_url()
    client.post(url, {"action": "follow"})  # a double click changes nothing
    assert Follow.objects.filter(user=camille).count() == 1
    html = _render_button(camille, target)
    assert 'aria-pressed="true"' in html and 'value="unfollow"' in html
    assert "Vous suivez ce contenu" in html  # said in words, not only by the button's colour
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.exists()
    assert client.get(url).status_code == 405  # POST only


# --- a notification leaves through the task queue --------------------------------------------


def test_followers_notify_emails_through_the_task_queue(
    target, camille, django_capture_on_commit_callbacks
):
    services.follow_create(user=camille, target=target)
    services.follow_create(user=unverified_user(), target=target)  # never mailed
    quiet = verified_user(username="silence")
    services.follow_create(user=quiet, target=target)
    services.notification_preference_set(user=quiet, frequency="none")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _notify(target)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [camille.email]
    assert message.subject == "Nouveau statut : Lauréat"
    assert "Le projet est retenu." in message.body
    assert "Bonjour camille" in message.body and "« Rénover la halle »" in message.body
    assert f"http://127.0.0.1:8000{target.get_absolute_url()}" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"] == f"<{_unsubscribe_link(message)}>"
    assert any(_path(u) == reverse("notification_settings") for u in _links(message.body))
    assert not Notification.objects.exists()


@pytest.mark.django_db(transaction=True)  # the worker commits and closes connections itself
@override_settings(TASKS=DB_TASKS)
def test_notification_waits_in_the_database_queue_for_the_worker(target, camille):
    from django_tasks_db.models import DBTaskResult

    services.follow_create(user=camille, target=target)
    _notify(target)  # outside any transaction: queued at once, as after a request's commit
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "palabre.participation.tasks.notify_followers"
    assert mail.outbox == []
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [camille.email]
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_email_in_the_followers_language(target, django_capture_on_commit_callbacks):
    reader = verified_user(username="robin", language="en")
    services.follow_create(user=reader, target=target)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(target, subject=gettext_lazy("Un résumé quotidien"), message="Texte à l'identique")
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "A daily digest"  # a lazy text, rendered in English
    assert "Hello robin" in body and "You are receiving this email because you follow" in body
    assert "Texte à l'identique" in body


def test_deleted_target_sends_nothing(target, camille):
    services.follow_create(user=camille, target=target)
    ct = ContentType.objects.get_for_model(target)
    pk = target.pk
    target.delete()
    assert (
        notifications.notifications_deliver(content_type_id=ct.pk, object_id=pk, texts={}, url="/")
        == 0
    )
    assert mail.outbox == []


# --- the daily digest ------------------------------------------------------------------------


def test_daily_digest(target, camille, django_capture_on_commit_callbacks):
    other = OpinionFactory(section=target.section, title="Planter des arbres")
    services.notification_preference_set(user=camille, frequency="daily")
    services.follow_create(user=camille, target=target)
    services.follow_create(user=camille, target=other)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(target)
        _notify(other, subject="Réponse officielle", message="La mairie répond.")
    assert mail.outbox == []
    assert Notification.objects.filter(user=camille, sent_in_digest_at=None).count() == 2

    call_command("send_digests", verbosity=0)
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [camille.email]
    assert "2 nouvelles" in digest.subject
    assert "Nouveau statut : Lauréat" in digest.body and "La mairie répond." in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(sent_in_digest_at=None).exists()
    call_command("send_digests", verbosity=0)  # nothing twice
    assert len(mail.outbox) == 1

    # Each item has its own unsubscribe link; the footer's stops every email.
    item_links = [u for u in _links(digest.body) if "/unsubscribe/" in u]
    assert len(item_links) == 3
    Client().post(_path(item_links[0]))
    assert list(Follow.objects.filter(user=camille).values_list("object_id", flat=True)) == [
        other.pk
    ]
    footer = digest.extra_headers["List-Unsubscribe"].strip("<>")
    Client().post(_path(footer))
    assert NotificationPreference.objects.get(user=camille).frequency == "none"


def test_digest_skips_what_was_unfollowed_meanwhile(
    target, camille, django_capture_on_commit_callbacks
):
    services.notification_preference_set(user=camille, frequency="daily")
    services.follow_create(user=camille, target=target)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(target)
    services.follow_delete(user=camille, target=target)
    call_command("send_digests", verbosity=0)
    assert mail.outbox == []
    assert not Notification.objects.filter(sent_in_digest_at=None).exists()


def test_send_digests_can_be_queued(target, camille, django_capture_on_commit_callbacks):
    services.notification_preference_set(user=camille, frequency="daily")
    services.follow_create(user=camille, target=target)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(target)
    call_command("send_digests", enqueue=True, verbosity=0)  # immediate backend in tests
    assert len(mail.outbox) == 1


# --- one-click unsubscribe -------------------------------------------------------------------


def _mail_for(target, user, capture):
    services.follow_create(user=user, target=target)
    with capture(execute=True):
        _notify(target)
    return mail.outbox[-1]


def test_unsubscribe_from_the_emails_link_without_login(
    target, camille, django_capture_on_commit_callbacks
):
    message = _mail_for(target, camille, django_capture_on_commit_callbacks)
    url = _path(_unsubscribe_link(message))
    browser = Client(enforce_csrf_checks=True)  # not logged in, no CSRF cookie
    page = browser.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "« Rénover la halle »" in html and 'method="post"' in html
    assert Follow.objects.filter(user=camille).exists()  # a GET (a link scanner) changes nothing
    done = browser.post(url)
    assert done.status_code == 200
    assert "Vous ne suivez plus" in done.content.decode()
    assert not Follow.objects.filter(user=camille).exists()
    assert reverse("notification_settings") in done.content.decode()


def test_list_unsubscribe_one_click_post(target, camille, django_capture_on_commit_callbacks):
    message = _mail_for(target, camille, django_capture_on_commit_callbacks)
    url = _path(message.extra_headers["List-Unsubscribe"].strip("<>"))
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Follow.objects.filter(user=camille).exists()


def test_forged_unsubscribe_token_is_refused(client, target, camille):
    token = emails.unsubscribe_token(camille, emails.target_key(target))
    services.follow_create(user=camille, target=target)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for bad in (forged, "nimportequoi"):
        response = client.post(reverse("unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "pas valide" in response.content.decode()
    assert Follow.objects.filter(user=camille).exists()


# --- the settings tab ------------------------------------------------------------------------


def test_notification_settings_tab(client, target, camille):
    url = reverse("notification_settings")
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(camille)
    services.follow_create(user=camille, target=target)
    profile = client.get(reverse("settings_profile")).content.decode()
    assert f'href="{url}"' in profile  # the tab is listed with the core's tabs
    page = client.get(url).content.decode()
    assert 'aria-current="page"' in page and "Rénover la halle" in page
    assert "<legend>Quand vous écrire" in page and 'value="immediate" required' in page
    response = client.post(url, {"frequency": "daily"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=camille).frequency == "daily"
    response = client.post(url, {"frequency": "weekly"})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_followers_who_may_no_longer_see_the_project_are_not_told(
    target, camille, django_capture_on_commit_callbacks
):
    from palabre.core.models import Project

    insider = verified_user(username="conseil")
    services.follow_create(user=camille, target=target)
    services.follow_create(user=insider, target=target)
    project = Project.objects.get(steps__consultation__sections__opinions=target)
    project.visibility = Project.Visibility.RESTRICTED
    project.save()
    project.allowed_users.add(insider)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(target)
    assert [m.to for m in mail.outbox] == [[insider.email]]


def test_one_may_unfollow_a_target_one_no_longer_sees(client, target, camille):
    from palabre.core.models import Project

    services.follow_create(user=camille, target=target)
    project = Project.objects.get(steps__consultation__sections__opinions=target)
    project.visibility = Project.Visibility.DRAFT
    project.save()
    client.force_login(camille)
    url = reverse("follow_toggle", args=[ContentType.objects.get_for_model(target).pk, target.pk])
    assert client.post(url, {"action": "follow"}).status_code == 404
    next_url = reverse("notification_settings")
    response = client.post(url, {"action": "unfollow", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert not Follow.objects.exists()
