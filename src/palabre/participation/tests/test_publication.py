"""Contributions of an unconfirmed account wait, and are published when the email is confirmed."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.test import RequestFactory
from django.urls import reverse

from palabre.components.consultation import services as consultation
from palabre.components.consultation.models import Argument, Opinion, Source, Version
from palabre.components.consultation.tests.conftest import (
    unverified_user,
    verified_user,
)
from palabre.core import components
from palabre.participation import services
from palabre.participation.requirements import confirmed_email, has_confirmed_email

pytestmark = pytest.mark.django_db


def _write_everything(user, opinion):
    return [
        consultation.opinion_create(author=user, section=opinion.section, title="T", body="B"),
        consultation.version_create(author=user, opinion=opinion, title="V", body="B"),
        consultation.argument_create(author=user, parent=opinion, kind="against", body="Non"),
        consultation.source_create(
            author=user, parent=opinion, title="S", link="https://a.fr", category="data"
        ),
    ]


def _signal(user):
    address = EmailAddress.objects.get(user=user)
    address.set_verified(commit=True)
    email_confirmed.send(
        sender=EmailAddress, request=RequestFactory().get("/"), email_address=address
    )


def test_every_consultation_contribution_is_declared_once():
    models = components.contribution_models()
    assert {Opinion, Version, Argument, Source} <= set(models)
    assert models.count(Opinion) == 1


def test_confirmation_publishes_only_that_accounts_contributions(opinion):
    first, second = unverified_user(), unverified_user()
    mine = _write_everything(first, opinion)
    theirs = _write_everything(second, opinion)
    assert not any(type(o).objects.get(pk=o.pk).published for o in mine + theirs)

    _signal(first)

    assert all(type(o).objects.get(pk=o.pk).published for o in mine)
    assert not any(type(o).objects.get(pk=o.pk).published for o in theirs)
    opinion.refresh_from_db()
    assert (opinion.versions_count, opinion.arguments_against_count, opinion.sources_count) == (
        1,
        1,
        1,
    )
    assert opinion.section.__class__.objects.get(pk=opinion.section_id).opinions_count == 2
    assert consultation.counters_recompute(fix=False) == []


def test_publishing_twice_changes_nothing(opinion):
    user = unverified_user()
    _write_everything(user, opinion)
    assert services.contributions_publish_for(user=user) == 4
    published_at = Argument.objects.get(author=user).published_at
    assert services.contributions_publish_for(user=user) == 0
    _signal(user)  # a second confirmation (another address) publishes nothing again
    assert Argument.objects.get(author=user).published_at == published_at
    opinion.refresh_from_db()
    assert opinion.arguments_against_count == 1


def test_confirmation_through_the_back_office_action_publishes(client, opinion):
    """allauth's "mark verified" admin action sends ``email_confirmed`` too."""
    user = unverified_user()
    argument = consultation.argument_create(author=user, parent=opinion, kind="for", body="Oui")
    administrator = verified_user(role="administrator", is_staff=True)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:account_emailaddress_changelist"),
        {
            "action": "make_verified",
            "_selected_action": [EmailAddress.objects.get(user=user).pk],
        },
    )
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert Argument.objects.get(pk=argument.pk).published
    assert Opinion.objects.get(pk=opinion.pk).arguments_for_count == 1


def test_pending_contribution_is_not_reachable_publicly(client, opinion):
    user = unverified_user()
    mine = consultation.opinion_create(
        author=user, section=opinion.section, title="En attente", body="<p>Secret</p>"
    )
    assert client.get(mine.get_absolute_url()).status_code == 404
    section_html = client.get(opinion.section.get_absolute_url()).content.decode()
    assert "En attente" not in section_html
    _signal(user)
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_confirmed_email_requirement():
    pending, confirmed = unverified_user(), verified_user()
    assert not has_confirmed_email(pending)
    decision = confirmed_email(pending)
    assert not decision and "Confirmez" in str(decision.reason)
    assert has_confirmed_email(confirmed) and confirmed_email(confirmed)
    without_address = verified_user()
    EmailAddress.objects.filter(user=without_address).delete()
    assert not has_confirmed_email(type(without_address).objects.get(pk=without_address.pk))
