"""Helpers for the suggestions, settings and privacy tests: content, people and a bot.

Content rows are written straight into ``ContentItem`` (as the comms queue would), so
these tests do not depend on ``bot.content``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from samples import write_guidelines
from sqlalchemy import Engine, func, insert, select
from sqlmodel import Session, col

from bot.conversation import Merkwerker
from bot.guidelines.library import GuidelinesLibrary
from bot.models import (
    ConversationRef,
    IncomingAction,
    IncomingMessage,
    Platform,
    Reply,
    Text,
)
from bot.people import PrivacyFeature, SettingsFeature
from bot.settings import Settings
from bot.storage import Store
from bot.storage.tables import ContentItem, Event, User
from bot.suggestions import SuggestionsFeature, SuggestionStore
from bot.tracking import EventLog

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""A Monday morning: "now" in most tests."""


def add_item(engine: Engine, title: str = "Wind farm opens", **values: object) -> int:
    """A live content item approved a day before ``T0``; ``values`` override any column."""
    row: dict[str, object] = {
        "url": f"https://example.com/news/{title.lower().replace(' ', '-')}",
        "title": title,
        "summary": f"About {title.lower()}.",
        "captions": json.dumps(
            {"en": [f"Proud of this: {title}"], "nl": [f"Trots hierop: {title}"]}
        ),
        "status": "live",
        "created_at": T0 - timedelta(days=1),
        "approved_at": T0 - timedelta(days=1),
    }
    row.update(values)
    with Session(engine) as session:
        item = ContentItem(**row)  # type: ignore[arg-type]
        session.add(item)
        session.commit()
        assert item.id is not None
        return item.id


def add_user(store: Store, name: str = "U1", *, language: str = "en", **values: object) -> int:
    """A person (as the bot would create them), with settings from ``values``."""
    user_id = store.ensure_user(platform="slack", platform_user_id=name, language=language)
    if values:
        with Session(store.engine) as session:
            user = session.get(User, user_id)
            assert user is not None
            for key, value in values.items():
                setattr(user, key, value)
            session.commit()
    return user_id


def events(engine: Engine, kind: str | None = None) -> list[Event]:
    """Every event (of ``kind``), oldest first."""
    statement = select(Event).order_by(col(Event.id))
    if kind is not None:
        statement = statement.where(col(Event.kind) == kind)
    with Session(engine) as session:
        return list(session.execute(statement).scalars())


def count(engine: Engine, table: type[object]) -> int:
    """How many rows ``table`` holds."""
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Chat:
    """A bot with the suggestions, settings and privacy features, talked to like Slack."""

    bot: Merkwerker
    store: Store
    clock: Clock
    deliveries: list[str] = field(default_factory=list)

    @property
    def engine(self) -> Engine:
        return self.store.engine

    def _conversation(self, user: str) -> ConversationRef:
        return ConversationRef(platform=Platform.SLACK, conversation_id=f"D-{user}", user_id=user)

    def _delivery(self, given: str | None) -> str:
        delivery = given or f"d{len(self.deliveries) + 1}"
        self.deliveries.append(delivery)
        return delivery

    async def say(
        self, text: str, *, user: str = "U1", delivery: str | None = None, locale: str | None = "en"
    ) -> Reply:
        """Send a message as ``user``; the reply."""
        return await self.bot.handle(
            IncomingMessage(
                platform=Platform.SLACK,
                user_id=user,
                conversation=self._conversation(user),
                text=text,
                locale=locale,
                message_id=self._delivery(delivery),
            )
        )

    async def press(
        self,
        action: str,
        value: str = "",
        *,
        user: str = "U1",
        form: dict[str, str] | None = None,
        delivery: str | None = None,
        locale: str | None = "en",
    ) -> Reply | None:
        """Press a button (or submit a form) as ``user``; the reply."""
        return await self.bot.handle_action(
            IncomingAction(
                platform=Platform.SLACK,
                user_id=user,
                conversation=self._conversation(user),
                action=action,
                value=value,
                form=form or {},
                locale=locale,
                action_id=self._delivery(delivery),
            )
        )


def make_chat(
    store: Store, folder: Path, *, settings: Settings | None = None, clock: Clock | None = None
) -> Chat:
    """A bot on ``store`` with the sample guidelines written into ``folder``."""
    clock = clock or Clock()
    settings = settings or Settings()
    library = GuidelinesLibrary.open(write_guidelines(folder))
    engine = store.engine
    bot = Merkwerker(
        library=library,
        store=store,
        clock=clock,
        settings=settings,
        features=[
            SuggestionsFeature(SuggestionStore.from_store(store), settings=settings),
            SettingsFeature(engine, settings=settings),
            PrivacyFeature(engine),
        ],
        events=EventLog.from_store(store, clock=clock),
    )
    return Chat(bot=bot, store=store, clock=clock)


def texts(reply: Reply | None) -> str:
    """Everything a person reads in ``reply`` (headings as written, not in capitals)."""
    assert reply is not None
    parts = tuple(
        Text(text=p.text) if isinstance(p, Text) and p.style == "heading" else p
        for p in reply.parts
    )
    return Reply(parts=parts, language=reply.language).plain_text()


@dataclass
class Ran:
    """What a command printed and how it ended."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, database: str) -> Ran:
    """Run ``merkwerker <args> --database <database>`` in this process (no terminal)."""
    from typer.testing import CliRunner

    from adapters.cli.main import app

    result = CliRunner(env={"LANG": "en_GB.UTF-8", "MERKWERKER_LANGUAGE": None}).invoke(
        app, [*args, "--database", database]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


WORLD_TOPICS = ("Energie", "ai", "AI", "wind", "hiring", "klimaat", "events")
WORLD_TEAMS = ("Sales", "sales ", "Ops", "Legal", None)


def varied_world(
    engine: Engine, *, people: int, items: int, now: datetime = T0, seed: int = 7
) -> list[int]:
    """People, items and feedback with every kind of variation ranking cares about.

    Languages (with and without captions in them), teams and locations (in odd
    spellings), audiences, priorities beyond the clamp, embargoes, expiry, statuses,
    broken captions, opted-out people, last digests at different moments, and
    "shared" / "not for me" with every reason. Returns the people's ids.
    """
    rng = random.Random(seed)
    users = [
        {
            "platform": "console" if n % 3 else "slack",
            "platform_user_id": f"world-{n}",
            "language": rng.choice(("nl", "en", "en", "de", None)),
            "created_at": now,
            "team": rng.choice(WORLD_TEAMS),
            "location": rng.choice(("Amsterdam", "london", None)),
            "timezone": rng.choice(("Europe/Amsterdam", "Europe/London", "America/New_York")),
            "topics": ",".join(rng.sample(WORLD_TOPICS, rng.randint(0, 3))),
            "digest": rng.choice(("daily", "daily", "weekly", "off")),
            "digest_time": rng.choice(("07:00", "08:30", "09:00")),
            "digest_weekday": 0,
            "quiet_start": "18:00",
            "quiet_end": "08:00",
            "digest_cap": rng.choice((1, 7)),
            "tracking": rng.random() > 0.3,
            "leaderboard": False,
            "last_digest_at": rng.choice(
                (None, now - timedelta(days=7), now - timedelta(days=2), now - timedelta(hours=12))
            ),
        }
        for n in range(people)
    ]
    rows = []
    for n in range(items):
        approved = now - timedelta(hours=rng.uniform(0.5, 24 * 30))
        captions = rng.choice(
            (
                json.dumps(
                    {
                        "en": [f"Variant {v} of {n}" for v in range(rng.randint(1, 3))],
                        "nl": [f"Variant {v} van {n}" for v in range(rng.randint(1, 3))],
                    }
                ),
                json.dumps({"nl": f"Alleen Nederlands {n}"}),
                "not json",
                "{}",
            )
        )
        rows.append(
            {
                "url": f"https://example.com/news/{n}?ref=feed&utm_source=old#part",
                "title": f"News {n}",
                "summary": rng.choice(("", "  ", f"About news {n}.")),
                "captions": captions,
                "topics": ",".join(rng.sample(WORLD_TOPICS, rng.randint(0, 3))),
                "audience_teams": rng.choice(("", "", "", "sales, marketing", "Ops")),
                "audience_locations": rng.choice(("", "", "", "London")),
                "audience_languages": rng.choice(("", "", "", "nl", "en,nl")),
                "not_before": rng.choice(
                    (
                        None,
                        None,
                        now - timedelta(hours=rng.uniform(1, 100)),
                        now + timedelta(hours=2),
                    )
                ),
                "expires": rng.choice(
                    (None, None, now - timedelta(hours=1), now + timedelta(days=3))
                ),
                "priority": rng.randint(-7, 7),
                "status": rng.choice(("live", "live", "live", "approved", "draft", "retired")),
                "created_at": approved - timedelta(hours=1),
                "approved_at": rng.choice((approved, approved, approved, None)),
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(User), users)
        connection.execute(insert(ContentItem), rows)
        user_ids = list(connection.execute(select(User.id).order_by(col(User.id))).scalars())
        item_ids = list(
            connection.execute(select(ContentItem.id).order_by(col(ContentItem.id))).scalars()
        )
        feedback = []
        for n in range(people * 2):
            kind = rng.choice(("marked_shared", "dismissed", "dismissed", "suggested"))
            feedback.append(
                {
                    "idempotency_key": f"world:{n}",
                    "kind": kind,
                    "occurred_at": now,
                    "user_id": rng.choice((*user_ids, None)),
                    "item_id": rng.choice(item_ids),
                    "reason": rng.choice(("topic", "team", "seen", None))
                    if kind == "dismissed"
                    else None,
                }
            )
        connection.execute(insert(Event), feedback)
    return user_ids
