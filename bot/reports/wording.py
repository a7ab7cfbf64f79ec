"""The sentences of a report (summary, notes), shared by the table and HTML formats."""

from __future__ import annotations

from bot.i18n import t
from bot.reports.figures import Report
from bot.reports.format import local_time, number, percent


def period_line(report: Report, language: str) -> str:
    """The period as the reader thinks of it: first and last day, both included."""
    return t(
        language,
        "report.period",
        first=report.first_day.isoformat(),
        last=report.last_day.isoformat(),
        timezone=report.period.timezone,
    )


def generated_line(report: Report, language: str) -> str:
    """When the report was made, in the report's time zone."""
    return t(
        language, "report.generated", moment=local_time(report.generated_at, report.period.zone)
    )


def summary_lines(report: Report, language: str) -> list[str]:
    """One or two sentences: who took part, and what happened."""
    if report.is_empty:
        return [t(language, "report.summary.empty")]
    people = report.participation
    totals = report.totals
    return [
        t(
            language,
            "report.summary.people",
            shared=number(people.shared, language),
            reached=number(people.reached, language),
            rate=percent(people.rate, language),
        ),
        t(
            language,
            "report.summary.activity",
            suggested=number(totals.suggested, language),
            opened=number(totals.opened, language),
            shares=number(totals.shares, language),
            clicks=number(totals.clicks, language),
            questions=number(totals.questions, language),
            checks=number(totals.checks, language),
        ),
    ]


def unreachable_line(report: Report, language: str) -> str:
    """How many digests could not be delivered, and what to do about it."""
    if not report.unreachable.messages:
        return t(language, "report.unreachable.none")
    return t(
        language,
        "report.unreachable.some",
        messages=number(report.unreachable.messages, language),
        people=number(report.unreachable.people, language),
    )


def notes(report: Report, language: str) -> list[str]:
    """The footnotes: period boundaries, what participation, links opened and clicks mean,
    and privacy."""
    zone = report.period.zone
    anonymous = report.anonymous
    return [
        t(
            language,
            "report.note.period",
            since=local_time(report.period.since, zone),
            until=local_time(report.period.until, zone),
            timezone=report.period.timezone,
        ),
        t(language, "report.note.rate"),
        t(language, "report.note.opened"),
        t(language, "report.note.clicks"),
        t(
            language,
            "report.note.small_teams",
            size=report.min_team_size,
            other=t(language, "report.other"),
        ),
        t(
            language,
            "report.note.anonymous",
            shares=number(anonymous.shares, language),
            clicks=number(anonymous.clicks, language),
            opened=number(anonymous.opened, language),
        ),
    ]
