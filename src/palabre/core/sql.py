"""SQL statements for the hottest paths (a vote, the session's user): sent in batches, kept
prepared, through public interfaces only (house rule 10).

``batch`` runs statements in order and returns the rows of each. On PostgreSQL they go in one
round trip: psycopg's client-side binding (Django's default, ``ClientCursor``) writes the
values into the text, so several statements separated by semicolons go as one query string,
and psycopg's public ``Cursor.nextset()`` walks their results. Each is still a statement of
its own, reading the rows as they are when it starts (READ COMMITTED), after the locks the
previous ones waited for. An error in one stops the rest and fails the transaction, as one by
one.

The transaction is Django's: a batch runs inside a ``transaction.atomic`` block like any other
statement, psycopg opens the transaction (with the configured isolation level) before the
first statement and Django commits or rolls back at the end of the block, so anything that
goes wrong after the last statement still undoes the whole block.

``named`` marks a statement that PostgreSQL keeps prepared on each connection: planning such
small statements costs the database more than running them. It is prepared on the
connection's first use of it with a plain ``PREPARE`` statement (a prepared statement outlives
a rolled-back transaction), then run with ``EXECUTE``. Elsewhere (SQLite, server-side binding)
the SQL is sent as it is.
"""

from __future__ import annotations

import weakref

from django.db import connection as default_connection

_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def named(name: str, sql: str, params: list) -> tuple[str, list, str]:
    """A statement PostgreSQL keeps prepared under ``palabre_<name>``: one SQL text per name."""
    return sql, params, f"palabre_{name}"


def _client_side_binding(connection) -> bool:
    """PostgreSQL through psycopg's client-side binding (Django's default): the values are
    written into the statement's text, so several statements can go in one string."""
    options = connection.settings_dict.get("OPTIONS") or {}
    return connection.vendor == "postgresql" and not options.get("server_side_binding")


def _execute_sql(connection, cursor, statements) -> list[str]:
    """The SQL to send for ``statements``: ``EXECUTE`` for the prepared ones (PostgreSQL)."""
    if not _client_side_binding(connection):
        return [statement[0] for statement in statements]
    done = _prepared_on.setdefault(connection.connection, set())
    for statement in statements:
        if len(statement) == 3 and statement[2] not in done:
            sql, _params, name = statement
            parts = sql.split("%s")
            numbered = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], 1))
            # One at a time, each recorded once it exists: a prepared statement outlives the
            # transaction, even one that fails after it.
            cursor.execute(f"PREPARE {name} AS {numbered}")
            done.add(name)
    sent = []
    for statement in statements:
        if len(statement) == 3:
            marks = ", ".join(["%s"] * len(statement[1]))
            sent.append(f"EXECUTE {statement[2]}({marks})" if marks else f"EXECUTE {statement[2]}")
        else:
            sent.append(statement[0])
    return sent


def batch(cursor, statements: list[tuple], connection=None) -> list[list[tuple]]:
    """Run ``statements`` ((sql, params) or ``named``) in order; the rows of each."""
    connection = connection or default_connection
    sqls = _execute_sql(connection, cursor, statements)
    if _client_side_binding(connection) and len(sqls) > 1:
        from psycopg.pq import ExecStatus

        cursor.execute("; ".join(sqls), [value for st in statements for value in st[1]])
        results = []
        while True:
            # psycopg's documented ``Cursor.pgresult``: a statement's status without building
            # the column descriptions ``description`` would.
            result = cursor.pgresult
            has_rows = result is not None and result.status == ExecStatus.TUPLES_OK
            results.append(cursor.fetchall() if has_rows else [])
            if not cursor.nextset():
                return results
    results = []
    for sql, statement in zip(sqls, statements, strict=True):
        cursor.execute(sql, statement[1])
        results.append(cursor.fetchall() if cursor.description else [])
    return results
