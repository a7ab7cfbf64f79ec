"""Bulk inserts that skip rows whose unique key is there already, on SQLite and PostgreSQL."""

from __future__ import annotations

from functools import cache

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_new(connection: Connection, table: Table, key: str) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``table`` that leaves rows alone whose ``key`` column already exists.

    Both dialects spell it ``ON CONFLICT (key) DO NOTHING``; the bot supports no others.
    The values go with the execution, so the statement is built once per table and key.
    """
    return _insert_new(connection.dialect.name, table, key)


@cache
def _insert_new(dialect: str, table: Table, key: str) -> postgresql.Insert | sqlite.Insert:
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=[key])
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=[key])
    raise NotImplementedError(f"bulk inserts are not supported on {dialect}")
