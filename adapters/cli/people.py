"""``merkwerker privacy`` and ``merkwerker people``: people's data and settings."""

from __future__ import annotations

import typer

privacy_app = typer.Typer(help="Export, forget, and tracking opt-out for one person.", no_args_is_help=True)
people_app = typer.Typer(help="Teams, locations and roles of people.", no_args_is_help=True)
