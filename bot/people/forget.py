"""Forgetting a person: their personal rows go, the anonymous totals stay.

Deleted: the user row (settings), their questions (the texts are theirs), conversation
references, queued messages and roles. Kept without identity: their events (so the
team totals stay right; idempotency keys are replaced too, as keys may hold ids), their
draft checks (outcome only; any kept text is removed) and their share links (links
already posted keep working; clicks count for the item only).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CursorResult, Delete, Engine, String, Update, cast, delete, literal, update
from sqlmodel import Session, col

from bot.storage.tables import (
    ConversationReference,
    DraftCheck,
    Event,
    OutboxMessage,
    Question,
    Role,
    Share,
    User,
)


@dataclass(frozen=True, kw_only=True)
class Forgotten:
    """What forgetting did: rows deleted, and rows kept without identity."""

    questions: int
    conversations: int
    outbox: int
    roles: int
    events_anonymised: int
    checks_anonymised: int
    shares_anonymised: int


def forget_person(engine: Engine, user_id: int) -> Forgotten | None:
    """Delete the person's personal rows in one transaction; None when there is no such person."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        platform, platform_user_id = user.platform, user.platform_user_id

        def run(statement: Delete | Update) -> int:
            # On the session's connection: an ORM-level execute of a bulk UPDATE does not
            # hand back a cursor result, and the counts are what the person is told.
            result = session.connection().execute(statement)
            return result.rowcount if isinstance(result, CursorResult) else 0

        forgotten = Forgotten(
            questions=run(delete(Question).where(col(Question.user_id) == user_id)),
            conversations=run(
                delete(ConversationReference).where(col(ConversationReference.user_id) == user_id)
            ),
            outbox=run(delete(OutboxMessage).where(col(OutboxMessage.user_id) == user_id)),
            roles=run(
                delete(Role).where(
                    col(Role.platform) == platform, col(Role.platform_user_id) == platform_user_id
                )
            ),
            events_anonymised=run(
                update(Event)
                .where(col(Event.user_id) == user_id)
                .values(
                    user_id=None,
                    idempotency_key=literal("forgotten:") + cast(col(Event.id), String),
                )
            ),
            checks_anonymised=run(
                update(DraftCheck)
                .where(col(DraftCheck.user_id) == user_id)
                .values(user_id=None, text=None)
            ),
            shares_anonymised=run(
                update(Share).where(col(Share.user_id) == user_id).values(user_id=None)
            ),
        )
        session.execute(delete(User).where(col(User.id) == user_id))
        session.commit()
    return forgotten
