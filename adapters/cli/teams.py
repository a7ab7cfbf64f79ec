"""``merkwerker teams``: the Teams app package to upload."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

teams_app = typer.Typer(help="Microsoft Teams app package.", no_args_is_help=True)


@teams_app.command("package")
def package(
    app_id: Annotated[
        str,
        typer.Option(
            "--app-id", help="The Azure Bot's Microsoft App ID (a GUID).", show_default=False
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the zip.")] = Path(
        "merkwerker-teams.zip"
    ),
    name: Annotated[
        str, typer.Option("--name", help="The app's name in Teams (at most 30 characters).")
    ] = "Merkwerker",
    domain: Annotated[
        str | None,
        typer.Option(
            "--domain",
            help="The host of the bot's web address, such as merkwerker.example.com "
            "(default: the host of $MERKWERKER_PUBLIC_URL).",
        ),
    ] = None,
    website: Annotated[
        str | None,
        typer.Option(
            "--website",
            help="https address of the website, with /privacy and /terms under it "
            "(default: $MERKWERKER_PUBLIC_URL, or https:// and --domain).",
        ),
    ] = None,
    version: Annotated[
        str,
        typer.Option(
            "--version",
            help="The app's version (such as 1.0.1); raise it for each new package that "
            "replaces one already uploaded.",
        ),
    ] = "1.0.0",
    lang: Annotated[
        str | None, typer.Option("--lang", "-l", help="Language of messages (nl or en).")
    ] = None,
) -> None:
    """Write the Teams app package (manifest and icons) to upload in Teams or the admin center.

    The bot's public address comes from --domain or MERKWERKER_PUBLIC_URL (one is needed);
    the app's privacy and terms links point at /privacy and /terms there, which
    `merkwerker serve` shows.
    """
    import os

    from adapters.cli.common import cli_language, fail, out
    from adapters.teams.package import PackageError, build_package
    from bot.i18n import t

    language = cli_language(lang)
    try:
        data = build_package(
            app_id,
            name=name,
            domain=domain,
            website=website,
            public_url=os.environ.get("MERKWERKER_PUBLIC_URL"),
            version=version,
        )
    except PackageError as error:
        fail(t(language, error.key, **error.values))
    try:
        output.write_bytes(data)
    except OSError as error:
        fail(
            t(language, "teams.cli.cannot_write", path=str(output), reason=error.strerror or error),
            1,
        )
    out.print(t(language, "teams.cli.written", path=str(output)), markup=False)
