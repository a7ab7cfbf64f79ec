"""The report as JSON (``--format json``): a stable structure for other tools.

Keys never depend on ``--lang``. Version 1 of the structure::

    {
      "schema": "merkwerker.report/1",
      "period": {"since": ISO, "until": ISO (not included), "timezone": str,
                 "first_day": "YYYY-MM-DD", "last_day": "YYYY-MM-DD" (included)},
      "generated_at": ISO,
      "min_team_size": int,
      "totals": {"suggested", "opened", "shares", "clicks", "questions", "checks": int},
      "participation": {"reached": int, "shared": int, "rate": float | null},
      "teams": [{"team": str | null, "other": bool, "people": int,
                 "reached": int, "shared": int, "rate": float | null}],
      "team_weeks": [{"week": "2026-W09", "week_start": "YYYY-MM-DD", "team": str | null,
                      "other": bool, "reached": int, "shared": int, "rate": float | null}],
      "trend": [{"week", "week_start", "suggested", "opened", "shares", "clicks",
                 "questions", "checks", "reached", "shared", "rate"}],
      "items": [{"item_id": int, "title": str | null, "opened": int, "shares": int,
                 "clicks": int, "clicks_per_share": float | null}],
      "without_identity": {"shares": int, "clicks": int, "opened": int},
      "unanswered_questions": [{"question": str, "count": int,
                                "first_asked": ISO, "last_asked": ISO}],
      "unreachable": {"messages": int, "people": int},
      "leaderboard": [{"name": str, "shares": int}],
      "picked_questions": [{"rule": str, "total": int,
                            "questions": [{"question": str, "count": int}]}],
      "not_helpful_answers": [{"rule": str, "total": int,
                               "questions": [{"question": str, "count": int}]}]
    }

``picked_questions``: per rule, the questions people matched to it by picking it from
"did you mean" (examples to add); ``not_helpful_answers``: per rule, the questions whose
answer with it got a 👎. Both most questions first, questions most asked first.

``team`` null (with ``other`` true) is the group of teams too small to be named and
people without a team. Times are ISO 8601 in UTC. A rate is null when nobody was
reached. New keys may be added within version 1; none are renamed or removed.
"""

from __future__ import annotations

import json
from typing import Any

from bot.reports.figures import Participation, Report, RuleQuestions

SCHEMA = "merkwerker.report/1"


def _participation(value: Participation) -> dict[str, Any]:
    return {"reached": value.reached, "shared": value.shared, "rate": value.rate}


def _rule_questions(groups: tuple[RuleQuestions, ...]) -> list[dict[str, Any]]:
    return [
        {
            "rule": group.rule_id,
            "total": group.total,
            "questions": [{"question": q.question, "count": q.count} for q in group.questions],
        }
        for group in groups
    ]


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, in the structure documented above."""
    period = report.period
    return {
        "schema": SCHEMA,
        "period": {
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "timezone": period.timezone,
            "first_day": report.first_day.isoformat(),
            "last_day": report.last_day.isoformat(),
        },
        "generated_at": report.generated_at.isoformat(),
        "min_team_size": report.min_team_size,
        "totals": vars(report.totals).copy(),
        "participation": _participation(report.participation),
        "teams": [
            {
                "team": team.team,
                "other": team.team is None,
                "people": team.people,
                **_participation(team),
            }
            for team in report.teams
        ],
        "team_weeks": [
            {
                "week": row.week.label,
                "week_start": row.week.monday.isoformat(),
                "team": row.team,
                "other": row.team is None,
                **_participation(row),
            }
            for row in report.team_weeks
        ],
        "trend": [
            {
                "week": week.week.label,
                "week_start": week.week.monday.isoformat(),
                **vars(week.activity),
                **_participation(week.participation),
            }
            for week in report.trend
        ],
        "items": [
            {
                "item_id": item.item_id,
                "title": item.title,
                "opened": item.opened,
                "shares": item.shares,
                "clicks": item.clicks,
                "clicks_per_share": item.clicks_per_share,
            }
            for item in report.items
        ],
        "without_identity": vars(report.anonymous).copy(),
        "unanswered_questions": [
            {
                "question": group.question,
                "count": group.count,
                "first_asked": group.first_asked.isoformat(),
                "last_asked": group.last_asked.isoformat(),
            }
            for group in report.unanswered
        ],
        "unreachable": vars(report.unreachable).copy(),
        "leaderboard": [
            {"name": entry.name, "shares": entry.shares} for entry in report.leaderboard
        ],
        "picked_questions": _rule_questions(report.picked),
        "not_helpful_answers": _rule_questions(report.not_helpful),
    }


def render_json(report: Report) -> str:
    """The report as indented JSON text (UTF-8 characters kept), ending in a newline."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"
