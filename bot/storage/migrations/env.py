"""Alembic's entry point: runs the migrations in ``versions/`` against one database.

``bot.storage.database.upgrade_database`` hands over an open connection through
``config.attributes["connection"]``; the ``alembic`` command line (see ``alembic.ini``
beside this file) has none, and connects to ``DATABASE_URL`` instead.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlmodel import SQLModel

from bot.storage import tables
from bot.storage.database import create_database_engine, database_url_from_env

# Every table module must be imported before this line for autogenerate to see it.
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our own column types as plain SQLAlchemy ones in generated migrations.

    A migration must keep working after the code it was generated from has changed,
    so it should not import ``bot.storage.tables``.
    """
    if type_ == "type" and isinstance(obj, tables.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


FOREIGN_TABLES = frozenset({"apscheduler_jobs"})
"""Tables in our database that belong to a library (the scheduler's job store), not to us."""


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave other libraries' tables out of autogenerate, so no migration drops them."""
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        include_object=include_object,
        # SQLite can hardly ALTER a table; batch operations copy it instead there and
        # are plain ALTERs elsewhere, so a migration generated on either runs on both.
        render_as_batch=True,
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Write the migrations as SQL (``alembic upgrade --sql``) without connecting."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url") or database_url_from_env("dev.db"),
        target_metadata=target_metadata,
        render_item=render_item,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the connection we were given, or on a new one."""
    given: Connection | None = context.config.attributes.get("connection")
    if given is not None:
        _configure(given)
        with context.begin_transaction():
            context.run_migrations()
        return

    url = context.config.get_main_option("sqlalchemy.url") or database_url_from_env("dev.db")
    engine = create_database_engine(url)
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
