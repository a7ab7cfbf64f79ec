"""``merkwerker teams``: the Teams app package."""

from __future__ import annotations

import typer

teams_app = typer.Typer(help="Microsoft Teams app package.", no_args_is_help=True)
