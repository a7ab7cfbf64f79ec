"""The content area's SQL conditions: which items are live, or in a given state, at a moment.

``ContentStore`` (``bot.content.store``) builds its statements on them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import col

from bot.content.items import APPROVED_STATUSES, ContentState, ContentStatus
from bot.storage.tables import ContentItem


def live_condition(now: datetime) -> ColumnElement[bool]:
    """Items employees may see at ``now``: approved, embargo passed, not yet expired.

    In SQL: ``status IN ('approved', 'live') AND (not_before IS NULL OR not_before <=
    :now) AND (expires IS NULL OR expires > :now)``.
    """
    return and_(
        col(ContentItem.status).in_(APPROVED_STATUSES),
        or_(col(ContentItem.not_before).is_(None), col(ContentItem.not_before) <= now),
        or_(col(ContentItem.expires).is_(None), col(ContentItem.expires) > now),
    )


def status_condition(status: str, now: datetime) -> ColumnElement[bool]:
    """Items in ``status`` (one of ``LIST_FILTERS``) at ``now``; ``ValueError`` otherwise."""
    approved = col(ContentItem.status).in_(APPROVED_STATUSES)
    if status == ContentStatus.APPROVED.value:
        return approved
    state = ContentState(status)
    if state is ContentState.LIVE:
        return live_condition(now)
    if state is ContentState.SCHEDULED:
        return and_(approved, col(ContentItem.not_before) > now)
    if state is ContentState.EXPIRED:
        return and_(
            approved,
            or_(col(ContentItem.not_before).is_(None), col(ContentItem.not_before) <= now),
            col(ContentItem.expires) <= now,
        )
    return col(ContentItem.status) == state.value
