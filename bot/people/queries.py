"""What the bot keeps about one person, read for their export (see ``PeopleStore``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from bot.lists import split_list
from bot.storage.tables import (
    ContentItem,
    ConversationReference,
    DraftCheck,
    Event,
    Feed,
    OutboxMessage,
    Question,
    Role,
    Share,
    User,
)

_USER_FIELDS = (
    "platform",
    "platform_user_id",
    "language",
    "created_at",
    "display_name",
    "team",
    "location",
    "timezone",
    "digest",
    "digest_time",
    "digest_weekday",
    "quiet_start",
    "quiet_end",
    "digest_cap",
    "tracking",
    "leaderboard",
    "tracking_explained_at",
    "last_digest_at",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _roles(session: Session, platform: str, platform_user_id: str) -> list[dict[str, Any]]:
    # Roles are keyed by platform id: they can be granted before the person ever talks.
    roles = session.exec(
        select(Role)
        .where(col(Role.platform) == platform, col(Role.platform_user_id) == platform_user_id)
        .order_by(col(Role.role))
    ).all()
    return [
        {"role": r.role, "granted_by": r.granted_by, "granted_at": _iso(r.granted_at)}
        for r in roles
    ]


def actors(platform: str, platform_user_id: str) -> tuple[str, str]:
    """How content, feeds and roles may name a person as who added, approved or granted:
    "platform:id", or the bare id the command line's --as recorded before."""
    return (f"{platform}:{platform_user_id}", platform_user_id)


def _credits(
    session: Session, platform: str, platform_user_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    # Content and feeds they added or approved, and roles they granted to others.
    names = actors(platform, platform_user_id)
    items = session.exec(
        select(ContentItem)
        .where(or_(col(ContentItem.added_by).in_(names), col(ContentItem.approved_by).in_(names)))
        .order_by(col(ContentItem.id))
    ).all()
    feeds = session.exec(
        select(Feed).where(col(Feed.added_by).in_(names)).order_by(col(Feed.id))
    ).all()
    granted = session.exec(
        select(Role).where(col(Role.granted_by).in_(names)).order_by(col(Role.id))
    ).all()
    return (
        [
            {
                "item_id": i.id,
                "title": i.title,
                "url": i.url,
                "status": i.status,
                "added": i.added_by in names,
                "added_at": _iso(i.created_at),
                "approved": i.approved_by in names,
                "approved_at": _iso(i.approved_at) if i.approved_by in names else None,
            }
            for i in items
        ],
        [{"feed_id": f.id, "url": f.url, "added_at": _iso(f.created_at)} for f in feeds],
        [
            {
                "platform": r.platform,
                "user": r.platform_user_id,
                "role": r.role,
                "granted_at": _iso(r.granted_at),
            }
            for r in granted
        ],
    )


def _with_credits(
    document: dict[str, Any], session: Session, platform: str, platform_user_id: str
) -> dict[str, Any]:
    content, feeds, granted = _credits(session, platform, platform_user_id)
    return {**document, "content": content, "feeds": feeds, "roles_granted": granted}


def export_identity(
    session: Session, *, platform: str, platform_user_id: str, now: datetime
) -> dict[str, Any] | None:
    """What is kept about a platform id: the person's full export when they have talked to
    the bot, else what names them without a user row (their roles); None when nothing."""
    user_id = session.exec(
        select(col(User.id)).where(
            col(User.platform) == platform, col(User.platform_user_id) == platform_user_id
        )
    ).first()
    if user_id is not None:
        return export_person(session, user_id, now=now)
    document = _with_credits(
        {
            "exported_at": now.isoformat(),
            "user": {"platform": platform, "platform_user_id": platform_user_id},
            "questions": [],
            "draft_checks": [],
            "events": [],
            "shares": [],
            "conversations": [],
            "roles": _roles(session, platform, platform_user_id),
            "outbox": [],
        },
        session,
        platform,
        platform_user_id,
    )
    named = ("roles", "content", "feeds", "roles_granted")
    return document if any(document[key] for key in named) else None


def export_person(session: Session, user_id: int, *, now: datetime) -> dict[str, Any] | None:
    """The person's data as plain JSON values; None when there is no such person."""
    user = session.get(User, user_id)
    if user is None:
        return None
    person: dict[str, Any] = {}
    for name in _USER_FIELDS:
        value = getattr(user, name)
        person[name] = _iso(value) if isinstance(value, datetime) else value
    person["topics"] = list(split_list(user.topics, squeeze=True, fold_case=True))
    questions = session.exec(
        select(Question).where(col(Question.user_id) == user_id).order_by(col(Question.asked_at))
    ).all()
    checks = session.exec(
        select(DraftCheck)
        .where(col(DraftCheck.user_id) == user_id)
        .order_by(col(DraftCheck.checked_at))
    ).all()
    events = session.exec(
        select(Event).where(col(Event.user_id) == user_id).order_by(col(Event.occurred_at))
    ).all()
    shares = session.execute(
        select(Share, ContentItem.title)
        .join(ContentItem, col(ContentItem.id) == col(Share.item_id), isouter=True)
        .where(col(Share.user_id) == user_id)
        .order_by(col(Share.created_at), col(Share.id))
    ).all()
    conversations = session.exec(
        select(ConversationReference).where(col(ConversationReference.user_id) == user_id)
    ).all()
    roles = _roles(session, user.platform, user.platform_user_id)
    outbox = session.exec(select(OutboxMessage).where(col(OutboxMessage.user_id) == user_id)).all()
    document = {
        "exported_at": now.isoformat(),
        "user": person,
        "questions": [
            {
                "asked_at": _iso(q.asked_at),
                "language": q.language,
                "text": q.text,
                "verdict": q.verdict,
                "rule": q.rule_id,
                "answered": q.answered,
                "choices": list(split_list(q.choices, squeeze=True, fold_case=True)),
                "picked_rule": q.picked_rule_id,
                "feedback": q.feedback,
            }
            for q in questions
        ],
        "draft_checks": [
            {
                "checked_at": _iso(c.checked_at),
                "language": c.language,
                "verdict": c.verdict,
                "rules": list(split_list(c.rule_ids, squeeze=True, fold_case=True)),
                "findings": c.finding_count,
                **({"text": c.text} if c.text is not None else {}),
            }
            for c in checks
        ],
        "events": [
            {
                "occurred_at": _iso(e.occurred_at),
                "kind": e.kind,
                "item_id": e.item_id,
                "network": e.network,
                "reason": e.reason,
                "detail": e.detail,
                "team": e.team,
            }
            for e in events
        ],
        "shares": [
            {
                "created_at": _iso(s.created_at),
                "item_id": s.item_id,
                "title": title,
                "network": s.network,
                "token": s.token,
            }
            for s, title in shares
        ],
        "conversations": [
            {
                "platform": c.platform,
                "conversation_id": c.conversation_id,
                "updated_at": _iso(c.updated_at),
                "reference": json.loads(c.data or "{}"),
            }
            for c in conversations
        ],
        "roles": roles,
        "outbox": [
            {
                "created_at": _iso(o.created_at),
                "status": o.status,
                "sent_at": _iso(o.sent_at),
            }
            for o in outbox
        ],
    }
    return _with_credits(document, session, user.platform, user.platform_user_id)
