"""The web process: Slack's events, Teams' messages, tracked share links and a health check.

One aiohttp application serves ``POST /slack/events`` (when Slack uses HTTP),
``POST /api/messages`` (when Teams is configured), ``GET /r/<token>`` (a share link:
recorded, then redirected to the tagged URL) and ``GET /healthz``. Each platform runs
when its settings are present; ``run`` starts and stops everything in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import importlib
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine, text

from adapters.slack import SlackAdapter, SlackSettings, slack_settings_from_env
from bot.answering.answer import answer_question
from bot.checking import check
from bot.conversation import Merkwerker, utc_now
from bot.i18n import t
from bot.settings import SettingsError

log = logging.getLogger(__name__)

DEFAULT_PORT = 3000
HEALTH_TIMEOUT_SECONDS = 3.0


@dataclass(frozen=True, kw_only=True)
class Platforms:
    """Which chat platforms this process serves, with their settings."""

    slack: SlackSettings | None = None
    teams: Any = None
    """``adapters.teams.TeamsSettings`` when Teams is configured."""

    def names(self) -> str:
        """ "Slack and Teams", "Slack" or "Teams"."""
        return " + ".join(n for n, s in (("Slack", self.slack), ("Teams", self.teams)) if s)


def platforms_from_env(
    env: Mapping[str, str] | None = None, *, socket_mode: bool = False, language: str = "en"
) -> Platforms:
    """The platforms whose settings are present; ``SettingsError`` when none or one is partial."""
    env = os.environ if env is None else env
    slack = slack_settings_from_env(env, language=language)
    if socket_mode:
        if slack is None:
            raise SettingsError(t(language, "slack.settings.socket_needs_token"))
        slack = slack.with_socket_mode(language=language)
    teams = None
    try:
        teams_module = importlib.import_module("adapters.teams")
    except ModuleNotFoundError:  # Teams support not installed: Slack only
        teams_module = None
    if teams_module is not None:
        teams = teams_module.teams_settings_from_env(env)
    if slack is None and teams is None:
        raise SettingsError(t(language, "serve.no_platform"))
    return Platforms(slack=slack, teams=teams)


def language_of_request(request: web.Request) -> str:
    """``nl`` when the browser prefers Dutch, else ``en``."""
    accept = request.headers.get("Accept-Language", "").strip().lower()
    return "nl" if accept.startswith("nl") else "en"


def not_found_page(language: str) -> web.Response:
    """A small page for an unknown or tampered share link (404, never an error trace)."""
    title = html.escape(t(language, "web.link_unknown.title"))
    body = html.escape(t(language, "web.link_unknown.text"))
    page = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        f'<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em">'
        f"<h1>{title}</h1><p>{body}</p></body></html>"
    )
    return web.Response(status=404, text=page, content_type="text/html")


def _database_ok(engine: Engine) -> bool:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return True


def create_app(
    bot: Merkwerker,
    *,
    engine: Engine,
    slack: SlackAdapter | None = None,
    teams: Any = None,
    clock: Callable[[], datetime] = utc_now,
) -> web.Application:
    """The aiohttp application with every route of the configured platforms."""
    app = web.Application()

    async def redirect(request: web.Request) -> web.StreamResponse:
        from bot.suggestions import resolve_click

        token = request.match_info.get("token", "")
        try:
            url = await asyncio.to_thread(
                resolve_click,
                engine,
                token,
                now=clock(),
                user_agent=request.headers.get("User-Agent"),
                # A HEAD (link checkers, some previews) is no click.
                record=request.method != "HEAD",
            )
        except Exception:  # a storage problem still gets a page, not a stack trace
            log.exception("resolving share link failed")
            url = None
        if url is None:
            return not_found_page(language_of_request(request))
        return web.Response(
            status=302,
            headers={
                "Location": url,
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
            },
        )

    async def healthz(request: web.Request) -> web.Response:
        try:
            reachable = await asyncio.wait_for(
                asyncio.to_thread(_database_ok, engine), HEALTH_TIMEOUT_SECONDS
            )
        except Exception:
            log.exception("health check: database unreachable")
            reachable = False
        body = {
            "status": "ok" if reachable else "degraded",
            "guidelines_version": bot.guidelines.version,
            "database": "reachable" if reachable else "unreachable",
            "matching": bot.answerer.matching,
            "matching_detail": bot.answerer.choice.description,
        }
        return web.json_response(body, status=200 if reachable else 503)

    app.router.add_get("/r/{token}", redirect)
    app.router.add_get("/healthz", healthz)
    if slack is not None and not slack.settings.socket_mode:
        slack.add_routes(app)
    if teams is not None:
        teams.add_routes(app)

    async def start(_: web.Application) -> None:
        warm_up(bot)
        if slack is not None:
            await slack.start()
            if slack.settings.socket_mode:
                await slack.start_socket_mode()

    async def stop(_: web.Application) -> None:
        if slack is not None:
            await slack.close()
        if teams is not None:
            await teams.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    return app


def warm_up(bot: Merkwerker) -> None:
    """Build the guidelines' search index and check plan now, not on the first message.

    Pure calls: nothing is recorded. Done before the server freezes its start-up objects
    out of the garbage collector's way (see ``run``).
    """
    guidelines = bot.guidelines
    today = bot.clock().date()
    for language in guidelines.languages:
        answer_question(
            "warm-up", guidelines, language=language, today=today, answerer=bot.answerer
        )
        check("warm-up", guidelines, language=language, today=today)


async def check_slack(slack: SlackAdapter, *, language: str) -> None:
    """Ask Slack whether the bot token works; ``SettingsError`` with the reason when not."""
    try:
        await slack.client.auth_test()
    except SlackApiError as error:
        reason = str(error.response.get("error") or error)
        raise SettingsError(t(language, "serve.slack_refused", reason=reason)) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        reason = str(error) or type(error).__name__
        raise SettingsError(
            t(language, "serve.slack_unreachable", url=slack.settings.api_url, reason=reason)
        ) from None


async def run(
    app: web.Application,
    *,
    host: str,
    port: int,
    stop: asyncio.Event,
    on_ready: Callable[[int], None] | None = None,
) -> None:
    """Serve ``app`` on ``host``:``port`` until ``stop`` is set, then shut down cleanly.

    ``on_ready`` gets the bound port (useful with port 0).
    """
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        # Everything loaded so far (libraries, the guidelines' search index) lives as long
        # as the process: keep it out of the garbage collector's full passes, which
        # otherwise scan it all and stall acknowledgements for a few hundred milliseconds.
        gc.collect()
        gc.freeze()
        bound = port
        with contextlib.suppress(IndexError, TypeError):
            bound = int(runner.addresses[0][1])
        if on_ready is not None:
            on_ready(bound)
        await stop.wait()
    finally:
        await runner.cleanup()
