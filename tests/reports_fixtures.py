"""Building a report's raw material straight into the tables: people, items, events.

``World`` writes rows the way the bot would have (events carry the person's team; an
opted-out or forgotten person's events carry the team but no identity), so tests can
state exactly what happened and check the exact numbers a report shows.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.reports import Report, ReportPeriod, ReportQueries, build_report
from bot.storage import ContentItem, Event, OutboxMessage, Question, Store, User, normalize_question

# Monday 2 March 2026 in Amsterdam (CET, UTC+1): START is its midnight, MONDAY 09:00.
# ISO week 2026-W10; the next week, W11, starts a week later.
START = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
MONDAY = START + timedelta(hours=9)
NEXT_MONDAY = MONDAY + timedelta(days=7)
CREATED = datetime(2026, 1, 1, tzinfo=UTC)
_keys = itertools.count(1)


class World:
    """Writes rows into one migrated database and builds reports over it."""

    def __init__(self, url: str) -> None:
        self.store = Store.open(url)
        self.engine = self.store.engine
        self._teams: dict[int, str | None] = {}

    def close(self) -> None:
        self.store.close()

    def _add(self, row: User | ContentItem | Event | Question | OutboxMessage) -> int:
        with Session(self.engine) as session:
            session.add(row)
            session.flush()
            row_id = row.id
            session.commit()
        assert row_id is not None
        return row_id

    def person(
        self,
        team: str | None = None,
        *,
        tracking: bool = True,
        leaderboard: bool = False,
        name: str | None = None,
    ) -> int:
        """A person in ``team``; returns their id."""
        user_id = self._add(
            User(
                platform="slack",
                platform_user_id=f"U{next(_keys)}",
                created_at=CREATED,
                team=team,
                tracking=tracking,
                leaderboard=leaderboard,
                display_name=name,
            )
        )
        self._teams[user_id] = team
        return user_id

    def team(self, name: str | None, size: int, **options: object) -> list[int]:
        """``size`` people in team ``name``."""
        return [self.person(name, **options) for _ in range(size)]  # type: ignore[arg-type]

    def item(self, title: str) -> int:
        """A live content item with ``title``."""
        return self._add(
            ContentItem(
                url=f"https://example.com/{next(_keys)}",
                title=title,
                created_at=CREATED,
                status="live",
            )
        )

    def event(
        self,
        kind: str,
        at: datetime,
        person: int | None = None,
        *,
        item: int | None = None,
        team: str | None = None,
        anonymous: bool = False,
    ) -> None:
        """An event by ``person`` (their team); ``anonymous`` drops the identity, as for
        someone who opted out or was forgotten. Without a person, ``team`` is used."""
        if person is not None:
            team = self._teams[person]
        self._add(
            Event(
                idempotency_key=f"k{next(_keys)}",
                kind=kind,
                occurred_at=at,
                user_id=None if anonymous else person,
                team=team,
                item_id=item,
            )
        )

    def question(self, text: str, at: datetime, *, answered: bool = False) -> None:
        """A question as the bot stores it."""
        self._add(
            Question(
                asked_at=at,
                language="nl",
                text=text,
                normalized=normalize_question(text),
                verdict="allowed" if answered else "unknown",
                guidelines_version="v1",
                answered=answered,
            )
        )

    def outbox(self, status: str, at: datetime, person: int | None = None) -> None:
        """A digest in the outbox with ``status``, created at ``at``."""
        self._add(
            OutboxMessage(
                key=f"digest-{next(_keys)}",
                user_id=person,
                platform="slack",
                payload="{}",
                status=status,
                next_attempt_at=at,
                created_at=at,
            )
        )

    def report(
        self,
        since: datetime = START,
        until: datetime | None = None,
        **options: object,
    ) -> Report:
        """The report from ``since`` (default: Monday 2 March 2026 00:00 Amsterdam) for
        two weeks, or until ``until``."""
        period = ReportPeriod(
            since=since, until=until or since + timedelta(days=14), timezone="Europe/Amsterdam"
        )
        return build_report(ReportQueries(self.engine), period=period, now=MONDAY, **options)  # type: ignore[arg-type]


def two_weeks(url: str) -> None:
    """Two weeks of activity up to Monday 2 March 2026 (harness ``T0``): participation 25% last week, 50% this week (W10)."""
    world = World(url)
    try:
        sales = world.team("Sales", 5)
        # Without a team, with the people who talk to the bot in a test: "other" stands for
        # at least five, so Sales is named.
        world.team(None, 5)
        launch, office, quiet = (world.item(t) for t in ("Launch", "New office", "Quiet one"))
        for person in sales[:4]:
            world.event("suggested", (MONDAY - timedelta(days=7)), person)
        world.event("marked_shared", (MONDAY - timedelta(days=7)), sales[0], item=quiet)
        for person in sales[:2]:
            world.event("suggested", MONDAY, person)
        world.event("marked_shared", MONDAY, sales[1], item=launch)
        for minutes in range(3):
            world.event("link_clicked", MONDAY + timedelta(minutes=minutes), sales[1], item=launch)
        world.event("link_clicked", MONDAY, sales[0], item=office)
        world.question("Mag ik over de fusie posten?", MONDAY)
        world.question("Mag ik over de fusie posten?", MONDAY + timedelta(minutes=5))
        world.question("Can I post my badge?", (MONDAY - timedelta(days=7)))
        world.question("Answered one", MONDAY, answered=True)
    finally:
        world.close()
