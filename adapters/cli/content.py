"""``merkwerker content`` and ``merkwerker feeds``: the comms team's queue.

The operator of the command line is trusted to queue and approve; ``--as NAME`` records
who did it (default: the operating-system user). Every problem ends in clear sentences
on standard error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from adapters.console.render import to_renderable
from bot.content import (
    LIST_FILTERS,
    Content,
    ContentError,
    ContentQueue,
    Feeds,
    describe,
    import_file,
    input_from_values,
)
from bot.content.fields import format_moment
from bot.content.form import title_from_url
from bot.content.replies import finding_text, item_parts, state_text
from bot.guidelines import GuidelinesLibrary, GuidelinesUnavailable, Level, default_folder
from bot.guidelines.model import Guidelines
from bot.i18n import t
from bot.models import Reply
from bot.settings import Settings, SettingsError
from bot.storage import Store, database_url_from_env

content_app = typer.Typer(help="Queue, approve and retire content to share.", no_args_is_help=True)
feeds_app = typer.Typer(
    help="Newsroom and blog feeds whose entries arrive as drafts.", no_args_is_help=True
)

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

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
    str | None, typer.Option("--as", help="Who does this (default: your user name).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
ListOption = Annotated[list[str] | None, typer.Option()]


def _fail(message: str, code: int = 1) -> NoReturn:
    from adapters.cli.main import fail

    fail(message, code)


def _language(lang: str | None) -> str:
    from adapters.cli.main import cli_language

    return cli_language(lang)


def _who(name: str | None) -> str:
    if name and name.strip():
        return name.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def _fail_problems(error: ContentError, language: str, heading: str, **values: object) -> NoReturn:
    _fail(
        "\n".join(
            [t(language, heading, **values), *("  " + line for line in error.lines(language))]
        )
    )


def _open_store(database: str | None, language: str) -> Store:
    url = database or database_url_from_env(Path("merkwerker.db"))
    try:
        return Store.open(url)
    except Exception as error:  # any driver error ends in one sentence, not a traceback
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        _fail(t(language, "cli.database_failed", url=_redact(url), reason=reason))


def _redact(url: object) -> str:
    """The database URL without its password, for messages."""
    text = (
        url.render_as_string(hide_password=True) if hasattr(url, "render_as_string") else str(url)
    )
    if "@" in text and "://" in text and "***" not in text:
        scheme, rest = text.split("://", 1)
        text = f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return text


def _open_guidelines(folder: Path | None, language: str) -> Guidelines:
    path = folder or default_folder()
    try:
        return GuidelinesLibrary.open(path).current
    except GuidelinesUnavailable as unavailable:
        lines = [t(language, "cli.guidelines_invalid", folder=str(path))]
        lines += ["  " + p.render(language) for p in unavailable.problems if p.level is Level.ERROR]
        lines.append(t(language, "cli.guidelines_hint", folder=str(path)))
        _fail("\n".join(lines))


@contextmanager
def _queue(database: str | None, guidelines: Path | None, language: str) -> Iterator[ContentQueue]:
    """A queue on the database; the guidelines are read only when something needs them."""
    try:
        timezone = Settings.from_env().timezone
    except SettingsError as error:
        _fail(str(error))
    store = _open_store(database, language)
    loaded: list[Guidelines] = []

    def current() -> Guidelines:
        if not loaded:
            loaded.append(_open_guidelines(guidelines, language))
        return loaded[0]

    try:
        yield ContentQueue(store.engine, guidelines_provider=current, timezone=timezone)
    except SQLAlchemyError as error:  # the database went away mid-command
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        _fail(t(language, "cli.database_failed", url=_redact(store.engine.url), reason=reason))
    finally:
        store.close()


def _say(message: str, style: str | None = None) -> None:
    out.print(message, style=style, markup=False)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _captions(values: list[str], language: str) -> dict[str, list[str]]:
    captions: dict[str, list[str]] = {}
    for value in values:
        lang, separator, text = value.partition(":")
        lang = lang.strip().lower()
        if not separator or len(lang) != 2 or not lang.isalpha():
            _fail(t(language, "content.cli.caption_format", value=value[:60]), 2)
        captions.setdefault(lang, []).append(text)
    return captions


@content_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The link to share.")],
    title: Annotated[
        str | None, typer.Option(help="Title (default: the link's host and path).")
    ] = None,
    summary: Annotated[str, typer.Option(help="A short summary for colleagues.")] = "",
    caption: Annotated[
        list[str] | None,
        typer.Option(help='A suggested caption, as LANG:"text"; repeat for variants.'),
    ] = None,
    topic: Annotated[
        list[str] | None, typer.Option(help="A topic (lowercase slug); repeatable.")
    ] = None,
    team: Annotated[list[str] | None, typer.Option(help="Only for this team; repeatable.")] = None,
    location: Annotated[
        list[str] | None, typer.Option(help="Only for this location; repeatable.")
    ] = None,
    language: Annotated[
        list[str] | None, typer.Option(help="Only for people reading this language; repeatable.")
    ] = None,
    not_before: Annotated[
        str | None, typer.Option(help="Embargo: not shown before this date or time (ISO).")
    ] = None,
    expires: Annotated[
        str | None, typer.Option(help="Not shown from this date or time on (ISO).")
    ] = None,
    priority: Annotated[str, typer.Option(help="From -10 to 10; higher is suggested first.")] = "0",
    who: AsOption = None,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Queue a link as a draft; its captions are checked against the guidelines."""
    cli_lang = _language(lang)
    values: dict[str, object] = {
        "url": url,
        "title": title or title_from_url(url),
        "summary": summary,
        "captions": _captions(caption or [], cli_lang),
        "topics": topic,
        "teams": team,
        "locations": location,
        "languages": language,
        "not_before": not_before,
        "expires": expires,
        "priority": priority,
    }
    with _queue(database, guidelines, cli_lang) as queue:
        content, problems = input_from_values(values, timezone=queue.timezone)
        try:
            if content is None:
                raise ContentError(problems)
            saved = queue.add(content, by=_who(who))
        except ContentError as error:
            _fail_problems(error, cli_lang, "content.cli.not_queued")
        item = saved.item
        _say(t(cli_lang, "content.cli.queued", id=item.id, title=item.title))
        _print_findings(saved.findings, cli_lang)
        if item.check_verdict == "block":
            _say(t(cli_lang, "content.cli.blocked_note", id=item.id), "red")


def _print_findings(findings: Any, language: str, prefix: str = "  ") -> None:
    for finding in findings:
        style = "red" if finding.severity == "block" else "yellow"
        _say(prefix + finding_text(finding, language), style)


@content_app.command("list")
def list_items(
    status: Annotated[
        str | None, typer.Option(help="draft, approved, scheduled, live, expired or retired.")
    ] = None,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """List the queue, newest first."""
    cli_lang = _language(lang)
    if status is not None and status not in LIST_FILTERS:
        _fail(
            t(cli_lang, "content.cli.bad_status", value=status, choices=", ".join(LIST_FILTERS)), 2
        )
    with _queue(database, guidelines, cli_lang) as queue:
        items = queue.list(status=status)
        now = queue.clock()
        if as_json:
            _print_json([item.to_json(now) for item in items])
            return
        if not items:
            _say(t(cli_lang, "content.cli.empty"))
            return
        table = Table(show_edge=False, box=None, pad_edge=False)
        for column in ("id", "state", "title", "not_before", "expires", "priority"):
            table.add_column(t(cli_lang, f"content.column.{column}"), overflow="fold")
        for item in items:
            table.add_row(
                str(item.id),
                t(cli_lang, f"content.state.{item.state(now).value}"),
                Text(item.title),  # Text: brackets in a title are not Rich markup
                format_moment(item.not_before, queue.timezone),
                format_moment(item.expires, queue.timezone),
                str(item.priority),
            )
        out.print(table)


def _item(queue: ContentQueue, item_id: int, language: str) -> Content:
    item = queue.get(item_id)
    if item is None:
        _fail(t(language, "content.problem.not_found", id=item_id))
    return item


@content_app.command("show")
def show(
    item_id: Annotated[int, typer.Argument(metavar="ID", help="The item's number.")],
    as_json: JsonOption = False,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Show one item with its captions and dates."""
    cli_lang = _language(lang)
    with _queue(database, guidelines, cli_lang) as queue:
        item = _item(queue, item_id, cli_lang)
        now = queue.clock()
        if as_json:
            _print_json(item.to_json(now))
            return
        parts = item_parts(item, language=cli_lang, now=now, timezone=queue.timezone)
        out.print(to_renderable(Reply(parts=tuple(parts), language=cli_lang)))


@content_app.command("approve")
def approve(
    item_id: Annotated[int, typer.Argument(metavar="ID", help="The item's number.")],
    who: AsOption = None,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Approve an item: it is shown from its embargo until it expires."""
    cli_lang = _language(lang)
    with _queue(database, guidelines, cli_lang) as queue:
        before = _item(queue, item_id, cli_lang)
        try:
            saved = queue.approve(item_id, by=_who(who))
        except ContentError as error:
            _fail_problems(error, cli_lang, "content.cli.not_approved", id=item_id)
        key = (
            "content.cli.already_approved"
            if before.status.value != "draft"
            else "content.cli.approved"
        )
        state = state_text(saved.item, queue.clock(), cli_lang)
        _say(t(cli_lang, key, id=item_id, title=saved.item.title, state=state))
        _print_findings(saved.findings, cli_lang)


@content_app.command("retire")
def retire(
    item_id: Annotated[int, typer.Argument(metavar="ID", help="The item's number.")],
    who: AsOption = None,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Stop showing an item (its link may be queued again later)."""
    cli_lang = _language(lang)
    with _queue(database, guidelines, cli_lang) as queue:
        try:
            item = queue.retire(item_id, by=_who(who))
        except ContentError as error:
            _fail_problems(error, cli_lang, "content.cli.not_retired", id=item_id)
        _say(t(cli_lang, "content.cli.retired", id=item.id, title=item.title))


@content_app.command("import")
def import_items(
    file: Annotated[Path, typer.Argument(help="A .yaml, .yml or .csv file of items.")],
    approve_all: Annotated[
        bool, typer.Option("--approve", help="Approve every imported item at once.")
    ] = False,
    who: AsOption = None,
    database: DatabaseOption = None,
    guidelines: GuidelinesOption = None,
    lang: LangOption = None,
) -> None:
    """Import items from a file: all or nothing; items already queued are skipped."""
    cli_lang = _language(lang)
    with _queue(database, guidelines, cli_lang) as queue:
        try:
            result = import_file(queue, file, by=_who(who), approve=approve_all)
        except ContentError as error:
            _fail_problems(error, cli_lang, "content.cli.import_failed", count=len(error.problems))
        for skipped in result.skipped:
            message = t(
                cli_lang,
                "content.cli.import_skipped",
                file=str(file),
                line=skipped.line,
                url=skipped.url,
                id=skipped.item_id,
            )
            _say(message, "dim")
        for line, finding in result.findings:
            style = "red" if finding.severity == "block" else "yellow"
            _say(f"{file}:{line}: " + finding_text(finding, cli_lang), style)
        key = "content.cli.imported_approved" if approve_all else "content.cli.imported"
        _say(t(cli_lang, key, added=len(result.added), skipped=len(result.skipped)), "green")


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
    """Follow a feed; run ``merkwerker feeds fetch`` to read its entries."""
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


__all__ = ["content_app", "feeds_app"]
