"""What every ``merkwerker`` command shares: output, the message language, failing with one
sentence, and opening the guidelines and the database.

The guidelines and storage packages are imported when a command opens them, not with
this module: every command's module imports this one, and ``merkwerker --help`` (or a
command that needs neither) should not pay for SQLAlchemy and the YAML reader.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

from bot.i18n import t

if TYPE_CHECKING:
    from bot.database_access import Store
    from bot.guidelines.library import GuidelinesLibrary

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DEFAULT_DATABASE = Path("merkwerker.db")


def cli_language(explicit: str | None = None) -> str:
    """The language for command-line messages: --lang, $MERKWERKER_LANGUAGE, then $LANG."""
    for value in (explicit, os.environ.get("MERKWERKER_LANGUAGE"), os.environ.get("LANG")):
        if value:
            code = value.replace("_", "-").split("-")[0].split(".")[0].lower()
            if code in ("nl", "en"):
                return code
    return "en"


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``message`` on stderr and exit with ``code``."""
    err.print(message, style="red", markup=False)
    raise typer.Exit(code)


def redact(url: object) -> str:
    """A database URL fit for a message: the password hidden."""
    from bot.database_access import redact_url

    return redact_url(url)


def open_library(folder: Path | None, language: str) -> GuidelinesLibrary:
    """The guidelines in ``folder`` (or the default); exit 1 listing every error otherwise."""
    from bot.guidelines.library import GuidelinesLibrary, GuidelinesUnavailable
    from bot.guidelines.loader import default_folder
    from bot.guidelines.problems import Level

    path = folder or default_folder()
    try:
        return GuidelinesLibrary.open(path)
    except GuidelinesUnavailable as unavailable:
        lines = [t(language, "cli.guidelines_invalid", folder=str(path))]
        lines += ["  " + p.render(language) for p in unavailable.problems if p.level is Level.ERROR]
        lines.append(t(language, "cli.guidelines_hint", folder=str(path)))
        fail("\n".join(lines), 1)


def database_url(database: str | None) -> str:
    """``--database``, else ``$DATABASE_URL``, else the SQLite file ``merkwerker.db``."""
    from bot.database_access import database_url_from_env

    return database or database_url_from_env(DEFAULT_DATABASE)


def open_store(database: str | None, language: str) -> Store:
    """The migrated database; exit 1 with one sentence when it cannot be opened."""
    from bot.database_access import Store

    url = database_url(database)
    try:
        return Store.open(url)
    except Exception as error:  # any driver error ends in one sentence, not a traceback
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        fail(t(language, "cli.database_failed", url=redact(url), reason=reason), 1)


def open_existing_store(database: str | None, language: str, *, missing_key: str) -> Store:
    """Like ``open_store``, but a SQLite file that does not exist, or is empty (0 bytes, so
    no database was ever written to it), is one sentence (``missing_key`` in the
    catalogue, with ``path``) rather than a new empty database that would list or report
    nothing, written into a file that may be something else."""
    from bot.database_access import sqlite_file

    url = database_url(database)
    try:
        path = sqlite_file(url)
    except ValueError as error:
        fail(t(language, "cli.database_failed", url=url, reason=str(error)), 1)
    if path is not None and (not Path(path).is_file() or Path(path).stat().st_size == 0):
        fail(t(language, missing_key, path=path), 1)
    return open_store(url, language)


@contextmanager
def reading(store: Store, language: str, *, failed_key: str) -> Iterator[Store]:
    """Use ``store`` and close it afterwards; a database error on the way is one sentence
    (``failed_key`` in the catalogue, with ``url`` and ``reason``) and exit 1."""
    from bot.database_access import DatabaseError

    try:
        yield store
    except DatabaseError as error:
        cause = getattr(error, "orig", None) or error  # the driver's own words
        reason = (str(cause).splitlines() or [type(cause).__name__])[0]
        fail(t(language, failed_key, url=redact(store.url), reason=reason), 1)
    finally:
        store.close()
