"""The accounts' authentication backend: allauth's, with a leaner load of the session's user.

Every logged-in request loads its user. Django's ``ModelBackend.get_user`` builds and compiles
an ORM query for it each time, which costs several times the database's own work (a vote is a
logged-in request; a national vote makes hundreds a second). Here the statement is written
once per database from the model's documented ``_meta`` and kept prepared (``core/sql.py``);
its row goes through public interfaces only: each value through its field's documented
``to_python``, a naive date-time made aware as the ORM reads it from a database without time
zones (SQLite: in the ``TIME_ZONE`` of the database's settings, else UTC), then the documented
``Model.from_db``.

That is exact for the kinds of field listed in ``PLAIN_KINDS``, whose values the drivers
return as the ORM does once ``to_python`` ran. A user model with a field of another kind, or
one converting its own values (``from_db_value``, a custom field's hook), is loaded through the
ORM: correct first, lean where it is known to be exact.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .sql import batch, named

# ``Field.get_internal_type()`` of the fields a plain cursor and ``to_python`` read exactly.
PLAIN_KINDS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
        "FileField",
        "BooleanField",
        "DateField",
        "DateTimeField",
    }
)


@dataclass(frozen=True)
class _Statement:
    """How this process reads the user model on one database."""

    sql: str
    names: list[str]  # each column's attribute name, in order
    fields: list  # each column's field
    naive_zone: dt.tzinfo | None  # the zone naive date-times are read in (None: left naive)


_statements: dict[str, _Statement | None] = {}


def plain_fields(model) -> list | None:
    """The concrete fields of ``model``, or None when one of them needs the ORM's reading."""
    fields = list(model._meta.concrete_fields)
    for field in fields:
        if field.get_internal_type() not in PLAIN_KINDS or hasattr(field, "from_db_value"):
            return None
    return fields


def _statement(connection) -> _Statement | None:
    """The statement for this database, once; None when the ORM must read the user."""
    if connection.alias in _statements:
        return _statements[connection.alias]
    model = get_user_model()
    fields = plain_fields(model)
    found = None
    if fields is not None:
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608 - our names
            f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} = %s"
        )
        zone = None
        if settings.USE_TZ:  # PostgreSQL returns aware date-times: only SQLite's are naive
            name = settings.DATABASES[connection.alias].get("TIME_ZONE")
            zone = zoneinfo.ZoneInfo(name) if name else dt.UTC
        found = _Statement(sql, [f.attname for f in fields], fields, zone)
    _statements[connection.alias] = found
    return found


def _value(field, value, zone):
    value = field.to_python(value)
    if zone is not None and isinstance(value, dt.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, zone)
    return value


def load_user(user_id):
    """The user of primary key ``user_id`` (as the session stores it), or None."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a malformed session value: no user
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    statement = _statement(connection)
    if statement is None:
        return model._default_manager.filter(pk=pk).first()
    with connection.cursor() as cursor:
        (rows,) = batch(cursor, [named("session_user", statement.sql, [pk])], connection)
    if not rows:
        return None
    (row,) = rows
    zone = statement.naive_zone
    values = [_value(f, v, zone) for f, v in zip(statement.fields, row, strict=True)]
    return model.from_db(DEFAULT_DB_ALIAS, statement.names, values)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
