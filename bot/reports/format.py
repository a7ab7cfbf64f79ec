"""How numbers, rates, dates and team names look in the human-readable report formats."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import t

EMPTY = "–"
"""Shown where there is no value, such as a rate of nobody."""


def number(value: int, language: str) -> str:
    """``1234`` as ``1,234`` (en) or ``1.234`` (nl)."""
    text = f"{value:,}"
    return text.replace(",", ".") if language == "nl" else text


def percent(rate: float | None, language: str) -> str:
    """A rate as a whole percentage (``40%``), or ``EMPTY`` for no rate."""
    if rate is None:
        return EMPTY
    return f"{number(round(rate * 100), language)}%"


def decimal(value: float | None, language: str) -> str:
    """A ratio with one decimal (``2.5``, nl ``2,5``), or ``EMPTY``."""
    if value is None:
        return EMPTY
    text = f"{value:,.1f}"
    if language == "nl":
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def team_name(team: str | None, language: str) -> str:
    """A team's name; the merged group of small teams is "other" in ``language``."""
    return t(language, "report.other") if team is None else team


def item_title(title: str | None, language: str) -> str:
    """An item's title, or a note that the item was removed."""
    return t(language, "report.item_removed") if title is None else title


def local_time(moment: datetime, zone: ZoneInfo) -> str:
    """``moment`` in ``zone`` as ``2026-03-02 09:30``."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
