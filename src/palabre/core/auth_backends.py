"""The accounts' authentication backend: allauth's, with a leaner load of the session's user.

Every logged-in request loads its user. Django's ``ModelBackend.get_user`` builds and compiles
an ORM query for it each time, which costs several times the database's own work (a vote is a
logged-in request; a national vote makes hundreds a second). Here the statement is written once
per database and its values go through the same converters as the ORM's.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.expressions import Col

from .sql import batch, named

_statements: dict[str, tuple] = {}


def _statement(connection):
    """(SQL, field names, (expression, converters) per column) for this database, once."""
    found = _statements.get(connection.alias)
    if found is None:
        model = get_user_model()
        fields = model._meta.concrete_fields
        table = model._meta.db_table
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(table)} "  # noqa: S608 - our names
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        columns = []
        for field in fields:
            expression = Col(table, field)
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            columns.append((expression, converters))
        found = (sql, [f.attname for f in fields], columns)
        _statements[connection.alias] = found
    return found


def load_user(user_id):
    """The user of primary key ``user_id`` (as the session stores it), or None."""
    model = get_user_model()
    try:
        pk = model._meta.pk.to_python(user_id)
    except Exception:  # noqa: BLE001 - a malformed session value: no user
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    sql, names, columns = _statement(connection)
    with connection.cursor() as cursor:
        (rows,) = batch(cursor, [named("session_user", sql, [pk])], connection)
    if not rows:
        return None
    (row,) = rows
    values = []
    for value, (expression, converters) in zip(row, columns, strict=True):
        for converter in converters:
            value = converter(value, expression, connection)
        values.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
