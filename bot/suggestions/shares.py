"""Share rows (one token per person, item and network) and the keys events are stored under.

A person gets the same token for an item and network every time it is shown to them, so
their clicks add up on one link. People who opted out of tracking share one anonymous
row per item and network: their clicks count for the item, never for them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, select
from sqlmodel import Session, col

from bot.storage.bulk import insert_new
from bot.storage.tables import Share, User
from bot.suggestions.links import new_token
from bot.suggestions.model import NETWORKS

MAX_KEY = 200
_SHARES: Table = Share.__table__  # type: ignore[attr-defined]
_CHUNK = 500  # ids per IN list: well below SQLite's bound-parameter limit


def is_tracked(engine: Engine, user_id: int | None) -> bool:
    """True when the person exists and did not opt out of personal tracking."""
    if user_id is None:
        return False
    with engine.connect() as connection:
        tracking = connection.execute(
            select(col(User.tracking)).where(col(User.id) == user_id)
        ).scalar()
    return bool(tracking)


def event_key(key: str, *, tracked: bool, secret: str) -> str:
    """The idempotency key to store for ``key``: as is, or keyed-hashed.

    Keys may hold ids that point at a person (a digest key names its recipient). For
    people who opted out, and for keys too long to store, the key is replaced by an HMAC
    of it: still the same for a retried delivery, but it names nobody.
    """
    if tracked and len(key) <= MAX_KEY:
        return key
    kind = key.split(":", 1)[0][:40]
    digest = hmac.new(secret.encode() or b"merkwerker", key.encode(), hashlib.sha256)
    return f"{kind}:h:{digest.hexdigest()[:40]}"


def share_tokens(
    engine: Engine, *, user_id: int | None, item_ids: Sequence[int], now: datetime
) -> dict[tuple[int, str], str]:
    """The token for every item and network: reused when it exists, created when not.

    ``user_id`` None means anonymous shares (for people who opted out).
    """
    if not item_ids:
        return {}
    owner = col(Share.user_id) == user_id if user_id is not None else col(Share.user_id).is_(None)
    statement = (
        select(col(Share.item_id), col(Share.network), col(Share.token))
        .where(col(Share.item_id).in_(list(item_ids)), owner)
        .order_by(col(Share.id))
    )
    with Session(engine) as session:
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


def tracked_people(connection: Connection, user_ids: Collection[int]) -> set[int]:
    """Those of ``user_ids`` who exist and did not opt out (``is_tracked`` for many)."""
    wanted = sorted(set(user_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        statement = select(col(User.id)).where(col(User.id).in_(chunk), col(User.tracking))
        found.update(u for u in connection.execute(statement).scalars() if u is not None)
    return found


def existing_tokens(
    connection: Connection, *, owners: Collection[int | None], item_ids: Collection[int]
) -> dict[tuple[int | None, int, str], str]:
    """The token per (owner, item, network) among ``owners`` and ``item_ids``, as
    ``share_tokens`` would reuse it (the oldest row); owner None is the anonymous one."""
    if not item_ids or not owners:
        return {}
    items = sorted(set(item_ids))
    people = sorted(o for o in set(owners) if o is not None)
    conditions = [
        col(Share.user_id).in_(people[start : start + _CHUNK])
        for start in range(0, len(people), _CHUNK)
    ]
    if None in owners:
        conditions.append(col(Share.user_id).is_(None))
    tokens: dict[tuple[int | None, int, str], str] = {}
    for condition in conditions:
        statement = (
            select(col(Share.user_id), col(Share.item_id), col(Share.network), col(Share.token))
            .where(condition, col(Share.item_id).in_(items))
            .order_by(col(Share.id))
        )
        for owner, item_id, network, token in connection.execute(statement):
            tokens.setdefault((owner, item_id, network), token)
    return tokens


def insert_shares(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new share rows (token, item_id, user_id, network, created_at), in the
    caller's transaction; raises if a token was taken already, so no link can point
    at someone else's share (with 96 random bits, that never happens)."""
    if not rows:
        return
    statement = insert_new(connection, _SHARES, "token")
    # No RETURNING, for speed (see ``EventLog.record_events``): the count tells enough.
    counted = statement.execution_options(preserve_rowcount=True)
    if connection.execute(counted, rows).rowcount != len(rows):
        raise RuntimeError("a new share token was taken already")
