"""Opening the database: which URL, the engine's settings, and bringing the schema up to date.

SQLite in a local file is the default; PostgreSQL is used when the URL says so. Either
way ``open_database`` returns an engine whose schema is at the newest migration.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool, StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""The Alembic script folder (``env.py`` and ``versions/``)."""

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_MIGRATION_WAIT_MS = 120_000
"""How long a process waits for another that is migrating the same SQLite file."""

DatabaseError = SQLAlchemyError
"""What a failing database operation raises, whatever the driver (its ``orig`` is the
driver's own error, when there is one)."""

_POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "postgresql+psycopg"})
_POSTGRES_DRIVER = "postgresql+psycopg"
# Any fixed number will do; it only has to be the same for every process of the bot.
_MIGRATION_LOCK_KEY = 0x4D65726B  # "Merk"


def normalize_database_url(url: str) -> str:
    """Return ``url`` with any PostgreSQL scheme spelled ``postgresql+psycopg``.

    ``postgres://`` (as hosting platforms hand it out) and ``postgresql://`` (which
    SQLAlchemy would take to mean psycopg2, not installed) both become psycopg 3 URLs;
    every other URL is returned unchanged.
    """
    scheme, separator, rest = url.partition("://")
    if separator and scheme.lower() in _POSTGRES_SCHEMES:
        return f"{_POSTGRES_DRIVER}://{rest}"
    return url


def redact_url(url: object) -> str:
    """A database URL fit for a message: the password hidden (unchanged if unreadable)."""
    try:
        return make_url(str(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def sqlite_file(url: str) -> str | None:
    """The file a SQLite ``url`` names; None for an in-memory or a non-SQLite database.

    Raises ``ValueError`` (with the parser's sentence) for a URL that cannot be read.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise ValueError(str(error)) from error
    path = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and path not in ("", ":memory:"):
        return path
    return None


def database_url_from_env(default_path: str | os.PathLike[str]) -> str:
    """Return ``DATABASE_URL`` if set and not empty, else a SQLite URL for ``default_path``."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        return normalize_database_url(configured)
    return f"sqlite:///{Path(default_path)}"


def create_database_engine(url: str) -> Engine:
    """Create an engine for ``url`` that is safe to share between threads; no migrations.

    SQLite connections get WAL journaling, a busy timeout and enforced foreign keys; the
    folder of a SQLite file is created if missing. PostgreSQL connections are checked
    before use, as a long-running bot outlives server restarts.
    """
    parsed = make_url(normalize_database_url(url))
    if parsed.get_backend_name() != "sqlite":
        # A host that drops packets should fail in seconds, not after the OS's timeout.
        return create_engine(parsed, pool_pre_ping=True, connect_args={"connect_timeout": 10})

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    # A URI filename ("file:...?mode=ro") names an existing file; only a plain path
    # gets its folder created.
    if not in_memory and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False},
        # An in-memory database lives and dies with its connection: share one.
        **({"poolclass": StaticPool} if in_memory else {}),
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def _configure_sqlite_connection(
    dbapi_connection: Any, _connection_record: Any, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # The busy timeout goes first so that switching to WAL waits for a lock that
        # another process holds instead of failing with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        _switch_to_wal(cursor, wait_ms=busy_timeout_ms)
        # With WAL, NORMAL keeps the database consistent after a crash and only risks the
        # last commits on power loss; FULL would sync on every commit of every event.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _switch_to_wal(cursor: Any, *, wait_ms: int) -> None:
    """Put the file in WAL mode, waiting up to ``wait_ms`` for another process's lock.

    SQLite answers "database is locked" at once, without its busy timeout, when a file
    not yet in WAL mode (a new one) is being written by another connection, as when
    two processes start together on a new file and the other one is migrating it; so
    this asks again until the other one is done.
    """
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration for this package's migrations and ``engine``'s database.

    Built in code, so no ``alembic.ini`` is needed at run time.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # ConfigParser interpolates "%", which may appear in an escaped password.
    rendered = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade_database(engine: Engine) -> None:
    """Bring the schema of ``engine``'s database to the newest migration.

    Does nothing to a database that is already up to date. On PostgreSQL, processes
    that start at the same moment take turns instead of racing to create tables.
    """
    config = alembic_config(engine)
    migrating = _exclusive_sqlite_engine(engine)
    try:
        with (migrating or engine).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                )
            # env.py runs the migrations on this connection, inside this transaction.
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if migrating is not None:
            migrating.dispose()


def _exclusive_sqlite_engine(engine: Engine) -> Engine | None:
    """For a SQLite file: an engine whose transactions start with ``BEGIN IMMEDIATE``.

    Python's sqlite3 opens no transaction before DDL, so two processes migrating a new
    file at once would both see no tables and both create them ("table ... already
    exists"). ``BEGIN IMMEDIATE`` takes the file's write lock first: the second process
    waits, then finds the schema up to date. None for other databases (PostgreSQL takes
    an advisory lock instead) and for an in-memory database, which no other process sees.
    """
    url = engine.url
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if url.get_backend_name() != "sqlite" or in_memory or "mode=memory" in database:
        return None
    migrating = create_engine(url, poolclass=NullPool, connect_args={"check_same_thread": False})
    event.listen(migrating, "connect", _configure_for_migration)
    event.listen(migrating, "begin", _begin_immediate)
    return migrating


def _configure_for_migration(dbapi_connection: Any, connection_record: Any) -> None:
    # Another process migrating the file (a big file, or a new one on a busy machine) may
    # hold its lock for a while: wait longer for it, from the first statement on, since
    # switching a new file to WAL already needs that lock.
    _configure_sqlite_connection(
        dbapi_connection, connection_record, busy_timeout_ms=SQLITE_MIGRATION_WAIT_MS
    )
    # The driver's own transaction handling off, so that ours (below) is the only one.
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def open_database(url: str) -> Engine:
    """Create an engine for ``url`` and migrate its database to the newest schema.

    Safe to call on a new or an existing database, any number of times.
    """
    engine = create_database_engine(url)
    try:
        upgrade_database(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


@dataclass(frozen=True, kw_only=True)
class SchemaState:
    """Where a database's schema stands against this version's migrations."""

    exists: bool
    """False for a SQLite file that is not there yet (it is created when first opened)."""
    current: str | None
    """The migration the database is at; None when it has none (new or empty)."""
    head: str
    """The newest migration of this version."""
    known: bool
    """Whether ``current`` is one of this version's migrations (False: a newer version's)."""

    @property
    def up_to_date(self) -> bool:
        """True when the schema is at the newest migration."""
        return self.current == self.head


def _migrations() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return ScriptDirectory.from_config(config)


def schema_state(url: str) -> SchemaState:
    """Read which migration the database at ``url`` is at, changing nothing.

    Unlike ``open_database`` this runs no migration and creates no SQLite file or folder.
    Raises ``DatabaseError`` when the database cannot be reached or read.
    """
    url = normalize_database_url(url)
    scripts = _migrations()
    head = scripts.get_current_head() or ""
    path = sqlite_file(url)
    # A URI filename ("file:...") is left to SQLite, which says what is wrong with it.
    if path is not None and not path.startswith("file:") and not Path(path).exists():
        return SchemaState(exists=False, current=None, head=head, known=True)
    options: dict[str, Any] = {"poolclass": NullPool}
    if make_url(url).get_backend_name() != "sqlite":
        options["connect_args"] = {"connect_timeout": 10}
    engine = create_engine(url, **options)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    known = current is None or current in {script.revision for script in scripts.walk_revisions()}
    return SchemaState(exists=True, current=current, head=head, known=known)
