"""Emails speak for the organisation: its name greets and signs, and is the sender's display
name, at the address the operator configured (DEFAULT_FROM_EMAIL); never the server's host."""

from __future__ import annotations

import re
from email.utils import parseaddr

import pytest
from django.core import mail

from palabre.core.mail import sender
from palabre.core.models import Organisation
from palabre.participation import emails

from .factories import UserFactory

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8000"
SIGNUP = {
    "email": "lea.dupont@example.org",
    "username": "lea",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
    "charter": "on",
}


@pytest.fixture
def organisation(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    settings.DEFAULT_FROM_EMAIL = "participation@demoville.example"
    org = Organisation.load()
    org.name = "Ville de Démoville"
    org.save()
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    return org


def _without_links(text: str) -> str:
    return re.sub(r"https?://\S+", "", text)


def _sent_by_organisation(message) -> None:
    name, address = parseaddr(message.message()["From"])
    assert address == "participation@demoville.example"
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(name))) == "Ville de Démoville"


def test_confirmation_email_names_the_organisation_and_never_the_host(client, organisation):
    response = client.post("/accounts/signup/", SIGNUP, HTTP_HOST=HOST)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Ville de Démoville" in message.subject
    assert "Ville de Démoville" in message.body
    assert HOST not in message.subject
    assert "127.0.0.1" not in _without_links(message.body), message.body
    assert "localhost" not in message.message()["From"]
    _sent_by_organisation(message)


def test_password_reset_email_names_the_organisation(client, organisation):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="oubli@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": user.email}, HTTP_HOST=HOST)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Ville de Démoville" in message.body
    assert "127.0.0.1" not in _without_links(message.body), message.body
    _sent_by_organisation(message)


def test_notification_emails_have_the_same_sender(organisation):
    user = UserFactory(email="suivi@example.org")
    message = emails.notification_email(
        user=user, target=organisation, subject="Du nouveau", message="Un texte.", url="/"
    )
    assert message.from_email == sender()
    _sent_by_organisation(message)


def test_an_operator_display_name_is_kept(settings, organisation):
    settings.DEFAULT_FROM_EMAIL = "Mairie de Démoville <mairie@demoville.example>"
    assert sender() == "Mairie de Démoville <mairie@demoville.example>"


def test_an_organisation_name_with_special_characters_stays_one_display_name(organisation):
    organisation.name = 'Ville "de" Démoville, <mairie>\nannexe'
    organisation.save()
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    name, address = parseaddr(sender())
    assert address == "participation@demoville.example"
    assert "\n" not in sender()
