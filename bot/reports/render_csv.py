"""The report as one CSV file (``--format csv``) that a spreadsheet opens as it is.

Every row has the same columns (``COLUMNS``); the first, ``section``, says what the row
is, so a filter on that column shows one table at a time:

``summary``      the whole period: people reached/shared, participation, totals,
                 ``period_start``/``period_end`` (first and last day, both included)
``team``         per team over the period (``people`` known in the team)
``team_week``    per team and ISO week
``week``         per ISO week: activity and everyone's participation
``item``         per content item: opened, shares, clicks, clicks per share
``without_identity``  shares, clicks and opened links recorded without identity
``unanswered``   a question the guidelines could not answer, and how often it was asked
``unreachable``  digests that could not be delivered (``messages``, ``people``)
``leaderboard``  a person who opted in to the leaderboard (``name``, ``shares``)

Columns that do not apply to a section are empty. The file is UTF-8 with a byte order
mark (so Excel shows accents right; ``merkwerker report`` leaves it out on standard
output), comma-separated, with a header row. Rates are
fractions (0.25 = 25%) with a decimal point; the column names and section names are
the same in every language, only "other" (the merged small teams) is translated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from bot.i18n import t
from bot.reports.figures import Activity, Participation, Report

COLUMNS = (
    "section",
    "week",
    "week_start",
    "team",
    "item_id",
    "title",
    "people",
    "reached",
    "shared",
    "participation",
    "suggested",
    "opened",
    "shares",
    "clicks",
    "clicks_per_share",
    "questions",
    "checks",
    "question",
    "times_asked",
    "first_asked",
    "last_asked",
    "name",
    "messages",
    "period_start",
    "period_end",
)
BOM = "\ufeff"


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _people(value: Participation) -> dict[str, Any]:
    return {"reached": value.reached, "shared": value.shared, "participation": _rate(value.rate)}


def _rows(report: Report, language: str) -> Iterator[dict[str, Any]]:
    def team(name: str | None) -> str:
        return t(language, "report.other") if name is None else name

    yield {
        "section": "summary",
        **_people(report.participation),
        **vars(report.totals),
        "period_start": report.first_day.isoformat(),
        "period_end": report.last_day.isoformat(),
    }
    for row in report.teams:
        yield {"section": "team", "team": team(row.team), "people": row.people, **_people(row)}
    for cell in report.team_weeks:
        yield {
            "section": "team_week",
            "week": cell.week.label,
            "week_start": cell.week.monday.isoformat(),
            "team": team(cell.team),
            **_people(cell),
        }
    for week in report.trend:
        activity: Activity = week.activity
        yield {
            "section": "week",
            "week": week.week.label,
            "week_start": week.week.monday.isoformat(),
            **vars(activity),
            **_people(week.participation),
        }
    for item in report.items:
        yield {
            "section": "item",
            "item_id": item.item_id,
            "title": item.title or "",
            "opened": item.opened,
            "shares": item.shares,
            "clicks": item.clicks,
            "clicks_per_share": _rate(item.clicks_per_share),
        }
    yield {"section": "without_identity", **vars(report.anonymous)}
    for group in report.unanswered:
        yield {
            "section": "unanswered",
            "question": group.question,
            "times_asked": group.count,
            "first_asked": group.first_asked.isoformat(),
            "last_asked": group.last_asked.isoformat(),
        }
    yield {
        "section": "unreachable",
        "messages": report.unreachable.messages,
        "people": report.unreachable.people,
    }
    for entry in report.leaderboard:
        yield {"section": "leaderboard", "name": entry.name, "shares": entry.shares}


def render_csv(report: Report, *, language: str, bom: bool = True) -> str:
    """The report as CSV text (see the module doc); with a byte order mark unless ``bom``
    is False, as for a pipe, where the mark would only be in the way."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(report, language):
        writer.writerow({key: _safe(value) for key, value in row.items()})
    return (BOM if bom else "") + buffer.getvalue()


def _safe(value: Any) -> Any:
    # A cell starting with = + - @ is a formula to a spreadsheet; a question or title
    # from outside must stay text (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
