"""The session's user, loaded by Palabre's backend in one plain statement: the same user as
the ORM's, and no user where Django's backend would give none; a user model the statement
cannot read exactly is read by the ORM."""

import datetime as dt

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.utils import timezone

from palabre.core import auth_backends
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
    load_user(user.pk)  # PostgreSQL: the statement prepared on this connection (once)
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


def test_every_field_of_the_user_model_is_read_by_the_lean_statement():
    """The lean path is taken for Palabre's user: a field of a kind it does not know (listed
    in ``PLAIN_KINDS``) would send every logged-in request through the ORM."""
    assert auth_backends.plain_fields(User) == list(User._meta.concrete_fields)
    assert auth_backends._statement(connection) is not None


@isolate_apps()  # no installed app: none of their ready() runs again
def test_a_field_of_another_kind_is_left_to_the_orm():
    class Encrypted(models.CharField):
        def from_db_value(self, value, expression, connection):
            return value[::-1]

    class WithJson(models.Model):  # noqa: DJ008 - a test model, never printed
        name = models.CharField(max_length=10)
        data = models.JSONField()

        class Meta:
            app_label = "isolated"

    class WithOwnConversion(models.Model):  # noqa: DJ008 - a test model, never printed
        secret = Encrypted(max_length=10)

        class Meta:
            app_label = "isolated"

    class Plain(models.Model):  # noqa: DJ008 - a test model, never printed
        name = models.CharField(max_length=10)
        joined = models.DateTimeField()

        class Meta:
            app_label = "isolated"

    assert auth_backends.plain_fields(WithJson) is None
    assert auth_backends.plain_fields(WithOwnConversion) is None
    assert [f.name for f in auth_backends.plain_fields(Plain)] == ["id", "name", "joined"]


def test_without_the_lean_statement_the_orm_loads_the_same_user(monkeypatch):
    user = UserFactory(birth_date=dt.date(1990, 5, 17), last_login=timezone.now())
    lean = load_user(user.pk)
    # As for a user model with a field the lean statement does not know.
    monkeypatch.setattr(auth_backends, "PLAIN_KINDS", auth_backends.PLAIN_KINDS - {"DateField"})
    monkeypatch.setattr(auth_backends, "_statements", {})
    with CaptureQueriesContext(connection) as queries:
        loaded = AuthenticationBackend().get_user(user.pk)
    assert len(queries) == 1 and "LIMIT" in queries[0]["sql"].upper()  # the ORM's query
    assert _fields(loaded) == _fields(lean) == _fields(User.objects.get(pk=user.pk))
    assert AuthenticationBackend().get_user(10**9) is None
