"""``merkwerker feeds``: newsroom and blog feeds whose entries arrive as drafts."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cli.common import out
from adapters.cli.queue_support import (
    AsOption,
    DatabaseOption,
    GuidelinesOption,
    JsonOption,
    LangOption,
    _fail_problems,
    _language,
    _print_json,
    _queue,
    _say,
    _who,
)
from bot.i18n import t

feeds_app = typer.Typer(
    help="Newsroom and blog feeds whose entries arrive as drafts.", no_args_is_help=True
)


@feeds_app.command("add")
def feeds_add(
    url: Annotated[
        str, typer.Argument(metavar="URL_OR_PATH", help="The feed's address, or a local file.")
    ],
    topic: Annotated[
        list[str] | None, typer.Option(help="Topic for the feed's entries; repeatable.")
    ] = None,
    who: AsOption = None,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Follow a feed; run "merkwerker feeds fetch" to read its entries."""
    from bot.content import ContentError, Feeds

    cli_lang = _language(lang)
    topics = tuple(part for value in topic or [] for part in value.split(","))
    with _queue(database, guidelines, cli_lang) as queue:
        try:
            feed = Feeds(queue).add(url, by=_who(who), topics=topics)
        except ContentError as error:
            _fail_problems(error, cli_lang, "content.cli.feed_not_added")
        _say(t(cli_lang, "content.cli.feed_added", id=feed.id, url=feed.url))


@feeds_app.command("list")
def feeds_list(
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """List the feeds and how their last fetch went."""
    from rich.table import Table
    from rich.text import Text

    from bot.content import Feeds
    from bot.content.fields import format_moment

    cli_lang = _language(lang)
    with _queue(database, guidelines, cli_lang) as queue:
        feeds = Feeds(queue).list()
        if as_json:
            _print_json([f.to_json() for f in feeds])
            return
        if not feeds:
            _say(t(cli_lang, "content.cli.no_feeds"))
            return
        table = Table(show_edge=False, box=None, pad_edge=False)
        for column in ("id", "feed", "topics", "fetched", "error"):
            table.add_column(t(cli_lang, f"content.column.{column}"), overflow="fold")
        for f in feeds:
            name = f"{f.title}\n{f.url}" if f.title else f.url
            fetched = format_moment(f.last_fetched_at, queue.timezone) or t(
                cli_lang, "content.cli.never"
            )
            table.add_row(
                str(f.id), Text(name), ", ".join(f.topics), fetched, Text(f.last_error or "")
            )
        out.print(table)


@feeds_app.command("fetch")
def feeds_fetch(
    feed_id: Annotated[int | None, typer.Option("--id", help="Fetch only this feed.")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a feed.")] = 10.0,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Fetch feeds; new entries arrive as drafts. Exits with 1 when any feed failed."""
    from bot.content import ContentError, Feeds, describe

    cli_lang = _language(lang)
    with _queue(database, guidelines, cli_lang) as queue:
        try:
            outcomes = Feeds(queue, timeout=timeout).fetch(feed_id)
        except ContentError as error:
            _fail_problems(error, cli_lang, "content.cli.fetch_failed")
        if not outcomes:
            _say(t(cli_lang, "content.cli.no_feeds"))
        for outcome in outcomes:
            style = "red" if outcome.error else "green"
            _say(describe(outcome, cli_lang), style)
            if outcome.warning is not None:
                _say("  " + outcome.warning.message(cli_lang), "yellow")
        if any(outcome.error for outcome in outcomes):
            raise typer.Exit(1)


__all__ = ["feeds_app"]
