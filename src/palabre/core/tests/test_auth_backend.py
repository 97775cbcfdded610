"""The session's user, loaded by Palabre's backend in one plain statement: the same user as
the ORM's, and no user where Django's backend would give none."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palabre.core.auth_backends import AuthenticationBackend, load_user
from palabre.core.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_the_loaded_user_is_the_orm_user_field_by_field():
    user = UserFactory(
        zip_code="75011",
        birth_date=dt.date(1990, 5, 17),
        bio="Habitante du quartier",
        last_login=timezone.now() - dt.timedelta(hours=3),
        charter_accepted_at=timezone.now(),
        is_staff=True,
    )
    with CaptureQueriesContext(connection) as queries:
        loaded = AuthenticationBackend().get_user(user.pk)
    assert len(queries) == 1
    expected = _fields(User.objects.get(pk=user.pk))
    assert _fields(loaded) == expected
    # The types too: aware datetimes, booleans, dates (SQLite returns text and integers).
    assert loaded.last_login.tzinfo is not None and loaded.is_staff is True
    assert isinstance(loaded.birth_date, dt.date) and loaded.avatar.name == expected["avatar"]
    assert not loaded._state.adding and loaded._state.db == "default"
    assert loaded.get_session_auth_hash() == user.get_session_auth_hash()


def test_no_user_when_django_would_give_none():
    inactive = UserFactory(is_active=False)
    assert AuthenticationBackend().get_user(inactive.pk) is None
    assert AuthenticationBackend().get_user(10**9) is None
    assert load_user("not-a-number") is None


def test_a_logged_in_request_uses_it(client):
    user = UserFactory()
    client.force_login(user, backend="palabre.core.auth_backends.AuthenticationBackend")
    response = client.get("/settings/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == user.pk
