"""The page behind a signed report link: the full HTML report, or a plain page saying why not.

``report_page`` checks the link (``bot.reports.links``), checks that the person it was
made for is still in the comms team, and builds the report as ``merkwerker report
--format html`` does (the default period, in the link's language). An expired, altered
or incomplete link gets a 403 page that says to type ``report`` again. Web-framework
free: the web process turns a ``Page`` into its response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.i18n import t
from bot.reports.build import build_report
from bot.reports.feature import REPORT_ROLES
from bot.reports.links import LANGUAGES, ReportSigner
from bot.reports.period import period_from_options
from bot.reports.queries import ReportQueries
from bot.reports.render_html import render_html
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Page:
    """An HTML page and its HTTP status."""

    status: int
    html: str


def message_page(status: int, language: str, title_key: str, text_key: str) -> Page:
    """A small page with a title and one paragraph, in ``language``."""
    title = escape(t(language, title_key))
    body = escape(t(language, text_key))
    html = (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        '<body style="font-family: sans-serif; max-width: 36em; margin: 4em auto; padding: 0 1em">'
        f"<h1>{title}</h1><p>{body}</p></body></html>"
    )
    return Page(status=status, html=html)


def report_page(
    params: Mapping[str, str],
    *,
    signer: ReportSigner,
    queries: ReportQueries,
    roles_of: Callable[[str, str], frozenset[str]],
    timezone: str,
    now: datetime,
    fallback_language: str,
) -> Page:
    """The full report for a valid link (200), or a page saying why not (403, 503).

    ``roles_of(platform, user_id)`` gives the person's roles as they are now, configured
    and granted; ``fallback_language`` is for a link too broken to say its own.
    """
    asked = params.get("lang", "")
    language = asked if asked in LANGUAGES else fallback_language
    link = signer.check(params)
    if link is None:
        return message_page(403, language, "web.report_invalid.title", "web.report_invalid.text")
    try:
        if not roles_of(link.platform, link.user_id) & REPORT_ROLES:
            return message_page(
                403, link.language, "web.report_refused.title", "web.report_refused.text"
            )
        period = period_from_options(
            None, None, timezone=timezone, now=now, first_data=queries.first_recorded()
        )
        report = build_report(queries, period=period, now=now)
    except StorageError:
        log.exception("report page could not be made")
        return message_page(503, link.language, "web.report_failed.title", "web.report_failed.text")
    return Page(status=200, html=render_html(report, language=link.language))
