"""Picking what one person could share now: eligible content, ranked for them.

Eligible: approved or live, past its embargo (``not_before``), not expired, meant for
this person's team, location and language (an empty audience is everyone), and not
already marked shared or dismissed by them. The scoring itself is in ``scoring``,
shared with ``batch`` (everyone due a digest at once).

Four small queries on one connection, whatever the size of the event log: the person's
own feedback is read through the index on ``event.user_id``, and the database computes
each item's age so no timestamps need parsing.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import Connection, Engine, Executable, Select, bindparam, case, func, or_, select
from sqlmodel import col

from bot.lists import folded_set
from bot.storage.sqltime import age_days
from bot.storage.tables import ContentItem, Event, User, UTCDateTime
from bot.suggestions.model import SHARE_STATUSES, Suggestion
from bot.suggestions.scoring import (
    DONE_KINDS,
    Person,
    add_feedback,
    make_suggestion,
    rank,
)

PERSON_COLUMNS = (col(User.language), col(User.team), col(User.location), col(User.topics))
"""What ranking reads of a person, in the order ``person_from`` takes it."""


def person_from(
    user_id: int, language: str | None, team: str | None, location: str | None, topics: str
) -> Person:
    """The ``Person`` for a row of ``PERSON_COLUMNS``."""
    return Person(
        id=user_id, language=language, team=team, location=location, topics=folded_set(topics)
    )


def _person(connection: Connection, user_id: int) -> Person | None:
    row = connection.execute(select(*PERSON_COLUMNS).where(col(User.id) == user_id)).first()
    if row is None:
        return None
    return person_from(user_id, *row)


def feedback_query() -> Select[int | None, int | None, str | None, str]:
    """Feedback events (user id, item id, reason, item topics); add the ``where`` on user."""
    return (
        select(col(Event.user_id), col(Event.item_id), col(Event.reason), col(ContentItem.topics))
        .outerjoin(ContentItem, col(ContentItem.id) == col(Event.item_id))
        .where(col(Event.kind).in_(DONE_KINDS))
    )


def _feedback(connection: Connection, user_id: int) -> tuple[set[int], dict[str, float]]:
    """Items this person is done with, and the penalty per topic from their reasons."""
    done: set[int] = set()
    penalties: dict[str, float] = {}
    rows = connection.execute(feedback_query().where(col(Event.user_id) == user_id))
    for _, item_id, reason, topics in rows:
        if item_id is not None:
            done.add(item_id)
        add_feedback(penalties, reason, topics)
    return done, penalties


DETAIL_COLUMNS = (
    col(ContentItem.title),
    col(ContentItem.url),
    col(ContentItem.summary),
    col(ContentItem.captions),
    col(ContentItem.approved_at),
    col(ContentItem.created_at),
    col(ContentItem.not_before),
)
"""What a suggestion shows, and what ``new_since`` is decided on (see ``is_new_since``)."""


@lru_cache(maxsize=4)
def candidates_query(with_new_since: bool, *, with_details: bool = False) -> Executable:
    """The eligible items' ranking columns; built once, run with ``now`` (and ``new_since``).

    Parameters: ``now`` and ``now_age`` (both the moment of ranking), and ``new_since``.
    The columns are ``scoring.CANDIDATE_COLUMNS``, then with ``with_details`` also
    ``DETAIL_COLUMNS`` (for ranking many people from one read).
    """
    now = bindparam("now", type_=UTCDateTime)
    approved_at = col(ContentItem.approved_at)
    approved = func.coalesce(approved_at, col(ContentItem.created_at))
    not_before = col(ContentItem.not_before)
    # Visible since approval, or since the embargo lifted if that came later.
    visible = case((not_before > approved, not_before), else_=approved)
    statement = select(
        col(ContentItem.id),
        col(ContentItem.topics),
        col(ContentItem.priority),
        age_days(bindparam("now_age", type_=UTCDateTime), visible),
        col(ContentItem.audience_teams),
        col(ContentItem.audience_locations),
        col(ContentItem.audience_languages),
        *(DETAIL_COLUMNS if with_details else ()),
    ).where(
        col(ContentItem.status).in_(SHARE_STATUSES),
        or_(not_before.is_(None), not_before <= now),
        or_(col(ContentItem.expires).is_(None), col(ContentItem.expires) > now),
    )
    if with_new_since:
        since = bindparam("new_since", type_=UTCDateTime)
        statement = statement.where(
            or_(
                approved_at > since,
                approved_at.is_(None) & (col(ContentItem.created_at) > since),
                not_before > since,
            )
        )
    return statement


def is_new_since(
    since: datetime,
    approved_at: datetime | None,
    created_at: datetime,
    not_before: datetime | None,
) -> bool:
    """Whether an item became visible after ``since``: the ``new_since`` condition above."""
    return (
        (approved_at is not None and approved_at > since)
        or (approved_at is None and created_at > since)
        or (not_before is not None and not_before > since)
    )


def suggest(
    engine: Engine,
    *,
    user_id: int,
    now: datetime,
    limit: int = 3,
    new_since: datetime | None = None,
    exclude: frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """The best ``limit`` items for this person to share at ``now``, best first.

    With ``new_since``, only items that became visible (approved, or their embargo
    lifted) after that moment count — for "no digest when there is nothing new".
    ``exclude`` leaves out items by id. An unknown person gets nothing.
    """
    if limit <= 0:
        return []
    with engine.connect() as connection:
        person = _person(connection, user_id)
        if person is None:
            return []
        done, penalties = _feedback(connection, user_id)
        params: dict[str, datetime] = {"now": now, "now_age": now}
        if new_since is not None:
            params["new_since"] = new_since
        rows = connection.execute(candidates_query(new_since is not None), params).all()
        ranked = rank(person, rows, skip=done | exclude, penalties=penalties, limit=limit)
        return _details(connection, person, ranked)


def _details(
    connection: Connection, person: Person, ranked: list[tuple[float, int]]
) -> list[Suggestion]:
    if not ranked:
        return []
    statement = select(
        col(ContentItem.id),
        col(ContentItem.title),
        col(ContentItem.url),
        col(ContentItem.summary),
        col(ContentItem.captions),
        col(ContentItem.topics),
    ).where(col(ContentItem.id).in_([item_id for _, item_id in ranked]))
    rows = {row[0]: row for row in connection.execute(statement)}
    suggestions = []
    for value, item_id in ranked:
        if item_id not in rows:  # deleted between the two queries
            continue
        _, title, url, summary, captions, topics = rows[item_id]
        suggestions.append(
            make_suggestion(
                person,
                score=value,
                item_id=item_id,
                title=title,
                url=url,
                summary=summary,
                captions=captions,
                topics=topics,
            )
        )
    return suggestions
