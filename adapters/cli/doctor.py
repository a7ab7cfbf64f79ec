"""``merkwerker doctor``: is this deployment ready? One line per check, in plain words.

It checks what ``merkwerker serve`` and the scheduler need, in the order an admin would
fix it: the settings and which platforms they configure, the database (reachable, at the
newest migration), the guidelines folder, which matching answers questions, and, for
each configured platform, that its credentials work (Slack's ``auth.test``, a Teams
token). Exit 0 when every check passes, 1 when any fails; a line marked "–" is only for
information.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.doctor_checks import (
    Line,
    Mark,
    PlatformState,
    check_database,
    check_guidelines,
    check_matching,
    check_platforms,
    check_scheduler,
    check_settings,
    check_slack_token,
    check_teams_token,
)
from bot.i18n import t

_STYLES = {Mark.OK: "green", Mark.FAILED: "red", Mark.NOTE: "dim"}


async def _credentials(states: list[PlatformState], language: str) -> list[Line]:
    lines: list[Line] = []
    for state in states:
        if state.setup is None:
            continue
        if state.name == "slack":
            lines.append(await check_slack_token(state.setup, language=language))
        elif state.name == "teams":
            line = await check_teams_token(state.setup, language=language)
            if line is not None:
                lines.append(line)
    return lines


def _print(line: Line) -> None:
    from adapters.cli.common import out

    out.print(f"{line.mark.value} {line.text}", style=_STYLES[line.mark], markup=False)
    for detail in line.details:
        out.print(f"    {detail}", markup=False)


def doctor(
    guidelines: Annotated[
        Path | None,
        typer.Option(
            "--guidelines",
            "-g",
            help="Guidelines folder (default: $MERKWERKER_GUIDELINES or ./guidelines).",
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database", help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."
        ),
    ] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Say it in this language (nl or en).")
    ] = None,
) -> None:
    """Check the settings, database, guidelines, matching and chat credentials, one line each.

    Exits 1 when any check fails. Changes nothing: the database is not migrated.
    """
    from adapters.cli.common import cli_language, database_url, out
    from bot.guidelines.loader import default_folder

    language = cli_language(lang)
    # The checks say what went wrong in their own lines; a library's warning would repeat it.
    logging.getLogger().addHandler(logging.NullHandler())
    env = dict(os.environ)
    settings, lines = check_settings(
        env, guidelines=guidelines, database=database, language=language
    )
    states, platform_lines = check_platforms(env, language=language)
    lines += platform_lines
    database_line = check_database(database_url(database), language=language)
    lines.append(database_line)
    if database_line.mark is Mark.OK:
        lines.append(check_scheduler(database_url(database), env, language=language))
    folder = settings.guidelines if settings is not None else guidelines or default_folder()
    lines.append(check_guidelines(folder, language=language))
    spec = settings.embedder if settings is not None else env.get("MERKWERKER_EMBEDDER", "")
    lines += check_matching(spec, language=language)
    lines += asyncio.run(_credentials(states, language))

    for line in lines:
        _print(line)
    checks = [line for line in lines if line.mark is not Mark.NOTE]
    failed = sum(1 for line in checks if line.mark is Mark.FAILED)
    if failed:
        out.print(
            t(language, "doctor.summary.failed", failed=failed, total=len(checks)), style="red"
        )
        raise typer.Exit(1)
    out.print(t(language, "doctor.summary.ok", total=len(checks)), style="green")
