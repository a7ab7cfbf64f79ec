"""The report in chat: a short summary of this week and last, in the reply's neutral parts.

``summary_period`` is the current ISO week and the one before it, up to the end of today;
``summary_parts`` tells a comms person how this week compares with last week, which items
got the most clicks (the report's own "Clicks": every visit to a tracked link) and how
many questions the guidelines did not answer. The full report is a link beside it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.i18n import t
from bot.messages import Fact, Part, Text
from bot.reports.build import UNANSWERED_LIMIT
from bot.reports.figures import Report, TrendWeek
from bot.reports.format import item_title, number, percent
from bot.reports.period import ReportPeriod, local_midnight, monday_of, zone

TOP_ITEMS = 3


def summary_period(now: datetime, timezone: str) -> ReportPeriod:
    """Last week's Monday up to the end of today, in ``timezone``."""
    tz = zone(timezone)
    today = now.astimezone(tz).date()
    since = local_midnight(monday_of(today) - timedelta(weeks=1), tz)
    return ReportPeriod(
        since=since, until=local_midnight(today + timedelta(days=1), tz), timezone=timezone
    )


def _day(day: date) -> str:
    return day.isoformat()


def _this_week(week: TrendWeek, language: str) -> str:
    people = week.participation
    if not people.reached:
        return t(language, "report.chat.this_week_none", week=week.week.label)
    return t(
        language,
        "report.chat.this_week",
        week=week.week.label,
        shared=number(people.shared, language),
        reached=number(people.reached, language),
        rate=percent(people.rate, language),
    )


def _trend(this: TrendWeek, last: TrendWeek, language: str) -> str:
    now_rate, last_rate = this.participation.rate, last.participation.rate
    if last_rate is None:
        return t(language, "report.chat.trend_none")
    shown = percent(last_rate, language)
    if now_rate is None:
        return t(language, "report.chat.trend_only_last", rate=shown)
    points = round(now_rate * 100) - round(last_rate * 100)
    if points == 0:
        return t(language, "report.chat.trend_same", rate=shown)
    key = "report.chat.trend_up" if points > 0 else "report.chat.trend_down"
    return t(language, key, rate=shown, points=number(abs(points), language))


def summary_parts(report: Report, language: str) -> tuple[Part, ...]:
    """This week against last week, the top items by clicks, and the unanswered questions.

    ``report`` covers ``summary_period``: its last week is this week.
    """
    since = _day(report.first_day)
    parts: list[Part] = [Text(text=t(language, "report.chat.title"), style="heading")]
    if report.trend:
        this = report.trend[-1]
        parts.append(Text(text=_this_week(this, language)))
        if len(report.trend) > 1:
            parts.append(Text(text=_trend(this, report.trend[-2], language)))
    clicked = sorted(
        (item for item in report.items if item.clicks),
        key=lambda item: (-item.clicks, -item.shares, item.item_id),
    )[:TOP_ITEMS]
    if clicked:
        parts.append(Text(text=t(language, "report.chat.items", since=since), style="heading"))
        parts.extend(
            Fact(
                label=item_title(item.title, language),
                value=t(
                    language,
                    "report.chat.item_value",
                    clicks_label=t(language, "report.col.clicks"),
                    clicks=number(item.clicks, language),
                    shares_label=t(language, "report.col.shares"),
                    shares=number(item.shares, language),
                ),
            )
            for item in clicked
        )
    else:
        parts.append(Text(text=t(language, "report.chat.items_none", since=since)))
    unanswered = len(report.unanswered)
    count = number(unanswered, language)
    parts.append(
        Fact(
            label=t(language, "report.chat.unanswered", since=since),
            value=(
                t(language, "report.chat.unanswered_many", count=count)
                if unanswered >= UNANSWERED_LIMIT
                else count
            ),
        )
    )
    return tuple(parts)
