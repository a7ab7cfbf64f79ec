"""``merkwerker serve``: the web process for Slack and Teams (the Procfile's ``web:`` line).

Runs each platform whose settings are present, in one aiohttp server on ``--port``, else
``$PORT`` (as the Procfile's platforms set it), else 3000. With ``--socket-mode`` (or
``SLACK_APP_TOKEN`` set) Slack's events arrive over Socket Mode instead of
``/slack/events``; share links and the health check are still served. A missing or
malformed setting ends start-up with one sentence.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot.i18n import t
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from adapters.platform import Platforms

err = Console(stderr=True, highlight=False, soft_wrap=True)


def port_from(value: str | None, *, language: str, option: str | None = None) -> int:
    """The port: ``option`` (``--port``) when given, else ``value`` (``$PORT``), else 3000.

    ``SettingsError`` naming ``--port`` or ``PORT`` when the one used is no port.
    """
    from adapters.server import DEFAULT_PORT

    if option is not None:
        return _port(option, key="serve.bad_port_option", language=language)
    if value is None or not value.strip():
        return DEFAULT_PORT
    return _port(value, key="serve.bad_port", language=language)


def _port(value: str, *, key: str, language: str) -> int:
    try:
        port = int(value.strip())
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise SettingsError(t(language, key, value=value))
    return port


def _postpone_full_collections() -> Callable[[], None]:
    """Keep the garbage collector's full passes off start-up; the function returned
    restores them.

    Each full pass scans everything loaded so far (the libraries, the guidelines, the
    search index) and finds next to nothing to free; during start-up they add up to
    about a second. The young generations are still collected meanwhile, and ``run``
    does one full pass itself when the server is ready, before freezing what start-up
    loaded out of the collector's way.
    """
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)
    return lambda: gc.set_threshold(young, middle, old)


_NEVER = 2**31 - 1
"""The largest threshold ``gc.set_threshold`` takes: no full pass is ever due."""


def _fail(message: str, code: int = 2) -> None:
    err.print(message, style="red", markup=False)
    raise typer.Exit(code)


async def _serve(
    settings: Settings,
    platforms: Platforms,
    *,
    host: str,
    port: int,
    language: str,
    started: Callable[[], None],
) -> None:
    from adapters.app_factory import build_bot
    from adapters.cli.common import open_library, open_store
    from adapters.server import create_app, run
    from bot.answering.vector_cache import default_cache_path
    from bot.guidelines.pieces import keep_pieces_in

    # The guidelines as read are kept in the embedding cache's file too: a restart with
    # unchanged files reads no YAML again (about two seconds for 500 rules).
    keep_pieces_in(default_cache_path(settings.database_url, settings.embedding_cache))
    library = open_library(settings.guidelines, language)
    store = open_store(settings.database_url, language)
    try:
        bot = build_bot(settings, store=store, library=library)
        running = platforms.build(bot)
        for platform in running:
            await platform.check(language=language)
        app = create_app(bot, store=store, platforms=running)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)

        def ready(bound: int) -> None:
            started()
            err.print(
                t(language, "serve.listening", host=host, port=bound, platforms=platforms.names()),
                markup=False,
            )
            for platform in running:
                for notice in platform.notices(language=language):
                    err.print(notice, markup=False)

        try:
            await run(app, host=host, port=port, stop=stop, on_ready=ready)
        except OSError as error:
            raise SettingsError(
                t(language, "serve.port_in_use", port=port, reason=error.strerror or error)
            ) from None
        err.print(t(language, "serve.stopped"), markup=False)
    finally:
        store.close()


def serve(
    socket_mode: Annotated[
        bool,
        typer.Option(
            "--socket-mode",
            help="Receive Slack events over Socket Mode (needs SLACK_APP_TOKEN) instead of HTTP.",
        ),
    ] = False,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: all, 0.0.0.0).")
    ] = "0.0.0.0",
    guidelines: Annotated[
        Path | None,
        typer.Option(
            "--guidelines", "-g", help="Guidelines folder (default: $MERKWERKER_GUIDELINES)."
        ),
    ] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="Database URL (default: $DATABASE_URL).")
    ] = None,
    port: Annotated[
        str | None,
        typer.Option(
            "--port",
            "-p",
            help="Port to listen on, 1 to 65535. Wins over $PORT; without either: 3000.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web process: Slack and/or Teams (whichever is configured), share links, /healthz."""
    resume_full_collections = _postpone_full_collections()
    from adapters.cli.common import cli_language
    from adapters.platform import platforms_from_env

    language = cli_language()
    level = os.environ.get("MERKWERKER_LOG_LEVEL", "INFO").strip().upper()
    logging.basicConfig(
        level=level if level in logging.getLevelNamesMapping() else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic names each of its plugins at INFO when the storage first loads it.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    try:
        bound = port_from(os.environ.get("PORT"), language=language, option=port)
        settings = Settings.from_env(guidelines=guidelines, database_url=database)
        platforms = platforms_from_env(socket_mode=socket_mode, language=language)
        asyncio.run(
            _serve(
                settings,
                platforms,
                host=host,
                port=bound,
                language=language,
                started=resume_full_collections,
            )
        )
    except SettingsError as error:
        _fail(error.message(language))
    except KeyboardInterrupt:
        err.print(t(language, "serve.stopped"), markup=False)
