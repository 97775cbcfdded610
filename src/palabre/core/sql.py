"""SQL statements for the hottest paths (a vote, the session's user): sent in batches, kept
prepared.

``batch`` runs statements in order and returns the rows of each. On PostgreSQL they go in one
round trip (psycopg's client-side binding, Django's default, sends them as one query string);
each is still a statement of its own, reading the rows as they are when it starts (READ
COMMITTED), after the locks the previous ones waited for. An error in one stops the rest and
fails the transaction, as one by one.

``named`` marks a statement that PostgreSQL keeps prepared on each connection: planning such
small statements costs the database more than running them. It is prepared on the
connection's first use of it (a prepared statement outlives a rolled-back transaction), then
run with ``EXECUTE``. Elsewhere (SQLite, server-side binding) the SQL is sent as it is.

A transaction's edges can ride along too (``begin``, ``commit``): psycopg would send BEGIN
and COMMIT in round trips of their own, and on a small VM every round trip (a wait, a wake-up
on both sides) costs about as much as a statement. Both only apply to the outermost
``transaction.atomic`` block (a nested block or a test's transaction is left to Django):

- ``begin``: the batch starts the transaction, ``BEGIN`` goes first in its string (only if
  no statement ran in the block yet; else it is already open). psycopg is told, for that
  one call, that it need not open the transaction itself.
- ``commit``: the batch is the transaction's last statements and the caller has nothing left
  that could refuse or undo: ``COMMIT`` goes last in its string. If a statement fails, the
  rest of the string (COMMIT included) is skipped and the block rolls back as usual; once it
  succeeded, Django's own commit at the end of the block finds nothing to do.
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


def _outermost(connection) -> bool:
    """Inside the outermost ``atomic`` block, the one whose transaction this is."""
    return connection.in_atomic_block and len(connection.atomic_blocks) == 1


def batch(
    cursor, statements: list[tuple], connection=None, *, begin=False, commit=False
) -> list[list[tuple]]:
    """Run ``statements`` ((sql, params) or ``named``) in order; the rows of each.

    ``begin``/``commit``: the transaction's first/last statements (see the module).
    """
    connection = connection or default_connection
    sqls = _execute_sql(connection, cursor, statements)
    if _client_side_binding(connection):
        from psycopg.pq import ExecStatus, TransactionStatus

        pg = connection.connection
        opens = (
            begin
            and _outermost(connection)
            and not pg.autocommit
            and pg.info.transaction_status == TransactionStatus.IDLE
        )
        if opens:
            sqls = ["BEGIN", *sqls]
        if commit and _outermost(connection):
            sqls = [*sqls, "COMMIT"]
        # psycopg opens a transaction with a BEGIN of its own before a statement when it is
        # not in autocommit and idle; when the string opens it, psycopg is told not to. Its
        # flag is only read by that check (psycopg pinned in pyproject.toml;
        # core/tests/test_sql.py checks it).
        if opens:
            pg._autocommit = True
        try:
            cursor.execute("; ".join(sqls), [value for st in statements for value in st[1]])
        finally:
            if opens:
                pg._autocommit = False
        raw = cursor.cursor  # psycopg's own cursor: no column descriptions built to read rows
        results = []
        while True:
            has_rows = raw.pgresult is not None and raw.pgresult.status == ExecStatus.TUPLES_OK
            results.append(raw.fetchall() if has_rows else [])
            if not raw.nextset():
                first = 1 if opens else 0  # past BEGIN's (empty) result
                return results[first : first + len(statements)]  # and not COMMIT's
    results = []
    for sql, statement in zip(sqls, statements, strict=True):
        cursor.execute(sql, statement[1])
        results.append(cursor.fetchall() if cursor.description else [])
    return results
