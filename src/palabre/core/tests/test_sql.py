"""``core/sql.py``: statements in batches (one round trip on PostgreSQL), kept prepared, inside
Django's own transaction."""

# ruff: noqa: S608 - the only name put in the SQL is this module's table

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from palabre.core.sql import batch, named

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's round trips and isolation levels"
)
TABLE = "palabre_test_sql_batch"


@pytest.fixture
def table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {TABLE} (v integer PRIMARY KEY)")
    yield TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


def stored() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v FROM {TABLE} ORDER BY v")
        return [v for (v,) in cursor.fetchall()]


def test_statements_run_in_order_each_with_its_rows(table):
    with transaction.atomic(), connection.cursor() as cursor:
        results = batch(
            cursor,
            [
                (f"INSERT INTO {TABLE} (v) VALUES (%s), (%s)", [1, 2]),
                named("test_count", f"SELECT COUNT(*) FROM {TABLE} WHERE v >= %s", [1]),
                (f"SELECT v FROM {TABLE} WHERE v = %s", [3]),
                (f"UPDATE {TABLE} SET v = v + %s WHERE v = %s RETURNING v", [10, 2]),
            ],
        )
    assert results == [[], [(2,)], [], [(12,)]]
    assert stored() == [1, 12]


def test_an_exception_after_the_last_statement_rolls_the_whole_block_back(table):
    # The transaction is Django's: nothing commits before the end of the atomic block.
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with connection.cursor() as cursor:
            rows = batch(
                cursor,
                [
                    (f"INSERT INTO {TABLE} (v) VALUES (%s) RETURNING v", [1]),
                    (f"INSERT INTO {TABLE} (v) VALUES (%s) RETURNING v", [2]),
                ],
            )
        assert rows == [[(1,)], [(2,)]]
        1 / 0  # noqa: B018
    assert stored() == []


def test_a_failing_statement_stops_the_rest_and_the_block_rolls_back(table):
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        batch(
            cursor,
            [
                (f"INSERT INTO {TABLE} (v) VALUES (%s)", [1]),
                (f"INSERT INTO {TABLE} (v) VALUES (%s)", [1]),
                (f"INSERT INTO {TABLE} (v) VALUES (%s)", [2]),
            ],
        )
    assert stored() == []


def test_a_prepared_statement_outlives_a_rolled_back_transaction(table):
    statement = named("test_outlives", f"INSERT INTO {TABLE} (v) VALUES (%s) RETURNING v", [5])
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with connection.cursor() as cursor:
            assert batch(cursor, [statement]) == [[(5,)]]
        1 / 0  # noqa: B018
    assert stored() == []
    with transaction.atomic(), connection.cursor() as cursor:  # prepared already: EXECUTE
        assert batch(cursor, [statement]) == [[(5,)]]
    assert stored() == [5]


@postgres_only
def test_a_batch_is_one_round_trip(table):
    # Statements of one query string share the moment the server received it: the second
    # reading of statement_timestamp() equals the first although 20 ms went by in between.
    moment = "SELECT statement_timestamp()"
    with transaction.atomic(), connection.cursor() as cursor:
        first, _sleep, last = batch(
            cursor, [(moment, []), ("SELECT pg_sleep(%s)", [0.02]), named("moment", moment, [])]
        )
    assert first == last


@postgres_only
def test_the_configured_isolation_level_applies(table):
    # psycopg opens the transaction, with the connection's isolation level (Django sets it
    # from OPTIONS["isolation_level"]): a batch never opens one of its own.
    from psycopg import IsolationLevel

    connection.ensure_connection()
    pg = connection.connection
    saved = pg.isolation_level
    pg.isolation_level = IsolationLevel.SERIALIZABLE
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            (rows, _) = batch(
                cursor, [("SHOW transaction_isolation", []), (f"SELECT v FROM {TABLE}", [])]
            )
    finally:
        pg.isolation_level = saved
    assert rows == [("serializable",)]
