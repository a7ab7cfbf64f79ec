"""The report as Rich tables, for the terminal (``--format table``).

Every value from the database goes in as ``Text``, never as markup: a feed title such
as ``[bold]News`` must print as written.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bot.i18n import t
from bot.reports.figures import Report, RuleQuestions
from bot.reports.format import decimal, item_title, local_time, number, percent, team_name
from bot.reports.wording import generated_line, notes, period_line, summary_lines, unreachable_line


def render_text(report: Report, *, language: str) -> Group:
    """All sections of ``report`` as one Rich renderable, in ``language``."""
    parts: list[RenderableType] = [
        Text(t(language, "report.title"), style="bold"),
        Text(period_line(report, language)),
        Text(generated_line(report, language), style="dim"),
        _heading(language, "report.section.summary"),
        *(Text(line) for line in summary_lines(report, language)),
        _heading(language, "report.section.teams"),
        _teams(report, language),
        _heading(language, "report.section.team_weeks"),
        _team_weeks(report, language),
        _heading(language, "report.section.trend"),
        _trend(report, language),
        _heading(language, "report.section.items"),
        _items(report, language),
        _heading(language, "report.section.unanswered"),
        _unanswered(report, language),
        _heading(language, "report.section.proposals"),
        _proposals(report, language),
        _heading(language, "report.section.unreachable"),
        Text(unreachable_line(report, language)),
    ]
    if report.leaderboard:
        parts += [_heading(language, "report.section.leaderboard"), _leaderboard(report, language)]
    parts.append(_heading(language, "report.section.notes"))
    parts += [Text(f"* {note}") for note in notes(report, language)]
    return Group(*parts)


def _heading(language: str, key: str) -> Text:
    return Text("\n" + t(language, key), style="bold underline")


def _table(language: str, *keys: str) -> Table:
    table = Table(show_edge=False, header_style="bold")
    for position, key in enumerate(keys):
        # Fold rather than cut: a title or a header must stay whole on a narrow terminal.
        table.add_column(
            t(language, key), justify="left" if position == 0 else "right", overflow="fold"
        )
    return table


def _row(table: Table, *cells: str) -> None:
    table.add_row(*(Text(cell) for cell in cells))


def _teams(report: Report, language: str) -> RenderableType:
    if not report.teams:
        return Text(t(language, "report.teams.none"))
    table = _table(
        language,
        "report.col.team",
        "report.col.people",
        "report.col.reached",
        "report.col.shared",
        "report.col.rate",
    )
    for team in report.teams:
        _row(
            table,
            team_name(team.team, language),
            number(team.people, language),
            number(team.reached, language),
            number(team.shared, language),
            percent(team.rate, language),
        )
    return table


def _team_weeks(report: Report, language: str) -> RenderableType:
    if not report.team_weeks:
        return Text(t(language, "report.teams.none"))
    table = _table(
        language,
        "report.col.week",
        "report.col.team",
        "report.col.reached",
        "report.col.shared",
        "report.col.rate",
    )
    table.columns[1].justify = "left"
    for row in report.team_weeks:
        _row(
            table,
            row.week.label,
            team_name(row.team, language),
            number(row.reached, language),
            number(row.shared, language),
            percent(row.rate, language),
        )
    return table


def _trend(report: Report, language: str) -> RenderableType:
    table = _table(
        language,
        "report.col.week",
        "report.col.suggested",
        "report.col.opened",
        "report.col.shares",
        "report.col.clicks",
        "report.col.questions",
        "report.col.checks",
        "report.col.rate",
    )
    for week in report.trend:
        a = week.activity
        _row(
            table,
            week.week.label,
            *(
                number(n, language)
                for n in (a.suggested, a.opened, a.shares, a.clicks, a.questions, a.checks)
            ),
            percent(week.participation.rate, language),
        )
    return table


def _items(report: Report, language: str) -> RenderableType:
    if not report.items:
        return Text(t(language, "report.items.none"))
    table = _table(
        language,
        "report.col.item",
        "report.col.opened",
        "report.col.shares",
        "report.col.clicks",
        "report.col.clicks_per_share",
    )
    for item in report.items:
        _row(
            table,
            item_title(item.title, language),
            number(item.opened, language),
            number(item.shares, language),
            number(item.clicks, language),
            decimal(item.clicks_per_share, language),
        )
    return table


def _unanswered(report: Report, language: str) -> RenderableType:
    if not report.unanswered:
        return Text(t(language, "report.unanswered.none"))
    table = _table(
        language, "report.col.question", "report.col.times_asked", "report.col.last_asked"
    )
    for group in report.unanswered:
        _row(
            table,
            group.question,
            number(group.count, language),
            local_time(group.last_asked, report.period.zone),
        )
    return Group(Text(t(language, "report.unanswered.intro")), table)


def _rule_questions(
    groups: tuple[RuleQuestions, ...], language: str, title_key: str, none_key: str
) -> RenderableType:
    if not groups:
        return Text(t(language, none_key))
    table = _table(language, "report.col.rule", "report.col.question", "report.col.times_asked")
    table.columns[1].justify = "left"
    for group in groups:
        for question in group.questions:
            _row(table, group.rule_id, question.question, number(question.count, language))
    return Group(Text(t(language, title_key), style="italic"), table)


def _proposals(report: Report, language: str) -> RenderableType:
    return Group(
        Text(t(language, "report.proposals.intro")),
        _rule_questions(
            report.picked, language, "report.proposals.picked", "report.proposals.picked_none"
        ),
        _rule_questions(
            report.not_helpful,
            language,
            "report.proposals.not_helpful",
            "report.proposals.not_helpful_none",
        ),
    )


def _leaderboard(report: Report, language: str) -> RenderableType:
    table = _table(language, "report.col.name", "report.col.shares")
    for entry in report.leaderboard:
        _row(table, entry.name, number(entry.shares, language))
    return Group(Text(t(language, "report.leaderboard.intro")), table)
