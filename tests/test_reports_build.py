"""The numbers in a report, on SQLite and PostgreSQL: exact, private, in the right week."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from reports_fixtures import MONDAY, NEXT_MONDAY, START, World
from sqlalchemy import update
from sqlmodel import col

from bot.reports import (
    ReportPeriod,
    ReportQueries,
    build_report,
    render_csv,
    render_html,
    render_json,
)
from bot.reports.figures import Participation, TeamParticipation
from bot.storage.tables import User


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    built = World(database_url)
    yield built
    built.close()


def _team(report_teams: tuple[TeamParticipation, ...], name: str | None) -> TeamParticipation:
    return next(team for team in report_teams if team.team == name)


def test_participation_per_team_and_week_is_exact(world: World) -> None:
    sales = world.team("Sales", 6)
    # Week 1: four people reached (one of them three times), two shared (one twice).
    for person in sales[:4]:
        world.event("suggested", MONDAY, person)
    world.event("suggested", MONDAY + timedelta(days=1), sales[0])
    world.event("suggested", MONDAY + timedelta(days=2), sales[0])
    world.event("marked_shared", MONDAY + timedelta(hours=1), sales[0])
    world.event("marked_shared", MONDAY + timedelta(hours=2), sales[0])
    world.event("marked_shared", MONDAY + timedelta(hours=3), sales[1])
    # Week 2: three reached, one of whom was not reached in week 1; all three shared.
    for person in (sales[0], sales[1], sales[5]):
        world.event("suggested", NEXT_MONDAY, person)
        world.event("marked_shared", NEXT_MONDAY + timedelta(hours=1), person)

    report = world.report()

    weeks = {(row.week.label, row.team): row for row in report.team_weeks}
    assert (weeks["2026-W10", "Sales"].reached, weeks["2026-W10", "Sales"].shared) == (4, 2)
    assert weeks["2026-W10", "Sales"].rate == 0.5
    assert (weeks["2026-W11", "Sales"].reached, weeks["2026-W11", "Sales"].shared) == (3, 3)
    assert weeks["2026-W11", "Sales"].rate == 1.0
    # Over the period each person counts once: 5 reached, 3 shared.
    sales_total = _team(report.teams, "Sales")
    assert (sales_total.people, sales_total.reached, sales_total.shared) == (6, 5, 3)
    assert sales_total.rate == pytest.approx(3 / 5)
    assert report.participation == Participation(reached=5, shared=3)
    assert [w.participation.rate for w in report.trend] == [0.5, 1.0]
    assert [w.activity.suggested for w in report.trend] == [6, 3]
    assert [w.activity.shares for w in report.trend] == [3, 3]


def test_teams_under_five_people_are_merged_into_other_and_never_named(world: World) -> None:
    named = world.team("Finance", 5)
    tiny = world.team("Legal", 2)
    small = world.team("Board", 3)
    loner = world.person(None)
    mover = world.person("Legal")
    for person in [*named, *tiny, *small, loner]:
        world.event("suggested", MONDAY, person)
    world.event("marked_shared", MONDAY, tiny[0])
    world.event("marked_shared", MONDAY, small[0])
    # The same person in two small teams in one week (they moved) is one person.
    world.event("suggested", MONDAY, mover)
    world.event("suggested", MONDAY, None, team="Board", anonymous=True)
    world.event("suggested", MONDAY + timedelta(hours=1), mover)

    report = world.report()

    assert [team.team for team in report.teams] == ["Finance", None]
    other = _team(report.teams, None)
    assert other.people == 2 + 3 + 1 + 1  # Legal (with the mover), Board, no team
    assert (other.reached, other.shared) == (7, 2)
    assert _team(report.teams, "Finance").reached == 5
    language = "en"
    for text in (
        render_json(report),
        render_csv(report, language=language),
        render_html(report, language=language),
    ):
        assert "Legal" not in text and "Board" not in text
        assert "Finance" in text


def test_a_small_other_takes_in_the_smallest_team_so_no_row_is_under_five(
    world: World,
) -> None:
    world.team("Finance", 6)
    sales = world.team("Sales", 5)
    legal = world.team("Legal", 2)
    for person in [*sales, *legal]:
        world.event("suggested", MONDAY, person)
    world.event("marked_shared", MONDAY, legal[0])

    report = world.report()

    # "other" would be Legal's two people; Sales, the smallest named team, joins it.
    assert [team.team for team in report.teams] == ["Finance", None]
    other = _team(report.teams, None)
    assert (other.people, other.reached, other.shared) == (7, 7, 1)
    assert all(team.people >= 5 for team in report.teams)
    assert {row.team for row in report.team_weeks} == {None}
    text = render_html(report, language="en")
    assert "Legal" not in text and "Sales" not in text
    assert "the smallest named team joins it" in text


def test_when_everyone_together_is_under_five_there_are_only_totals(world: World) -> None:
    solo = world.person("Solo")
    pair = world.team(None, 2)
    for person in (solo, *pair):
        world.event("suggested", MONDAY, person)
    world.event("marked_shared", MONDAY, solo)

    report = world.report()

    assert report.teams == () and report.team_weeks == ()
    assert report.participation == Participation(reached=3, shared=1)
    assert "Solo" not in render_json(report)


def test_people_count_in_the_team_their_team_size_counts_them_in(world: World) -> None:
    sales = world.team("Sales", 6)
    support = world.team("Support", 5)
    world.event("suggested", MONDAY, sales[0])  # stamped "Sales" on the event
    world.event("marked_shared", MONDAY, sales[0])
    with world.engine.begin() as connection:  # then they moved to Support
        connection.execute(update(User).where(col(User.id) == sales[0]).values(team="Support"))
    world.event("suggested", MONDAY, support[0])

    report = world.report()

    # Sales is five people now, none of them reached; a row saying one person of Sales
    # was reached would point at the one who left it.
    support_row, sales_row = _team(report.teams, "Support"), _team(report.teams, "Sales")
    assert (support_row.people, support_row.reached, support_row.shared) == (6, 2, 1)
    assert (sales_row.people, sales_row.reached, sales_row.shared) == (5, 0, 0)


def test_events_without_identity_count_in_totals_but_not_as_people(world: World) -> None:
    people = world.team("Sales", 5)
    opted_out = world.person("Sales", tracking=False)
    item = world.item("Launch")
    world.event("suggested", MONDAY, people[0])
    world.event("marked_shared", MONDAY, people[0], item=item)
    for hour in range(3):  # three shares by someone who opted out: no identity, team kept
        world.event(
            "marked_shared", MONDAY + timedelta(hours=hour), opted_out, item=item, anonymous=True
        )
    world.event("suggested", MONDAY, opted_out, anonymous=True)
    world.event("link_clicked", MONDAY, opted_out, item=item, anonymous=True)
    world.event("link_clicked", MONDAY, people[0], item=item)

    report = world.report()

    assert report.totals.shares == 4
    assert report.totals.clicks == 2
    assert report.totals.suggested == 2
    assert report.items[0].shares == 4 and report.items[0].clicks == 2
    assert _team(report.teams, "Sales").reached == 1
    assert _team(report.teams, "Sales").shared == 1
    assert report.participation == Participation(reached=1, shared=1)
    assert (report.anonymous.shares, report.anonymous.clicks) == (3, 1)
    html = render_html(report, language="en")
    assert "3 share(s), 1 click(s)" in html  # the footnote says so


def test_only_people_who_opted_in_are_named_on_the_leaderboard(world: World) -> None:
    star = world.person("Sales", leaderboard=True, name="Anna Opt-In")
    shy = world.person("Sales", name="Bram Private")
    also_in = world.person("Sales", leaderboard=True, name="Chris Also")
    world.team("Sales", 3)
    for person, shares in ((star, 3), (shy, 5), (also_in, 1)):
        for hour in range(shares):
            world.event("marked_shared", MONDAY + timedelta(hours=hour), person)

    report = world.report()

    assert [(e.name, e.shares) for e in report.leaderboard] == [
        ("Anna Opt-In", 3),
        ("Chris Also", 1),
    ]
    for text in (
        render_json(report),
        render_csv(report, language="nl"),
        render_html(report, language="nl"),
    ):
        assert "Bram Private" not in text
        assert "Anna Opt-In" in text
    hidden = world.report(leaderboard=False)
    assert hidden.leaderboard == ()
    assert "Anna Opt-In" not in render_html(hidden, language="en")


def test_unanswered_questions_are_grouped_with_how_often_they_were_asked(world: World) -> None:
    world.question("Mag ik   mijn salaris delen?", MONDAY)
    world.question("mag ik mijn salaris delen?", MONDAY + timedelta(days=1))
    world.question("MAG IK MIJN SALARIS DELEN?", MONDAY + timedelta(days=2))
    world.question("Wat is ons beleid over drones?", MONDAY)
    world.question("Mag ik een foto van kantoor delen?", MONDAY, answered=True)
    world.question("Mag ik mijn salaris delen?", START - timedelta(seconds=1))  # before

    report = world.report()

    assert [(g.count, g.question.casefold().split()[-1]) for g in report.unanswered] == [
        (3, "delen?"),
        (1, "drones?"),
    ]
    assert report.unanswered[0].last_asked == MONDAY + timedelta(days=2)


def test_unreachable_digests_are_counted_not_skipped(world: World) -> None:
    first, second = world.person("Sales"), world.person("Sales")
    world.outbox("unreachable", MONDAY, first)
    world.outbox("unreachable", MONDAY + timedelta(days=1), first)
    world.outbox("unreachable", MONDAY, second)
    world.outbox("sent", MONDAY, second)
    world.outbox("unreachable", START - timedelta(days=1), second)  # before the period

    report = world.report()

    assert (report.unreachable.messages, report.unreachable.people) == (3, 2)


def test_since_is_included_and_until_is_not(world: World) -> None:
    team = world.team("Sales", 5)
    until = START + timedelta(days=7)
    world.event("suggested", START, team[0])  # exactly at since: in
    world.event("suggested", START - timedelta(microseconds=1), team[1])  # just before: out
    world.event("suggested", until - timedelta(microseconds=1), team[2])  # last moment: in
    world.event("suggested", until, team[3])  # exactly at until: out

    report = world.report(until=until)

    assert report.totals.suggested == 2
    assert report.participation.reached == 2
    assert [w.week.label for w in report.trend] == ["2026-W10"]


def test_weeks_are_iso_weeks_in_the_time_zone_across_daylight_saving(world: World) -> None:
    team = world.team("Sales", 5)
    # Summer time (UTC+2) starts on Sunday 29 March 2026: Sunday 23:30 local (21:30 UTC)
    # is still W13, Monday 00:30 local (22:30 UTC, still Sunday in UTC) is W14.
    world.event("suggested", datetime(2026, 3, 29, 21, 30, tzinfo=UTC), team[0])
    world.event("suggested", datetime(2026, 3, 29, 22, 30, tzinfo=UTC), team[1])
    # In winter, Monday 00:30 local is 23:30 UTC on Sunday.
    world.event("suggested", datetime(2026, 3, 22, 23, 30, tzinfo=UTC), team[2])

    since = datetime(2026, 3, 15, 23, 0, tzinfo=UTC)  # Monday 16 March, 00:00 CET
    until = datetime(2026, 4, 5, 22, 0, tzinfo=UTC)  # Monday 6 April, 00:00 CEST
    report = world.report(since=since, until=until)

    counts = {w.week.label: w.activity.suggested for w in report.trend}
    assert counts == {"2026-W12": 0, "2026-W13": 2, "2026-W14": 1}
    assert report.trend[2].week.start == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_items_have_titles_shares_clicks_and_clicks_per_share(world: World) -> None:
    person = world.team("Sales", 5)[0]
    launch, blog, quiet = world.item("Launch"), world.item("Blog"), world.item("Quiet")
    for _ in range(2):
        world.event("marked_shared", MONDAY, person, item=launch)
    for _ in range(5):
        world.event("link_clicked", MONDAY, person, item=launch)
    world.event("share_link_opened", MONDAY, person, item=blog)
    world.event("link_clicked", MONDAY, person, item=blog)
    world.event("suggested", MONDAY, person, item=quiet)

    report = world.report()

    rows = [(i.title, i.opened, i.shares, i.clicks, i.clicks_per_share) for i in report.items]
    assert rows == [("Launch", 0, 2, 5, 2.5), ("Blog", 1, 0, 1, None)]


def test_an_empty_period_gives_an_empty_report_with_every_week(world: World) -> None:
    report = world.report()

    assert report.is_empty
    assert [w.week.label for w in report.trend] == ["2026-W10", "2026-W11"]
    assert report.teams == () and report.items == () and report.participation.rate is None


def test_an_in_memory_database_gives_the_same_numbers() -> None:
    world = World("sqlite://")
    try:
        sales = world.team("Sales", 5)
        world.event("suggested", MONDAY, sales[0])
        world.event("marked_shared", MONDAY, sales[0])
        world.event("suggested", MONDAY, sales[1])

        report = world.report()
    finally:
        world.close()

    assert report.participation == Participation(reached=2, shared=1)
    assert _team(report.teams, "Sales").rate == 0.5


def test_build_report_takes_the_queries_and_a_period(world: World) -> None:
    period = ReportPeriod(since=START, until=START + timedelta(days=1))
    report = build_report(ReportQueries(world.engine), period=period)

    assert report.period.timezone == "Europe/Amsterdam"
    assert report.generated_at.tzinfo is not None
