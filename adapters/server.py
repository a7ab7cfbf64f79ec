"""The web process: Slack's events, Teams' messages, tracked share links and a health check.

One aiohttp application serves ``POST /slack/events`` (when Slack uses HTTP),
``POST /api/messages`` (when Teams is configured), ``GET /r/<token>`` (a share link:
recorded, then redirected to the tagged URL), ``GET /report`` (the full report behind a
signed link from chat; 404 without ``MERKWERKER_SECRET``), ``GET /privacy`` and
``GET /terms`` (the pages the Teams app links to, from ``bot.legal``) and ``GET /healthz``.
Each platform runs when its settings are present; ``run`` starts and stops everything in
order, and the guidelines folder is watched meanwhile, so an edit goes live without a
restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

from adapters.platform import ChatPlatform, Platforms, platforms_from_env
from adapters.slack.platform import SlackPlatform, check_slack
from bot.answering.answer import answer_question
from bot.checking import check
from bot.clock import utc_now
from bot.conversation import Merkwerker
from bot.database_access import Store
from bot.features import Sender
from bot.guidelines.owner_notices import OwnerNotices
from bot.guidelines.rules import NotifyTarget
from bot.i18n import t
from bot.legal import PAGES, LegalPages, PageKind, document, page_language
from bot.messages import ConversationRef

if TYPE_CHECKING:
    from adapters.slack import SlackAdapter

__all__ = [
    "DEFAULT_PORT",
    "Platforms",
    "check_slack",
    "create_app",
    "language_of_request",
    "not_found_page",
    "platforms_from_env",
    "run",
    "warm_up",
]

log = logging.getLogger(__name__)

DEFAULT_PORT = 3000
HEALTH_TIMEOUT_SECONDS = 3.0


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


def client_address(request: web.Request) -> str:
    """The visitor's address: the last one a proxy in front of us added to
    ``X-Forwarded-For`` (load balancers append the address they saw), else the peer's."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last[:100] or request.remote or ""


def create_app(
    bot: Merkwerker,
    *,
    store: Store,
    platforms: Sequence[ChatPlatform] = (),
    slack: SlackAdapter | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> web.Application:
    """The aiohttp application with every route of ``platforms``, started and stopped with it.

    ``slack`` is a shorthand for ``platforms=[SlackPlatform(slack)]``.
    """
    app = web.Application()
    if slack is not None:
        platforms = (SlackPlatform(slack), *platforms)
    # Keys the daily hash that counts a visitor's clicks once (bot.suggestions.clicks).
    # Without MERKWERKER_SECRET it lives as long as the process.
    click_key = bot.settings.secret.encode() or secrets.token_bytes(32)

    async def redirect(request: web.Request) -> web.StreamResponse:
        from bot.suggestions import SuggestionStore, resolve_click

        token = request.match_info.get("token", "")
        try:
            url = await asyncio.to_thread(
                resolve_click,
                SuggestionStore.from_store(store),
                token,
                now=clock(),
                user_agent=request.headers.get("User-Agent"),
                # A HEAD (link checkers, some previews) is no click.
                record=request.method != "HEAD",
                visitor=client_address(request),
                key=click_key,
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
                asyncio.to_thread(store.ping), HEALTH_TIMEOUT_SECONDS
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
            "topic_gate": bot.answerer.topic_gate,
        }
        return web.json_response(body, status=200 if reachable else 503)

    async def report(request: web.Request) -> web.Response:
        from bot.reports import ReportQueries
        from bot.reports.links import signer_for
        from bot.reports.page import report_page

        settings = bot.settings
        signer = signer_for(settings.secret, clock=clock)
        if signer is None:  # no key, no links: the route does not exist
            return not_found_page(language_of_request(request))

        def roles_of(platform: str, user_id: str) -> frozenset[str]:
            granted = frozenset(store.roles_of(platform, user_id))
            return settings.roles_for(platform, user_id) | granted

        page = await asyncio.to_thread(
            report_page,
            dict(request.query),
            signer=signer,
            queries=ReportQueries.from_store(store),
            roles_of=roles_of,
            timezone=settings.timezone,
            now=clock(),
            fallback_language=language_of_request(request),
        )
        return web.Response(
            status=page.status,
            text=page.html,
            content_type="text/html",
            headers={
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
                "X-Robots-Tag": "noindex",
            },
        )

    legal = LegalPages(bot.library.folder)

    def legal_route(kind: PageKind) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def show(request: web.Request) -> web.Response:
            language = page_language(
                request.query.get("lang"), request.headers.get("Accept-Language")
            )
            page = await asyncio.to_thread(legal.page, kind, language)
            return web.Response(
                text=document(page),
                content_type="text/html",
                headers={
                    "Content-Language": page.language,
                    "Vary": "Accept-Language",
                    "Cache-Control": "no-cache",
                    "X-Content-Type-Options": "nosniff",
                },
            )

        return show

    for kind in PAGES:
        app.router.add_get(f"/{kind}", legal_route(kind))
    app.router.add_get("/r/{token}", redirect)
    app.router.add_get("/report", report)
    app.router.add_get("/healthz", healthz)
    for platform in platforms:
        platform.add_routes(app)

    async def reach(target: NotifyTarget) -> tuple[Sender, ConversationRef]:
        for platform in platforms:
            found = await platform.reach(target)
            if found is not None:
                return found
        raise LookupError(f"this process does not serve {target.platform}")

    # A broken edit is posted to the contacts' notify: targets (once per version), and
    # so is the fix.
    OwnerNotices(reach).listen_to(bot.library)

    watching = asyncio.Event()
    watcher: list[asyncio.Task[None]] = []

    async def start(_: web.Application) -> None:
        warm_up(bot)
        for platform in platforms:
            await platform.start()
        # An edit of the guidelines goes live within seconds, without waiting for a
        # message; a broken edit is logged and posted to the contacts' notify: targets
        # once, and the last valid version kept serving.
        watcher.append(asyncio.create_task(bot.library.watch(stop=watching)))

    async def stop(_: web.Application) -> None:
        watching.set()
        for task in watcher:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for platform in platforms:
            await platform.stop()

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
