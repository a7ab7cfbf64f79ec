"""The report as one self-contained HTML page (``--format html``), fit to mail around.

Inline styles only (mail clients drop style sheets), inline SVG charts, no scripts, no
images, fonts or links to anywhere. Every value from the database is escaped: feed
titles and questions can hold ``<script>``. Each chart has a data table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.i18n import t
from bot.reports.figures import Report, RuleQuestions, TeamWeek
from bot.reports.format import (
    EMPTY,
    decimal,
    item_title,
    local_time,
    number,
    percent,
    team_name,
)
from bot.reports.svg import BLUE, GREEN, VERMILLION, Bar, Series, bar_chart, line_chart
from bot.reports.wording import generated_line, notes, period_line, summary_lines, unreachable_line

BODY = (
    "margin:0;padding:24px;background:#ffffff;color:#1a1a1a;"
    "font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5"
)
H1 = "font-size:26px;margin:0 0 4px 0"
H2 = "font-size:19px;margin:32px 0 8px 0;padding-bottom:4px;border-bottom:2px solid #0072B2"
TABLE = "border-collapse:collapse;width:100%;margin:8px 0;font-size:14px"
CAPTION = "text-align:left;font-weight:bold;padding:4px 0"
TH = "text-align:left;padding:6px 8px;border-bottom:2px solid #444;background:#f2f2f2"
TD = "padding:6px 8px;border-bottom:1px solid #d0d0d0"
NUM = "text-align:right;white-space:nowrap"
MUTED = "color:#555555;font-size:13px"


def _e(text: str) -> str:
    return escape(text, quote=True)


def _table(
    caption: str | None,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    text_columns: int = 1,
    labelled_by: str = "",
) -> str:
    """A data table; the first cell of each row is its header. Cells are escaped.

    The first ``text_columns`` columns are text (left-aligned); the rest are numbers.
    A table right under a heading that names it has no caption of its own (the words
    would show twice): ``labelled_by`` points screen readers at that heading instead.
    """
    head = "".join(
        f'<th scope="col" style="{TH}{";" + NUM if i >= text_columns else ""}">{_e(h)}</th>'
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        first, rest = row[0], row[1:]
        cells = "".join(
            f'<td style="{TD};{NUM if i + 1 >= text_columns else "text-align:left"}">'
            f"{_e(cell)}</td>"
            for i, cell in enumerate(rest)
        )
        body.append(
            f'<tr><th scope="row" style="{TD};text-align:left;font-weight:normal">'
            f"{_e(first)}</th>{cells}</tr>"
        )
    return _wrap(head, body, caption=caption, labelled_by=labelled_by)


def _wrap(head: str, body: list[str], *, caption: str | None, labelled_by: str) -> str:
    label = f' aria-labelledby="{_e(labelled_by)}"' if labelled_by else ""
    shown = f'<caption style="{CAPTION}">{_e(caption)}</caption>' if caption else ""
    return (
        f'<div style="overflow-x:auto"><table style="{TABLE}"{label}>{shown}'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _heading_id(key: str) -> str:
    """The id of the section heading of ``key`` (``report.section.items`` → ``items``)."""
    return key.rsplit(".", 1)[-1]


def _h2(language: str, key: str) -> str:
    return f'<h2 id="{_heading_id(key)}" style="{H2}">{_e(t(language, key))}</h2>'


def _p(text: str, style: str = "") -> str:
    return f'<p style="margin:6px 0;{style}">{_e(text)}</p>'


def _teams(report: Report, language: str) -> str:
    if not report.teams:
        return _p(t(language, "report.teams.none"))
    bars = [
        Bar(
            label=team_name(team.team, language),
            value=team.rate or 0.0,
            text=f"{percent(team.rate, language)} ({team.shared}/{team.reached})",
            muted=team.team is None,
        )
        for team in report.teams
    ]
    chart = bar_chart(
        bars,
        title=t(language, "report.chart.teams"),
        description=t(language, "report.chart.teams_desc"),
        chart_id="chart-teams",
        tick_label=lambda v: percent(v, language),
    )
    rows = [
        (
            team_name(team.team, language),
            number(team.people, language),
            number(team.reached, language),
            number(team.shared, language),
            percent(team.rate, language),
        )
        for team in report.teams
    ]
    keys = ("team", "people", "reached", "shared", "rate")
    return chart + _table(
        None, [t(language, f"report.col.{k}") for k in keys], rows, labelled_by="teams"
    )


def _trend(report: Report, language: str) -> str:
    labels = [week.week.label for week in report.trend]
    series = [
        Series(
            name=t(language, "report.col.suggested"),
            color=BLUE,
            values=[w.activity.suggested for w in report.trend],
        ),
        Series(
            name=t(language, "report.col.shares"),
            color=VERMILLION,
            dash="8 4",
            marker="square",
            values=[w.activity.shares for w in report.trend],
        ),
        Series(
            name=t(language, "report.col.clicks"),
            color=GREEN,
            dash="2 3",
            marker="diamond",
            values=[w.activity.clicks for w in report.trend],
        ),
    ]
    chart = line_chart(
        labels,
        series,
        title=t(language, "report.chart.trend"),
        description=t(language, "report.chart.trend_desc"),
        chart_id="chart-trend",
        tick_label=lambda v: number(v, language),
        current=report.current_week,
        current_label=t(language, "report.chart.this_week"),
    )
    rows = [
        (
            w.week.label,
            *(
                number(n, language)
                for n in (
                    w.activity.suggested,
                    w.activity.opened,
                    w.activity.shares,
                    w.activity.clicks,
                    w.activity.questions,
                    w.activity.checks,
                )
            ),
            percent(w.participation.rate, language),
        )
        for w in report.trend
    ]
    keys = ("week", "suggested", "opened", "shares", "clicks", "questions", "checks", "rate")
    return chart + _table(
        None, [t(language, f"report.col.{k}") for k in keys], rows, labelled_by="trend"
    )


def _team_weeks(report: Report, language: str) -> str:
    """Weeks down, teams across: each cell is the rate, with shared / reached under it."""
    if not report.team_weeks:
        return _p(t(language, "report.teams.none"))
    teams = [team.team for team in report.teams]
    cells: dict[tuple[int, str | None], TeamWeek] = {
        (row.week.index, row.team): row for row in report.team_weeks
    }
    head = f'<th scope="col" style="{TH}">{_e(t(language, "report.col.week"))}</th>' + "".join(
        f'<th scope="col" style="{TH};{NUM}">{_e(team_name(team, language))}</th>' for team in teams
    )
    body = []
    for week in report.trend:
        row = [
            f'<th scope="row" style="{TD};text-align:left;font-weight:normal">'
            f"{_e(week.week.label)}</th>"
        ]
        for team in teams:
            cell = cells.get((week.week.index, team))
            text = (
                EMPTY
                if cell is None
                else (
                    f'{_e(percent(cell.rate, language))}<br><span style="{MUTED}">'
                    f"{_e(number(cell.shared, language))}/"
                    f"{_e(number(cell.reached, language))}</span>"
                )
            )
            row.append(f'<td style="{TD};{NUM}">{text}</td>')
        body.append(f"<tr>{''.join(row)}</tr>")
    return _wrap(head, body, caption=None, labelled_by="team_weeks")


def _items(report: Report, language: str) -> str:
    if not report.items:
        return _p(t(language, "report.items.none"))
    rows = [
        (
            item_title(item.title, language),
            number(item.opened, language),
            number(item.shares, language),
            number(item.clicks, language),
            decimal(item.clicks_per_share, language),
        )
        for item in report.items
    ]
    keys = ("item", "opened", "shares", "clicks", "clicks_per_share")
    return _table(None, [t(language, f"report.col.{k}") for k in keys], rows, labelled_by="items")


def _unanswered(report: Report, language: str) -> str:
    if not report.unanswered:
        return _p(t(language, "report.unanswered.none"))
    rows = [
        (
            group.question,
            number(group.count, language),
            local_time(group.last_asked, report.period.zone),
        )
        for group in report.unanswered
    ]
    keys = ("question", "times_asked", "last_asked")
    return _p(t(language, "report.unanswered.intro")) + _table(
        None, [t(language, f"report.col.{k}") for k in keys], rows, labelled_by="unanswered"
    )


def _rule_questions(
    groups: tuple[RuleQuestions, ...], language: str, caption_key: str, none_key: str
) -> str:
    if not groups:
        return _p(t(language, none_key))
    rows = [
        (group.rule_id, q.question, number(q.count, language))
        for group in groups
        for q in group.questions
    ]
    keys = ("rule", "question", "times_asked")
    return _table(
        t(language, caption_key),
        [t(language, f"report.col.{k}") for k in keys],
        rows,
        text_columns=2,
    )


def _proposals(report: Report, language: str) -> str:
    """Per rule, the questions its owners can add as examples, and the answers marked 👎."""
    return (
        _p(t(language, "report.proposals.intro"))
        + _rule_questions(
            report.picked, language, "report.proposals.picked", "report.proposals.picked_none"
        )
        + _rule_questions(
            report.not_helpful,
            language,
            "report.proposals.not_helpful",
            "report.proposals.not_helpful_none",
        )
    )


def _leaderboard(report: Report, language: str) -> str:
    if not report.leaderboard:
        return ""
    rows = [(entry.name, number(entry.shares, language)) for entry in report.leaderboard]
    return (
        _h2(language, "report.section.leaderboard")
        + _p(t(language, "report.leaderboard.intro"))
        + _table(
            None,
            [t(language, "report.col.name"), t(language, "report.col.shares")],
            rows,
            labelled_by="leaderboard",
        )
    )


def render_html(report: Report, *, language: str) -> str:
    """The whole report as an HTML document in ``language``."""
    title = t(language, "report.title")
    notes_list = "".join(f"<li>{_e(note)}</li>" for note in notes(report, language))
    sections = [
        f'<h1 style="{H1}">{_e(title)}</h1>',
        _p(period_line(report, language), "font-size:17px"),
        _p(generated_line(report, language), MUTED),
        _h2(language, "report.section.summary"),
        *(_p(line) for line in summary_lines(report, language)),
        _h2(language, "report.section.teams"),
        _teams(report, language),
        _h2(language, "report.section.trend"),
        _trend(report, language),
        _h2(language, "report.section.team_weeks"),
        _team_weeks(report, language),
        _h2(language, "report.section.items"),
        _items(report, language),
        _h2(language, "report.section.unanswered"),
        _unanswered(report, language),
        _h2(language, "report.section.proposals"),
        _proposals(report, language),
        _h2(language, "report.section.unreachable"),
        _p(unreachable_line(report, language)),
        _leaderboard(report, language),
        _h2(language, "report.section.notes"),
        f'<ul style="margin:6px 0;padding-left:20px;{MUTED}">{notes_list}</ul>',
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} · {_e(period_line(report, language))}</title>\n</head>\n"
        f'<body style="{BODY}">\n<main style="max-width:860px;margin:0 auto">\n'
        + "\n".join(sections)
        + "\n</main>\n</body>\n</html>\n"
    )
