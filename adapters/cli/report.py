"""``merkwerker report``: what people did with the content, aggregated.

Reads the period from ``--since``/``--until`` (``--until`` not included), the weeks'
time zone from the settings (``MERKWERKER_TIMEZONE``), and prints or writes the report
as a table, CSV, JSON or one HTML page. Every problem ends in one clear sentence on
standard error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from adapters.cli.common import (
    cli_language,
    fail,
    open_existing_store,
    reading,
)
from bot.i18n import t
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.reports import Report

FORMATS = ("table", "csv", "json", "html")
LANGUAGES = ("nl", "en")
TABLE_WIDTH = 120
"""Width of a table written to a file, where there is no terminal to measure."""


def _language(lang: str | None) -> str:
    if lang is not None and lang.lower() not in LANGUAGES:
        fail(t(cli_language(None), "report.bad_lang", value=lang))
    return cli_language(lang)


def _render(report: Report, output_format: str, language: str, to_file: bool) -> str:
    from bot.reports import render_csv, render_html, render_json, render_text

    if output_format == "csv":
        return render_csv(report, language=language, bom=to_file)
    if output_format == "json":
        return render_json(report)
    if output_format == "html":
        return render_html(report, language=language)
    buffer = io.StringIO()
    Console(file=buffer, width=TABLE_WIDTH, no_color=True, highlight=False).print(
        render_text(report, language=language)
    )
    return buffer.getvalue()


def report(
    since: Annotated[
        str | None,
        typer.Option(
            help="First day, included (YYYY-MM-DD). "
            "Default: 4 weeks back, or the first day with data if that is later."
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="The day it stops, NOT included (YYYY-MM-DD). Default: tomorrow."),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table; csv (one sheet, a 'section' column); json; html (one page to mail).",
        ),
    ] = "table",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file, not the screen.")
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Language of the report: nl or en.")
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."),
    ] = None,
    no_leaderboard: Annotated[
        bool, typer.Option("--no-leaderboard", help="Leave out the (opt-in) leaderboard.")
    ] = False,
) -> None:
    """Participation per team and week, shares and clicks per item, unanswered questions.

    Aggregated only: small teams are merged into "other" and nobody is named unless
    they opted in to the leaderboard. --since 2026-03-01 --until 2026-04-01 is March.
    """
    from bot.reports import (
        PeriodError,
        ReportQueries,
        build_report,
        period_from_options,
        render_text,
    )

    language = _language(lang)
    chosen = output_format.lower()
    if chosen not in FORMATS:
        fail(t(language, "report.bad_format", value=output_format))
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        fail(t(language, "report.bad_settings", reason=error.message(language)))
    now = datetime.now(UTC)
    try:
        period = period_from_options(since, until, timezone=settings.timezone, now=now)
    except PeriodError as error:
        fail(t(language, error.key, **error.values))
    store = open_existing_store(database, language, missing_key="report.no_database")
    with reading(store, language, failed_key="report.query_failed"):
        queries = ReportQueries.from_store(store)
        if since is None:  # start at the first data when that is later than the default
            period = period_from_options(
                None,
                until,
                timezone=settings.timezone,
                now=now,
                first_data=queries.first_recorded(),
            )
        result = build_report(queries, period=period, leaderboard=not no_leaderboard)
    if output is None:
        if chosen == "table":
            Console(highlight=False).print(render_text(result, language=language))
        else:
            sys.stdout.write(_render(result, chosen, language, to_file=False))
        return
    text = _render(result, chosen, language, to_file=True)
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        fail(
            t(
                language,
                "report.write_failed",
                path=str(output),
                reason=error.strerror or str(error),
            ),
            1,
        )
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        t(language, "report.written", path=str(output)), markup=False
    )
