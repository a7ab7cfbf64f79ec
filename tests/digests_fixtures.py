"""Helpers for the digest, outbox and scheduler tests: people, content and fake senders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.digests import current_delivery_key
from bot.messages import ConversationRef, Reply
from bot.storage.tables import ContentItem, ConversationReference, OutboxMessage, User

CREATED = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)


def add_person(
    engine: Engine,
    name: str,
    *,
    platform: str = "console",
    digest: str = "daily",
    digest_time: str = "09:00",
    weekday: int = 0,
    timezone: str = "Europe/Amsterdam",
    quiet: tuple[str, str] = ("18:00", "08:00"),
    cap: int = 7,
    language: str | None = "en",
    reachable: bool = True,
    tracking: bool = True,
) -> int:
    """A person with digest settings; with a stored conversation unless ``reachable=False``."""
    with Session(engine) as session:
        user = User(
            platform=platform,
            platform_user_id=name,
            language=language,
            created_at=CREATED,
            digest=digest,
            digest_time=digest_time,
            digest_weekday=weekday,
            timezone=timezone,
            quiet_start=quiet[0],
            quiet_end=quiet[1],
            digest_cap=cap,
            tracking=tracking,
        )
        session.add(user)
        session.flush()
        assert user.id is not None
        user_id = user.id
        if reachable:
            session.add(
                ConversationReference(
                    user_id=user_id,
                    platform=platform,
                    conversation_id=f"dm-{name}",
                    data=json.dumps({"channel": f"D-{name}"}),
                    updated_at=CREATED,
                )
            )
        session.commit()
    return user_id


def add_item(
    engine: Engine, title: str, *, approved_at: datetime = CREATED, topics: str = ""
) -> int:
    """A live content item, visible from ``approved_at``."""
    with Session(engine) as session:
        item = ContentItem(
            url=f"https://example.com/{title.lower().replace(' ', '-')}",
            title=title,
            summary=f"About {title}.",
            captions=json.dumps({"en": [f"Have a look: {title}"], "nl": [f"Kijk: {title}"]}),
            topics=topics,
            status="live",
            created_at=approved_at,
            approved_at=approved_at,
        )
        session.add(item)
        session.commit()
        assert item.id is not None
        return item.id


def outbox_rows(engine: Engine) -> list[OutboxMessage]:
    """Every outbox row, oldest first."""
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


@dataclass(frozen=True)
class Delivered:
    """One message a fake sender was asked to send."""

    to: ConversationRef
    reply: Reply
    key: str | None


@dataclass
class RecordingSender:
    """A ``Sender`` that remembers what it sent; fails its first ``failures`` sends."""

    failures: int = 0
    sent: list[Delivered] = field(default_factory=list)
    tries: int = 0
    asked: list[str] = field(default_factory=list)
    """The keys ``delivered`` was asked about."""

    async def send(self, *, to: ConversationRef, reply: Reply) -> None:
        self.tries += 1
        if self.tries <= self.failures:
            raise ConnectionError(f"platform unavailable (try {self.tries})")
        self.sent.append(Delivered(to, reply, current_delivery_key()))

    async def delivered(self, *, to: ConversationRef, key: str, since: datetime) -> bool | None:
        """None, as a platform that keeps no record of what it was sent."""
        self.asked.append(key)
        return None
