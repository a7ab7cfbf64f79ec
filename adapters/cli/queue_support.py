"""What the ``content`` and ``feeds`` commands share: options, opening the queue, output."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from adapters.cli.common import cli_language, fail, open_library, open_store, out, redact
from bot.i18n import t
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.content import ContentError, ContentQueue
    from bot.guidelines.rules import Guidelines

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."
    ),
]
GuidelinesOption = Annotated[
    Path | None,
    typer.Option(
        "--guidelines",
        "-g",
        help="Folder with the guidelines files (default: $MERKWERKER_GUIDELINES or ./guidelines).",
    ),
]
LangOption = Annotated[
    str | None, typer.Option("--lang", "-l", help="Messages in this language (nl or en).")
]
AsOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Who does this: platform:id (slack:U123), or a name for a console person "
        "(default: your login).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
ListOption = Annotated[list[str] | None, typer.Option()]


def _fail(message: str, code: int = 1) -> NoReturn:
    fail(message, code)


def _language(lang: str | None) -> str:
    return cli_language(lang)


def _who(name: str | None) -> str:
    """Who is recorded as adding or approving: "platform:id", as chat records people, so
    that ``privacy forget`` finds it. A bare name is a console person (``--as bob`` is
    console:bob); without ``--as``, the operator's login as cli:<login>."""
    from bot.people.roster import PLATFORMS

    name = (name or "").strip()
    if not name:
        try:
            return f"cli:{getpass.getuser()}"
        except (KeyError, OSError):  # no user name in a bare container
            return "cli"
    platform, colon, user_id = name.partition(":")
    if colon and platform.casefold() in PLATFORMS and user_id.strip():
        return f"{platform.casefold()}:{user_id.strip()}"
    return f"console:{name}"


def _fail_problems(error: ContentError, language: str, heading: str, **values: object) -> NoReturn:
    _fail(
        "\n".join(
            [t(language, heading, **values), *("  " + line for line in error.lines(language))]
        )
    )


@contextmanager
def _queue(database: str | None, guidelines: Path | None, language: str) -> Iterator[ContentQueue]:
    """A queue on the database; the guidelines are read only when something needs them."""
    from bot.content import ContentQueue, ContentStore, StorageError

    try:
        timezone = Settings.from_env().timezone
    except SettingsError as error:
        _fail(error.message(language))
    store = open_store(database, language)
    loaded: list[Guidelines] = []

    def current() -> Guidelines:
        if not loaded:
            loaded.append(open_library(guidelines, language).current)
        return loaded[0]

    content = ContentStore.from_store(store)
    try:
        yield ContentQueue(content, guidelines_provider=current, timezone=timezone)
    except StorageError as error:  # the database went away mid-command
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        _fail(t(language, "cli.database_failed", url=redact(content.url), reason=reason))
    finally:
        store.close()


def _say(message: str, style: str | None = None) -> None:
    out.print(message, style=style, markup=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
