"""Building a ``Report`` from what ``ReportQueries`` reads: the counts, then the privacy rules.

Teams with fewer than ``MIN_TEAM_SIZE`` known people are merged into "other" inside
the SQL, and the smallest named teams join "other" until it too stands for at least that
many people (``bot.reports.grouping``); people count in their team as the people list has
it now, so a person who moved between two small teams still counts once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from bot.reports import queries
from bot.reports.figures import (
    MIN_TEAM_SIZE,
    Activity,
    Anonymous,
    ItemStats,
    LeaderboardEntry,
    Participation,
    QuestionGroup,
    Report,
    TeamParticipation,
    TeamWeek,
    TrendWeek,
    Unreachable,
)
from bot.reports.grouping import other_is_shown
from bot.reports.period import ReportPeriod, WeekSpan
from bot.reports.queries import ReportQueries

LEADERBOARD_SIZE = 20
UNANSWERED_LIMIT = 50
PROPOSALS_LIMIT = 50
"""At most this many rules in each of the picked and not-helpful lists."""


def build_report(
    source: ReportQueries,
    *,
    period: ReportPeriod,
    now: datetime | None = None,
    leaderboard: bool = True,
    min_team_size: int = MIN_TEAM_SIZE,
) -> Report:
    """The participation report for ``period`` from the database ``source`` reads.

    Counts events at or after ``period.since`` and before ``period.until``. No team
    with fewer than ``min_team_size`` people is named; events without identity count in
    totals, never as people; names appear only for people who opted in to the
    leaderboard (and not at all when ``leaderboard`` is False).
    """
    weeks = period.weeks()
    found = source.read(
        period,
        min_team_size=min_team_size,
        leaderboard_size=LEADERBOARD_SIZE if leaderboard else 0,
        unanswered_limit=UNANSWERED_LIMIT,
        proposals_limit=PROPOSALS_LIMIT,
    )
    sizes, named, items = found.sizes, found.named, found.items
    people, trend, leaders = found.people, found.trend, found.leaders
    messages, unreachable_people = found.unreachable
    unanswered, proposals = found.unanswered, found.proposals
    teams, team_weeks, everyone, weekly = _participation(people, weeks, sizes, named, min_team_size)
    activity = _activity_by_week(trend, weeks)
    return Report(
        period=period,
        generated_at=(now or datetime.now(UTC)).astimezone(UTC),
        totals=_sum_activity(activity),
        participation=everyone,
        teams=teams,
        team_weeks=team_weeks,
        trend=tuple(
            TrendWeek(week=week, activity=activity[week.index], participation=weekly[week.index])
            for week in weeks
        ),
        items=_items(items),
        anonymous=_anonymous(items),
        unanswered=tuple(
            QuestionGroup(
                question=group.example,
                count=group.count,
                first_asked=group.first_asked,
                last_asked=group.last_asked,
            )
            for group in unanswered
        ),
        unreachable=Unreachable(messages=messages, people=unreachable_people),
        leaderboard=tuple(LeaderboardEntry(name=name, shares=n) for name, n in leaders),
        picked=proposals.picked,
        not_helpful=proposals.not_helpful,
        min_team_size=min_team_size,
    )


def _participation(
    counts: list[queries.PeopleCount],
    weeks: list[WeekSpan],
    sizes: dict[str | None, int],
    named: set[str],
    min_team_size: int,
) -> tuple[
    tuple[TeamParticipation, ...], tuple[TeamWeek, ...], Participation, dict[int, Participation]
]:
    found: dict[tuple[str, int | None, str | None, str], int] = {
        (c.level, c.week, c.team, c.kind): c.people for c in counts
    }

    def get(level: str, week: int | None, team: str | None) -> Participation:
        return Participation(
            reached=found.get((level, week, team, queries.REACHED), 0),
            shared=found.get((level, week, team, queries.SHARED), 0),
        )

    other_people = sum(size for team, size in sizes.items() if team not in named)
    teams = [
        TeamParticipation(team=team, people=sizes[team], **vars(get("team", None, team)))
        for team in sorted(named, key=str.casefold)
    ]
    other = get("team", None, None)
    # "other" is shown only when it stands for enough people; it is that small only when
    # everyone together is (see named_teams), and then the totals are all there is to say.
    if other_is_shown(other_people, min_team_size):
        teams.append(TeamParticipation(team=None, people=other_people, **vars(other)))
    team_weeks = []
    for week in weeks:
        for team in [t.team for t in teams]:
            value = get("week_team", week.index, team)
            if value.reached or value.shared:
                team_weeks.append(TeamWeek(team=team, week=week, **vars(value)))
    weekly = {week.index: get("week", week.index, None) for week in weeks}
    return tuple(teams), tuple(team_weeks), get("all", None, None), weekly


def _activity_by_week(
    counts: dict[tuple[int, str], int], weeks: list[WeekSpan]
) -> dict[int, Activity]:
    fields = dict(
        zip(
            queries.TREND_KINDS,
            ("suggested", "opened", "shares", "clicks", "questions", "checks"),
            strict=True,
        )
    )
    return {
        week.index: Activity(
            **{fields[kind]: counts.get((week.index, kind), 0) for kind in queries.TREND_KINDS}
        )
        for week in weeks
    }


def _sum_activity(by_week: dict[int, Activity]) -> Activity:
    totals: dict[str, int] = defaultdict(int)
    for activity in by_week.values():
        for name, value in vars(activity).items():
            totals[name] += value
    return Activity(**totals)


def _items(counts: list[queries.ItemCount]) -> tuple[ItemStats, ...]:
    per_item: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    titles: dict[int, str | None] = {}
    for count in counts:
        if count.item_id is None:
            continue  # events without an item count in the totals only
        per_item[count.item_id][count.kind] += count.events
        titles[count.item_id] = count.title
    stats = [
        ItemStats(
            item_id=item_id,
            title=titles[item_id],
            opened=kinds[queries.OPENED],
            shares=kinds[queries.SHARED],
            clicks=kinds[queries.CLICKED],
        )
        for item_id, kinds in per_item.items()
    ]
    stats.sort(key=lambda s: (-s.shares, -s.clicks, -s.opened, s.item_id))
    return tuple(stats)


def _anonymous(items: list[queries.ItemCount]) -> Anonymous:
    missing: dict[str, int] = defaultdict(int)
    for count in items:
        missing[count.kind] += count.events - count.identified
    return Anonymous(
        shares=missing[queries.SHARED],
        clicks=missing[queries.CLICKED],
        opened=missing[queries.OPENED],
    )
