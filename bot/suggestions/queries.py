"""The suggestions area's SQL statements: what ranking reads, and share links in bulk.

Used by ``SuggestionStore`` (``bot.suggestions.store``), which runs them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from sqlalchemy import Connection, Executable, Select, Table, bindparam, case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import col

from bot.storage.bulk import insert_new
from bot.storage.sqltime import age_days
from bot.storage.tables import ContentItem, Event, Share, User, UTCDateTime
from bot.suggestions.scoring import DONE_KINDS
from bot.suggestions.suggestion import SHARE_STATUSES, NewShare

SHARES: Table = Share.__table__  # type: ignore[attr-defined]
CHUNK = 500  # ids per IN list: well below SQLite's bound-parameter limit
PERSON_COLUMNS = (col(User.language), col(User.team), col(User.location), col(User.topics))
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


def feedback_query() -> Select[int | None, int | None, str | None, str]:
    """Feedback events (user id, item id, reason, item topics); add the ``where`` on user."""
    return (
        sa_select(
            col(Event.user_id), col(Event.item_id), col(Event.reason), col(ContentItem.topics)
        )
        .outerjoin(ContentItem, col(ContentItem.id) == col(Event.item_id))
        .where(col(Event.kind).in_(DONE_KINDS))
    )


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
    statement = sa_select(
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


def tracked_people(connection: Connection, user_ids: Collection[int]) -> set[int]:
    wanted = sorted(set(user_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        statement = sa_select(col(User.id)).where(col(User.id).in_(chunk), col(User.tracking))
        found.update(u for u in connection.execute(statement).scalars() if u is not None)
    return found


def existing_tokens(
    connection: Connection, *, owners: Collection[int | None], item_ids: Collection[int]
) -> dict[tuple[int | None, int, str], str]:
    if not item_ids or not owners:
        return {}
    items = sorted(set(item_ids))
    people = sorted(o for o in set(owners) if o is not None)
    conditions = [
        col(Share.user_id).in_(people[start : start + CHUNK])
        for start in range(0, len(people), CHUNK)
    ]
    if None in owners:
        conditions.append(col(Share.user_id).is_(None))
    tokens: dict[tuple[int | None, int, str], str] = {}
    for condition in conditions:
        statement = (
            sa_select(col(Share.user_id), col(Share.item_id), col(Share.network), col(Share.token))
            .where(condition, col(Share.item_id).in_(items))
            .order_by(col(Share.id))
        )
        for owner, item_id, network, token in connection.execute(statement):
            tokens.setdefault((owner, item_id, network), token)
    return tokens


def insert_shares(connection: Connection, shares: Sequence[NewShare]) -> None:
    if not shares:
        return
    rows = [
        {
            "token": share.token,
            "item_id": share.item_id,
            "user_id": share.user_id,
            "network": share.network,
            "created_at": share.created_at,
        }
        for share in shares
    ]
    statement = insert_new(connection, SHARES, "token")
    # No RETURNING, for speed (see ``EventLog.record_events``): the count tells enough.
    counted = statement.execution_options(preserve_rowcount=True)
    if connection.execute(counted, rows).rowcount != len(rows):
        raise RuntimeError("a new share token was taken already")
