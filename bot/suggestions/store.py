"""The suggestions area's SQL: what ranking reads, share links, and what people did.

Everything else in ``bot.suggestions`` asks a ``SuggestionStore`` for plain values
(``Person``, tuples of ranking columns, ``Opened``, ``ClickTarget``, ``Activity``) and
builds its replies from them; no other module of the area reads a table (the statements
the store runs are built in ``bot.suggestions.queries``). Methods are
synchronous, each on its own connection (the async core calls them through
``asyncio.to_thread``). Events are written through the participation log, ``EventLog``.

Ranking reads few, small queries whatever the size of the event log: a person's own
feedback goes through the index on ``event.user_id``, and the database computes each
item's age (``bot.storage.sqltime``) so no timestamps need parsing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeAlias

from sqlalchemy import Connection, Engine, func
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from bot.lists import folded_set
from bot.storage import Store
from bot.storage.tables import ContentItem, Event, Share, User
from bot.suggestions.activity import Activity, month_start
from bot.suggestions.links import new_token
from bot.suggestions.queries import (
    PERSON_COLUMNS,
    candidates_query,
    existing_tokens,
    feedback_query,
    insert_shares,
    tracked_people,
)
from bot.suggestions.reply import suggested_key
from bot.suggestions.scoring import Person
from bot.suggestions.shares import event_key
from bot.suggestions.suggestion import NETWORKS, ClickTarget, NewShare, Opened
from bot.tracking.store import EventLog, NewEvent

Transaction: TypeAlias = Connection
"""A connection inside a transaction that the caller opened and will commit."""

FeedbackRow: TypeAlias = tuple[int | None, str | None, str | None]
"""One "done with it" event of a person: item id, reason, the item's topics."""


@dataclass(frozen=True, kw_only=True)
class RankingInput:
    """What ranking one person reads: who they are, their feedback, the eligible items."""

    person: Person
    feedback: tuple[FeedbackRow, ...]
    rows: tuple[Sequence[Any], ...]
    """Each eligible item's ranking columns (``scoring.CANDIDATE_COLUMNS``): read-only
    rows as fetched, not copied into tuples (a thousand copies per ranking show up)."""


@dataclass(frozen=True, kw_only=True)
class ItemDetails:
    """What a suggestion shows of an item."""

    title: str
    url: str
    summary: str | None
    captions: str
    topics: str


def _person(
    user_id: int, language: str | None, team: str | None, location: str | None, topics: str
) -> Person:
    return Person(
        id=user_id, language=language, team=team, location=location, topics=folded_set(topics)
    )


class SuggestionStore:
    """Reads for ranking, share links and the people's responses, as plain values."""

    def __init__(self, engine: Engine) -> None:
        """Use ``engine``, whose schema must be migrated (``open_database`` does that)."""
        self._engine = engine
        self.events = EventLog(engine)
        """The participation log the suggestions record in."""

    @classmethod
    def from_store(cls, store: Store) -> SuggestionStore:
        """The suggestions' store on ``store``'s database."""
        return cls(store.engine)

    # Ranking.

    def ranking_input(
        self, user_id: int, *, now: datetime, new_since: datetime | None
    ) -> RankingInput | None:
        """The person, their feedback and the items eligible at ``now``; None if unknown.

        With ``new_since``, only items that became visible after that moment.
        """
        with self._engine.connect() as connection:
            row = connection.execute(
                sa_select(*PERSON_COLUMNS).where(col(User.id) == user_id)
            ).first()
            if row is None:
                return None
            feedback = connection.execute(feedback_query().where(col(Event.user_id) == user_id))
            feedback_rows = tuple((item, reason, topics) for _, item, reason, topics in feedback)
            params: dict[str, datetime] = {"now": now, "now_age": now}
            if new_since is not None:
                params["new_since"] = new_since
            rows = connection.execute(candidates_query(new_since is not None), params).all()
        return RankingInput(person=_person(user_id, *row), feedback=feedback_rows, rows=tuple(rows))

    def details(self, item_ids: Sequence[int]) -> dict[int, ItemDetails]:
        """What a suggestion shows of each of ``item_ids`` that still exists."""
        if not item_ids:
            return {}
        statement = sa_select(
            col(ContentItem.id),
            col(ContentItem.title),
            col(ContentItem.url),
            col(ContentItem.summary),
            col(ContentItem.captions),
            col(ContentItem.topics),
        ).where(col(ContentItem.id).in_(list(item_ids)))
        with self._engine.connect() as connection:
            return {
                item_id: ItemDetails(
                    title=title, url=url, summary=summary, captions=captions, topics=topics
                )
                for item_id, title, url, summary, captions, topics in connection.execute(statement)
                if item_id is not None  # a primary key: for the type checker
            }

    def shelf_rows(self, now: datetime) -> list[tuple[Any, ...]]:
        """Every item eligible at ``now``: ``scoring.CANDIDATE_COLUMNS``, then the title,
        URL, summary, captions, ``approved_at``, ``created_at`` and ``not_before``."""
        with self._engine.connect() as connection:
            result = connection.execute(
                candidates_query(False, with_details=True), {"now": now, "now_age": now}
            ).all()
        return [tuple(row) for row in result]

    def people(
        self, user_ids: Sequence[int]
    ) -> tuple[dict[int, Person], dict[int, list[FeedbackRow]]]:
        """The people among ``user_ids`` who exist, and the feedback of each who has any."""
        people: dict[int, Person] = {}
        feedback: dict[int, list[FeedbackRow]] = {}
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa_select(col(User.id), *PERSON_COLUMNS).where(col(User.id).in_(user_ids))
            )
            for user_id, language, team, location, topics in rows:
                if user_id is not None:  # a primary key: for the type checker
                    people[user_id] = _person(user_id, language, team, location, topics)
            events = connection.execute(feedback_query().where(col(Event.user_id).in_(user_ids)))
            for event_user, item_id, reason, topics in events:
                if event_user is not None:  # excluded by the query: for the type checker
                    feedback.setdefault(event_user, []).append((item_id, reason, topics))
        return people, feedback

    # Share links.

    def is_tracked(self, user_id: int | None) -> bool:
        """True when the person exists and did not opt out of personal tracking."""
        if user_id is None:
            return False
        with self._engine.connect() as connection:
            tracking = connection.execute(
                sa_select(col(User.tracking)).where(col(User.id) == user_id)
            ).scalar()
        return bool(tracking)

    def share_tokens(
        self, *, user_id: int | None, item_ids: Sequence[int], now: datetime
    ) -> dict[tuple[int, str], str]:
        """The token for every item and network: reused when it exists, created when not.

        ``user_id`` None means anonymous shares (for people who opted out). When another
        reply made one of the links at the same moment, that link is used.
        """
        try:
            return self._share_tokens(user_id=user_id, item_ids=item_ids, now=now)
        except IntegrityError:
            return self._share_tokens(user_id=user_id, item_ids=item_ids, now=now)

    def _share_tokens(
        self, *, user_id: int | None, item_ids: Sequence[int], now: datetime
    ) -> dict[tuple[int, str], str]:
        if not item_ids:
            return {}
        owner = (
            col(Share.user_id) == user_id if user_id is not None else col(Share.user_id).is_(None)
        )
        statement = (
            sa_select(col(Share.item_id), col(Share.network), col(Share.token))
            .where(col(Share.item_id).in_(list(item_ids)), owner)
            .order_by(col(Share.id))
        )
        with Session(self._engine) as session:
            tokens: dict[tuple[int, str], str] = {}
            for item_id, network, token in session.execute(statement):
                tokens.setdefault((item_id, network), token)
            for item_id in item_ids:
                for network in NETWORKS:
                    if (item_id, network) not in tokens:
                        token = new_token()
                        session.add(
                            Share(
                                token=token,
                                item_id=item_id,
                                user_id=user_id,
                                network=network,
                                created_at=now,
                            )
                        )
                        tokens[(item_id, network)] = token
            session.commit()
        return tokens

    def tokens_for_many(
        self, user_ids: Collection[int], item_ids: Collection[int]
    ) -> tuple[set[int], dict[tuple[int | None, int, str], str]]:
        """Who of ``user_ids`` is tracked, and the existing token per (owner, item, network)
        for those people and the anonymous owner (None), as ``share_tokens`` would reuse it
        (the oldest row). Creates nothing."""
        with self._engine.connect() as connection:
            tracked = tracked_people(connection, user_ids)
            tokens = existing_tokens(
                connection,
                owners={u if u in tracked else None for u in user_ids},
                item_ids=item_ids,
            )
        return tracked, tokens

    def record_shares(self, transaction: Transaction, shares: Sequence[NewShare]) -> None:
        """Insert new share links in the caller's ``transaction``.

        Raises if a share token was taken already, so no link can point at someone
        else's share (with 96 random bits, that never happens).
        """
        insert_shares(transaction, shares)

    def record_received(
        self,
        transaction: Transaction,
        *,
        user_id: int | None,
        delivery_key: str,
        item_ids: Collection[int],
        now: datetime,
        secret: str,
    ) -> int:
        """Record ``suggested`` for the items of a message that reached ``user_id``, in the
        caller's ``transaction``; return how many were not recorded before.

        Under the keys ``suggestions_reply`` uses, so a message sent again counts once.
        Items deleted meanwhile are left out.
        """
        tracked = bool(
            user_id is not None
            and transaction.execute(
                sa_select(col(User.tracking)).where(col(User.id) == user_id)
            ).scalar()
        )
        existing = transaction.execute(
            sa_select(col(ContentItem.id)).where(col(ContentItem.id).in_(sorted(item_ids)))
        ).scalars()
        events = [
            NewEvent(
                kind="suggested",
                key=event_key(suggested_key(delivery_key, item), tracked=tracked, secret=secret),
                user_id=user_id,
                item_id=item,
                occurred_at=now,
            )
            for item in sorted(i for i in existing if i is not None)
        ]
        return self.events.record_events(events, connection=transaction)

    # What people did.

    def item_title(self, item_id: int) -> str | None:
        """The title of a content item, or None when it no longer exists."""
        with self._engine.connect() as connection:
            title: str | None = connection.execute(
                sa_select(col(ContentItem.title)).where(col(ContentItem.id) == item_id)
            ).scalar()
        return title

    def opened_share(self, token: str) -> Opened | None:
        """The share link with ``token``, or None when there is none."""
        with self._engine.connect() as connection:
            row = connection.execute(
                sa_select(col(Share.id), col(Share.item_id), col(Share.network)).where(
                    col(Share.token) == token
                )
            ).first()
        if row is None:
            return None
        return Opened(share_id=row[0], item_id=row[1], network=row[2])

    def click_target(self, token: str) -> ClickTarget | None:
        """The share with ``token`` and its item's URL, or None when there is none."""
        statement = (
            sa_select(
                col(Share.id),
                col(Share.user_id),
                col(Share.network),
                col(Share.item_id),
                col(ContentItem.url),
            )
            .join(ContentItem, col(ContentItem.id) == col(Share.item_id))
            .where(col(Share.token) == token)
        )
        with self._engine.connect() as connection:
            row = connection.execute(statement).first()
        if row is None:
            return None
        share_id, user_id, network, item_id, url = row
        assert share_id is not None  # a primary key
        return ClickTarget(
            share_id=share_id, user_id=user_id, network=network, item_id=item_id, url=url
        )

    def has_event(self, *, user_id: int, kind: str, item_id: int) -> bool:
        """Whether the person has a ``kind`` event about ``item_id``."""
        with self._engine.connect() as connection:
            seen = connection.execute(
                sa_select(col(Event.id))
                .where(
                    col(Event.user_id) == user_id,
                    col(Event.kind) == kind,
                    col(Event.item_id) == item_id,
                )
                .limit(1)
            ).first()
        return seen is not None

    def month_activity(self, *, user_id: int, now: datetime) -> Activity:
        """How many items the person marked shared this month and how many clicks their
        links got, in their time zone.

        Nothing is counted for someone who opted out: their events carry no identity.
        """
        with self._engine.connect() as connection:
            row = connection.execute(
                sa_select(col(User.tracking), col(User.timezone)).where(col(User.id) == user_id)
            ).first()
            if row is None or not row[0]:
                return Activity(tracked=False)
            counts = dict(
                connection.execute(
                    sa_select(col(Event.kind), func.count())
                    .where(
                        col(Event.user_id) == user_id,
                        col(Event.kind).in_(("marked_shared", "link_clicked")),
                        col(Event.occurred_at) >= month_start(now, row[1]),
                    )
                    .group_by(col(Event.kind))
                ).all()
            )
        return Activity(
            tracked=True,
            shared=counts.get("marked_shared", 0),
            clicks=counts.get("link_clicked", 0),
        )


SuggestionSource: TypeAlias = SuggestionStore | Engine
"""What the public functions of ``bot.suggestions`` take: the store, or an engine to
build one on (for callers that hold only an engine)."""


def suggestion_store(source: SuggestionSource) -> SuggestionStore:
    """``source`` itself, or a store on the engine it is."""
    if isinstance(source, SuggestionStore):
        return source
    return SuggestionStore(source)
