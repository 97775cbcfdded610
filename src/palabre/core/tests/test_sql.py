"""``core/sql.py``: statements in batches, and a transaction's BEGIN and COMMIT riding along."""

# ruff: noqa: S608 - the only name put in the SQL is this module's table

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from palabre.core.sql import batch, named

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the transaction's edges ride along on PostgreSQL"
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


def status() -> str:
    return connection.connection.info.transaction_status.name


def test_statements_run_in_order_each_with_its_rows(table):
    with transaction.atomic(), connection.cursor() as cursor:
        results = batch(
            cursor,
            [
                (f"INSERT INTO {TABLE} (v) VALUES (%s), (%s)", [1, 2]),
                named("test_count", f"SELECT COUNT(*) FROM {TABLE} WHERE v >= %s", [1]),
                (f"SELECT v FROM {TABLE} WHERE v = %s", [3]),
            ],
        )
    assert results == [[], [(2,)], []]
    assert stored() == [1, 2]


@postgres_only
def test_begin_goes_in_the_same_round_trip(table):
    # Statements of one query string share the time the server received it: a transaction
    # opened by a BEGIN of its own (psycopg's) started earlier than the statement.
    same = "SELECT statement_timestamp() = transaction_timestamp()"
    with transaction.atomic(), connection.cursor() as cursor:
        assert batch(cursor, [(same, [])], begin=True) == [[(True,)]]
        assert status() == "INTRANS" and connection.connection.autocommit is False
        # Already open: no second BEGIN (PostgreSQL would only warn), same transaction.
        assert batch(cursor, [(same, [])], begin=True) == [[(False,)]]
    with transaction.atomic(), connection.cursor() as cursor:
        assert batch(cursor, [(same, [])]) == [[(False,)]]


@postgres_only
def test_commit_goes_in_the_same_round_trip_and_ends_the_transaction(table):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with connection.cursor() as cursor:
            rows = batch(
                cursor, [(f"INSERT INTO {TABLE} (v) VALUES (%s) RETURNING v", [1])], commit=True
            )
        assert rows == [[(1,)]] and status() == "IDLE"
        1 / 0  # too late to undo: the caller had nothing left that could refuse  # noqa: B018
    assert stored() == [1]


@postgres_only
def test_a_failing_statement_skips_the_commit_and_the_block_rolls_back(table):
    with (
        pytest.raises(IntegrityError, match="duplicate key"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        batch(
            cursor,
            [
                (f"INSERT INTO {TABLE} (v) VALUES (%s)", [1]),
                (f"INSERT INTO {TABLE} (v) VALUES (%s)", [1]),
            ],
            begin=True,
            commit=True,
        )
    assert stored() == []


@postgres_only
def test_inside_another_block_the_transaction_is_left_to_django(table):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with transaction.atomic(), connection.cursor() as cursor:
            batch(cursor, [(f"INSERT INTO {TABLE} (v) VALUES (%s)", [1])], begin=True, commit=True)
            assert status() == "INTRANS"
        1 / 0  # noqa: B018
    assert stored() == []
