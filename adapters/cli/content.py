"""``merkwerker content`` and ``merkwerker feeds``: the comms team's queue."""

from __future__ import annotations

import typer

content_app = typer.Typer(help="Queue, approve and retire content to share.", no_args_is_help=True)
feeds_app = typer.Typer(help="Newsroom and blog feeds whose entries arrive as drafts.", no_args_is_help=True)
