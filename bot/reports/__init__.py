"""Participation reports for the comms team: what people did with the content.

``build_report(ReportQueries(engine), period=...)`` aggregates in the database and returns a typed
``Report``; ``render_text`` (Rich tables), ``render_csv``, ``render_json`` and
``render_html`` (one self-contained page) present it. Reports hold no personal data
beyond the names of people who opted in to the leaderboard.
"""

from __future__ import annotations

from bot.reports.build import build_report
from bot.reports.figures import MIN_TEAM_SIZE, Report
from bot.reports.period import PeriodError, ReportPeriod, WeekSpan, period_from_options
from bot.reports.queries import ReportQueries
from bot.reports.render_csv import render_csv
from bot.reports.render_html import render_html
from bot.reports.render_json import render_json, report_to_dict
from bot.reports.render_text import render_text

__all__ = [
    "MIN_TEAM_SIZE",
    "PeriodError",
    "Report",
    "ReportPeriod",
    "ReportQueries",
    "WeekSpan",
    "build_report",
    "period_from_options",
    "render_csv",
    "render_html",
    "render_json",
    "render_text",
    "report_to_dict",
]
