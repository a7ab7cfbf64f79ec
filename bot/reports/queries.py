"""The report's aggregates, computed in SQL that runs the same on SQLite and PostgreSQL.

``ReportQueries(engine).read(period, ...)`` runs them all and returns ``Sections``,
plain typed values that ``build`` turns into a ``Report``.

Weeks are ISO weeks in the report's time zone, which SQLite cannot compute (no time
zones, no ``date_trunc``). So the weeks go in as data instead: a small ``weeks(k, s, e)``
table of UTC boundaries, computed in Python with ``zoneinfo`` (daylight saving
included), joined on ``occurred_at``. Each week then reads a range of the
``(kind, occurred_at)`` index. Distinct people cannot be added up over days or teams,
so they are counted over the distinct (week, team, kind, person) rows in one pass.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    String,
    and_,
    case,
    cast,
    column,
    distinct,
    func,
    literal,
    null,
    select,
    true,
    union_all,
    values,
)
from sqlalchemy.sql.expression import CTE, ColumnElement
from sqlmodel import col

from bot.answering.feedback import Proposals, UnansweredQuestion
from bot.answering.store import FeedbackStore
from bot.reports.grouping import named_teams
from bot.reports.period import ReportPeriod, WeekSpan
from bot.storage.store import Store
from bot.storage.tables import ContentItem, Event, OutboxMessage, Question, User, UTCDateTime

REACHED = "suggested"
SHARED = "marked_shared"
OPENED = "share_link_opened"
CLICKED = "link_clicked"
TREND_KINDS = (REACHED, OPENED, SHARED, CLICKED, "question_asked", "draft_checked")
ITEM_KINDS = (OPENED, SHARED, CLICKED)
_TREND_CHUNK = 60
"""Weeks per trend statement, which stays well under every driver's parameter limit."""


@dataclass(frozen=True, kw_only=True)
class PeopleCount:
    """Distinct identified people with an event of ``kind``.

    ``level`` says what was grouped: ``week_team``, ``team`` (whole period), ``week``
    (all teams) or ``all``; ``week`` and ``team`` are None where not grouped by.
    """

    level: str
    week: int | None
    team: str | None
    kind: str
    people: int


@dataclass(frozen=True, kw_only=True)
class ItemCount:
    """Events of ``kind`` on one item (None: events without an item)."""

    item_id: int | None
    title: str | None
    kind: str
    events: int
    identified: int


def tune_postgres(connection: Connection) -> None:
    """Settings for this report's transaction only (``SET LOCAL``) on PostgreSQL.

    The weeks join makes the planner expect millions of rows, so it would spend a
    second compiling the query with JIT for a query that runs in a fraction of that;
    the distinct rows fit in memory with a little more ``work_mem`` than the default.
    """
    connection.exec_driver_sql("SET LOCAL jit = off")
    connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")


def team_sizes(connection: Connection) -> dict[str | None, int]:
    """How many people are known per team (None: people without a team)."""
    statement = select(col(User.team), func.count()).group_by(col(User.team))
    return {team: count for team, count in connection.execute(statement)}


def _weeks_table(weeks: Sequence[WeekSpan]) -> CTE:
    rows = [(week.index, week.start, week.end) for week in weeks]
    table = values(
        column("k", Integer), column("s", UTCDateTime()), column("e", UTCDateTime()), name="weeks"
    )
    return table.data(rows).cte("weeks")


def _team_group(named: Collection[str]) -> ColumnElement[str | None]:
    # Teams too small to be named become NULL: the "other" group. The person's team as
    # the people list has it, as team_sizes counts it: with the team stored on the event,
    # a team of five today could stand for the one person who was in it back then.
    team = col(User.team)
    if not named:
        return cast(null(), String)
    return case((team.in_(sorted(named)), team), else_=cast(null(), String))


def people_counts(
    connection: Connection, weeks: Sequence[WeekSpan], named_teams: Collection[str]
) -> list[PeopleCount]:
    """Distinct identified people reached and sharing, per week and team, team, week, all.

    Events without identity never count as people. One scan: the distinct (week, team,
    kind, person) rows are kept once and counted four ways.
    """
    if not weeks:
        return []
    table = _weeks_table(weeks)
    seen = (
        select(
            table.c.k.label("week"),
            _team_group(named_teams).label("team"),
            col(Event.kind).label("kind"),
            col(Event.user_id).label("person"),
        )
        .select_from(table)
        .join(
            Event,
            and_(
                col(Event.kind).in_((REACHED, SHARED)),
                col(Event.occurred_at) >= table.c.s,
                col(Event.occurred_at) < table.c.e,
            ),
        )
        .join(User, col(User.id) == col(Event.user_id))
        .distinct()
        .cte("seen")
    )
    # Counting the rows of a DISTINCT subquery lets PostgreSQL hash instead of sort;
    # on SQLite both are the same.
    no_week, no_team = cast(null(), Integer), cast(null(), String)
    levels = (
        ("week_team", seen.c.week, seen.c.team),
        ("team", no_week, seen.c.team),
        ("week", seen.c.week, no_team),
        ("all", no_week, no_team),
    )
    parts = []
    for level, week, team in levels:
        chosen = select(week.label("week"), team.label("team"), seen.c.kind, seen.c.person)
        if level != "week_team":  # ``seen`` itself is distinct per week and team already
            chosen = chosen.distinct()
        people = chosen.subquery()
        parts.append(
            select(
                literal(level), people.c.week, people.c.team, people.c.kind, func.count()
            ).group_by(people.c.week, people.c.team, people.c.kind)
        )
    statement = union_all(*parts)
    return [
        PeopleCount(level=level, week=week, team=team, kind=kind, people=people)
        for level, week, team, kind, people in connection.execute(statement)
    ]


def trend_counts(connection: Connection, weeks: Sequence[WeekSpan]) -> dict[tuple[int, str], int]:
    """Events per (week index, kind) for the trend kinds, anonymous ones included.

    Each count is a range of the ``(kind, occurred_at)`` index that the database can
    count without reading the table, which beats grouping a million rows on SQLite.
    """
    counts: dict[tuple[int, str], int] = {}
    for first in range(0, len(weeks), _TREND_CHUNK):
        chunk = weeks[first : first + _TREND_CHUNK]
        keys = [(week.index, kind) for week in chunk for kind in TREND_KINDS]
        columns = [
            select(func.count())
            .where(
                col(Event.kind) == kind,
                col(Event.occurred_at) >= week.start,
                col(Event.occurred_at) < week.end,
            )
            .scalar_subquery()
            for week in chunk
            for kind in TREND_KINDS
        ]
        row = connection.execute(select(*columns)).one()
        counts.update(zip(keys, row, strict=True))
    return counts


def item_counts(connection: Connection, since: datetime, until: datetime) -> list[ItemCount]:
    """Per item and kind (opened, shared, clicked): events, and how many had an identity."""
    grouped = (
        select(
            col(Event.item_id).label("item_id"),
            col(Event.kind).label("kind"),
            func.count().label("events"),
            func.count(col(Event.user_id)).label("identified"),
        )
        .where(
            col(Event.kind).in_(ITEM_KINDS),
            col(Event.occurred_at) >= since,
            col(Event.occurred_at) < until,
        )
        .group_by(col(Event.item_id), col(Event.kind))
        .subquery()
    )
    statement = select(
        grouped.c.item_id,
        col(ContentItem.title),
        grouped.c.kind,
        grouped.c.events,
        grouped.c.identified,
    ).outerjoin(ContentItem, col(ContentItem.id) == grouped.c.item_id)
    return [
        ItemCount(item_id=item_id, title=title, kind=kind, events=events, identified=identified)
        for item_id, title, kind, events, identified in connection.execute(statement)
    ]


def leaderboard(
    connection: Connection, since: datetime, until: datetime, limit: int
) -> list[tuple[str, int]]:
    """(display name, shares) of people who opted in to the leaderboard, most shares first.

    Only people with a display name and at least one share in the period appear.
    """
    shares = func.count().label("shares")
    statement = (
        select(col(User.display_name), shares)
        .select_from(Event)
        .join(User, col(User.id) == col(Event.user_id))
        .where(
            col(User.leaderboard) == true(),
            col(User.display_name).is_not(None),
            col(User.display_name) != "",
            col(Event.kind) == SHARED,
            col(Event.occurred_at) >= since,
            col(Event.occurred_at) < until,
        )
        .group_by(col(User.id), col(User.display_name))
        .order_by(shares.desc(), col(User.display_name))
        .limit(limit)
    )
    return [(name or "", count) for name, count in connection.execute(statement)]


def unreachable(connection: Connection, since: datetime, until: datetime) -> tuple[int, int]:
    """(messages, distinct people) in the outbox marked unreachable, created in the period."""
    statement = select(func.count(), func.count(distinct(col(OutboxMessage.user_id)))).where(
        col(OutboxMessage.status) == "unreachable",
        col(OutboxMessage.created_at) >= since,
        col(OutboxMessage.created_at) < until,
    )
    messages, people = connection.execute(statement).one()
    return int(messages), int(people)


@dataclass(frozen=True, kw_only=True)
class Sections:
    """Everything a report is built from, as read from the database."""

    sizes: dict[str | None, int]
    """People known per team (None: people without a team)."""
    named: set[str]
    """The teams large enough to be named."""
    people: list[PeopleCount]
    trend: dict[tuple[int, str], int]
    """Events per (week index, kind)."""
    items: list[ItemCount]
    leaders: list[tuple[str, int]]
    unreachable: tuple[int, int]
    """(messages, distinct people) marked unreachable."""
    unanswered: tuple[UnansweredQuestion, ...]
    proposals: Proposals


class ReportQueries:
    """Reads a report's sections from the database behind one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_store(cls, store: Store) -> ReportQueries:
        """The report's queries on ``store``'s database."""
        return cls(store.engine)

    def read(
        self,
        period: ReportPeriod,
        *,
        min_team_size: int,
        leaderboard_size: int,
        unanswered_limit: int,
        proposals_limit: int,
    ) -> Sections:
        """Every section for ``period``; no leaderboard when ``leaderboard_size`` is 0.

        Teams with fewer than ``min_team_size`` known people are merged into "other"
        inside the SQL (see ``bot.reports.grouping``); people are counted by their team in
        the people list, the same team their team's size counts them in.
        """
        weeks = period.weeks()
        with self._reading() as connection:
            sizes = team_sizes(connection)
        named = named_teams(sizes, min_team_size)
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The heaviest query runs beside the others on a connection of its own: SQLite
            # and PostgreSQL both work outside Python's GIL, so a report takes the time of
            # the slowest query rather than of all of them. An in-memory SQLite database
            # exists once per connection, so there everything runs on one connection.
            people_later = None if self._in_memory() else pool.submit(self._people, weeks, named)
            with self._reading() as connection:
                people = people_counts(connection, weeks, named) if people_later is None else []
                trend = trend_counts(connection, weeks)
                items = item_counts(connection, period.since, period.until)
                leaders = (
                    leaderboard(connection, period.since, period.until, leaderboard_size)
                    if leaderboard_size
                    else []
                )
                missed = unreachable(connection, period.since, period.until)
            if people_later is not None:
                people = people_later.result()
        unanswered = Store(self._engine).unanswered_questions(
            since=period.since, until=period.until, limit=unanswered_limit
        )
        proposals = FeedbackStore(self._engine).proposals(
            since=period.since, until=period.until, limit=proposals_limit
        )
        return Sections(
            sizes=sizes,
            named=named,
            people=people,
            trend=trend,
            items=items,
            leaders=leaders,
            unreachable=missed,
            unanswered=tuple(unanswered),
            proposals=proposals,
        )

    def first_recorded(self) -> datetime | None:
        """When the first event or question was recorded (UTC); None when nothing was."""
        with self._reading() as connection:
            moments = [
                connection.execute(select(func.min(col(Event.occurred_at)))).scalar(),
                connection.execute(select(func.min(col(Question.asked_at)))).scalar(),
            ]
        found = [moment for moment in moments if moment is not None]
        return min(found) if found else None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for report queries: read-only use, tuned on PostgreSQL."""
        engine = self._engine
        options = {}
        if engine.dialect.name == "postgresql":
            # One snapshot per connection, so the sections it reads agree with each other.
            options["isolation_level"] = "REPEATABLE READ"
        with engine.connect().execution_options(**options) as connection:
            if engine.dialect.name == "postgresql":
                tune_postgres(connection)
            yield connection
            connection.rollback()

    def _in_memory(self) -> bool:
        engine = self._engine
        database = engine.url.database or ""
        return engine.dialect.name == "sqlite" and (
            database in ("", ":memory:") or database.startswith("file::memory:")
        )

    def _people(self, weeks: list[WeekSpan], named: set[str]) -> list[PeopleCount]:
        with self._reading() as connection:
            return people_counts(connection, weeks, named)
