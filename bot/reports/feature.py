"""``report`` / ``rapport`` in chat: the comms team's summary and a link to the full report.

Only people with the ``comms`` or ``admin`` role (configured, or granted with
``merkwerker people grant``) get it; anyone else gets a polite refusal. The link is
signed for the person who asked (see ``bot.reports.links``) and opens the same HTML
page ``merkwerker report --format html`` writes, made when it is opened. Without
``MERKWERKER_PUBLIC_URL`` or ``MERKWERKER_SECRET`` the reply says why there is no link.
"""

from __future__ import annotations

import asyncio
import logging

from bot.features import Context
from bot.i18n import t
from bot.intents import Intent, Understood
from bot.messages import IncomingAction, Link, Part, Reply, Text
from bot.reports.build import build_report
from bot.reports.chat import summary_parts, summary_period
from bot.reports.links import ReportSigner
from bot.reports.queries import ReportQueries
from bot.settings import Settings
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)

REPORT_ROLES = frozenset({"comms", "admin"})
"""Roles that may see the report in chat and open its link."""


class ReportFeature:
    """The participation report in chat, for the comms team."""

    intents = frozenset({Intent.REPORT})
    action_prefix = "report"

    def __init__(
        self, queries: ReportQueries, *, settings: Settings, signer: ReportSigner | None
    ) -> None:
        self.queries = queries
        self.settings = settings
        self.signer = signer

    async def on_message(self, ctx: Context, understood: Understood) -> Reply:
        """The summary and the link for a comms person; a polite refusal for anyone else."""
        language = ctx.language
        if not ctx.roles & REPORT_ROLES:
            return _reply(language, "report.refused", Text(text=t(language, "report.chat.refused")))
        period = summary_period(ctx.now, self.settings.timezone)
        try:
            report = await asyncio.to_thread(
                build_report, self.queries, period=period, now=ctx.now, leaderboard=False
            )
        except StorageError:  # the database is away: say so, never a stack trace
            log.exception("report for chat unavailable")
            return _reply(
                language, "report.unavailable", Text(text=t(language, "report.chat.unavailable"))
            )
        return _reply(language, "report.summary", *summary_parts(report, language), self._link(ctx))

    def _link(self, ctx: Context) -> Part:
        language = ctx.language
        public_url = self.settings.public_url
        if self.signer is None and not public_url:
            return Text(text=t(language, "report.chat.no_link_settings"), style="note")
        if self.signer is None:
            return Text(text=t(language, "report.chat.no_secret"), style="note")
        if not public_url:
            return Text(text=t(language, "report.chat.no_public_url"), style="note")
        url = self.signer.url(
            public_url,
            platform=ctx.platform.value,
            user_id=ctx.platform_user_id,
            language=language,
        )
        return Link(label=t(language, "report.chat.link"), url=url)

    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        """The report has no buttons; an old or made-up action gets the usual notice."""
        return _reply(ctx.language, "notice", Text(text=t(ctx.language, "action.unknown")))

    async def preface(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing to say before other replies."""
        return ()

    async def home(self, ctx: Context) -> tuple[Part, ...]:
        """Nothing on the home view."""
        return ()


def _reply(language: str, kind: str, *parts: Part) -> Reply:
    return Reply(parts=parts, language=language, kind=kind)
