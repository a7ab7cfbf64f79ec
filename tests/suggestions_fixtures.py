"""Helpers for the suggestions, settings and privacy tests: content, people and a bot.

Content rows are written straight into ``ContentItem`` (as the comms queue would), so
these tests do not depend on ``bot.content``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from samples import write_guidelines
from sqlalchemy import Engine, func, select
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
from bot.suggestions import SuggestionsFeature
from bot.tracking import EventLog

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""A Monday morning: "now" in most tests."""


def add_item(engine: Engine, title: str = "Wind farm opens", **values: object) -> int:
    """A live content item approved a day before ``T0``; ``values`` override any column."""
    row: dict[str, object] = {
        "url": f"https://example.com/news/{title.lower().replace(' ', '-')}",
        "title": title,
        "summary": f"About {title.lower()}.",
        "captions": json.dumps({"en": [f"Proud of this: {title}"],
                                "nl": [f"Trots hierop: {title}"]}),
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

    async def say(self, text: str, *, user: str = "U1", delivery: str | None = None,
                  locale: str | None = "en") -> Reply:
        """Send a message as ``user``; the reply."""
        return await self.bot.handle(
            IncomingMessage(platform=Platform.SLACK, user_id=user,
                            conversation=self._conversation(user), text=text, locale=locale,
                            message_id=self._delivery(delivery))
        )

    async def press(self, action: str, value: str = "", *, user: str = "U1",
                    form: dict[str, str] | None = None, delivery: str | None = None,
                    locale: str | None = "en") -> Reply | None:
        """Press a button (or submit a form) as ``user``; the reply."""
        return await self.bot.handle_action(
            IncomingAction(platform=Platform.SLACK, user_id=user,
                           conversation=self._conversation(user), action=action, value=value,
                           form=form or {}, locale=locale, action_id=self._delivery(delivery))
        )


def make_chat(store: Store, folder: Path, *, settings: Settings | None = None,
              clock: Clock | None = None) -> Chat:
    """A bot on ``store`` with the sample guidelines written into ``folder``."""
    clock = clock or Clock()
    settings = settings or Settings()
    library = GuidelinesLibrary.open(write_guidelines(folder))
    engine = store.engine
    bot = Merkwerker(
        library=library, store=store, clock=clock, settings=settings,
        features=[SuggestionsFeature(engine, settings=settings),
                  SettingsFeature(engine, settings=settings), PrivacyFeature(engine)],
        events=EventLog(engine, clock=clock),
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
