"""``merkwerker content``: the comms team's queue.

The operator of the command line is trusted to queue and approve; ``--as NAME`` records
who did it (default: the operating-system user). Every problem ends in clear sentences
on standard error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.cli.common import out
from adapters.cli.queue_support import (
    AsOption,
    DatabaseOption,
    GuidelinesOption,
    JsonOption,
    LangOption,
    _fail,
    _fail_problems,
    _language,
    _print_json,
    _queue,
    _say,
    _who,
)
from bot.i18n import t

if TYPE_CHECKING:
    from bot.content import Content, ContentQueue

content_app = typer.Typer(help="Queue, approve and retire content to share.", no_args_is_help=True)


def _captions(values: list[str], language: str) -> dict[str, list[str]]:
    from bot.content.fields import caption_option

    captions: dict[str, list[str]] = {}
    for value in values:
        parsed = caption_option(value)
        if parsed is None:
            _fail(t(language, "content.cli.caption_format", value=value[:60]), 2)
        lang, text = parsed
        if not text:
            _fail(t(language, "content.cli.caption_empty", value=value[:60]), 2)
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
    from bot.content import ContentError, input_from_values
    from bot.content.form import title_from_url

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
    from bot.content.replies import finding_text

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
    from rich.table import Table
    from rich.text import Text

    from bot.content import LIST_FILTERS
    from bot.content.fields import format_moment

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
    from adapters.console.render import to_renderable
    from bot.content.replies import item_parts
    from bot.messages import Reply

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
    from bot.content import ContentError
    from bot.content.replies import state_text

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
    from bot.content import ContentError

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
    from bot.content import ContentError, import_file
    from bot.content.replies import finding_text

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


__all__ = ["content_app"]
