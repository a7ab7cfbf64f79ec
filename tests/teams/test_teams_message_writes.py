"""What one Teams question costs the database: the person read once, one write.

The bot as deployed (every feature, the participation log) on a real SQLite file, behind
the real ``/api/messages``; the statements are counted by a listener on the engine.
Writes of the inbox (a delivery written down before it is acknowledged) are the
adapter's own and are left out of the count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samples import write_guidelines
from sqlalchemy import event, text
from teams_fixtures import NOW, FakeConnector, activity, serve

from adapters.app_factory import build_bot
from bot.guidelines.library import GuidelinesLibrary
from bot.settings import Settings
from bot.storage import Store

QUESTION = "Can I post a photo of the canteen?"
_WRITES = ("INSERT", "UPDATE", "DELETE")
_LEFT_OUT = ("inbox",)


@dataclass
class Transaction:
    """The statements between one BEGIN and its COMMIT or ROLLBACK."""

    statements: list[str] = field(default_factory=list)
    ended: str = ""

    @property
    def writes(self) -> bool:
        return any(s.lstrip().upper().startswith(_WRITES) for s in self.statements)


@dataclass
class Counted:
    transactions: list[Transaction] = field(default_factory=list)

    def counted(self) -> list[Transaction]:
        """Every transaction that did something other than the inbox's work."""
        return [
            t
            for t in self.transactions
            if not all(any(f" {name}" in s for name in _LEFT_OUT) for s in t.statements)
        ]

    def statements(self) -> list[str]:
        return [s for t in self.counted() for s in t.statements]

    def reads_of_the_person(self) -> int:
        return sum(1 for s in self.statements() if s.startswith("SELECT") and "FROM user" in s)


@contextmanager
def counting(store: Store) -> Iterator[Counted]:
    """Record every transaction on ``store``'s engine while the block runs."""
    counted = Counted()
    engine = store.engine

    def begun(_connection: Any) -> None:
        counted.transactions.append(Transaction())

    def executed(*args: Any) -> None:
        statement = " ".join(str(args[2]).split())
        if not counted.transactions or counted.transactions[-1].ended:
            counted.transactions.append(Transaction())  # autocommit, outside BEGIN
        counted.transactions[-1].statements.append(statement)

    def committed(_connection: Any) -> None:
        counted.transactions[-1].ended = "COMMIT"

    def rolled_back(_connection: Any) -> None:
        if counted.transactions:
            counted.transactions[-1].ended = "ROLLBACK"

    listeners = [
        ("begin", begun),
        ("before_cursor_execute", executed),
        ("commit", committed),
        ("rollback", rolled_back),
    ]
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        yield counted
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)


def _count(store: Store, sql: str) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


async def test_a_question_reads_the_person_once_and_writes_once(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}", clock=lambda: NOW)
    try:
        library = GuidelinesLibrary.open(write_guidelines(tmp_path / "guidelines"))
        bot = build_bot(Settings(), store=store, library=library, clock=lambda: NOW)
        async with FakeConnector() as connector, serve(bot) as served:
            # The first message creates the person and stores where to reach them.
            await served.post(activity("personal_message", connector.url, text=QUESTION))
            await connector.wait_for(1)
            with counting(store) as counted:
                await served.post(
                    activity("personal_message", connector.url, text=QUESTION, id="second")
                )
                (_, answered) = await connector.wait_for(2)
        assert answered.body["type"] == "message"
        writes = [t for t in counted.counted() if t.writes]
        assert len(writes) == 1, counted.transactions
        (write,) = writes
        assert write.ended == "COMMIT"
        assert [s.split(" (")[0] for s in write.statements] == [
            "INSERT INTO question",
            "INSERT INTO event",
        ]
        assert counted.reads_of_the_person() == 1, counted.statements()
        assert len(counted.statements()) == 3, counted.statements()
        # Both rows carry the person, and each delivery is logged once.
        assert _count(store, "SELECT count(*) FROM question WHERE user_id IS NOT NULL") == 2
        assert _count(store, "SELECT count(*) FROM event WHERE user_id IS NOT NULL") == 2
    finally:
        store.close()


async def test_a_new_language_and_conversation_go_in_the_same_write(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}", clock=lambda: NOW)
    try:
        library = GuidelinesLibrary.open(write_guidelines(tmp_path / "guidelines"))
        bot = build_bot(Settings(), store=store, library=library, clock=lambda: NOW)
        first = activity("personal_message", text=QUESTION, locale="nl-NL")
        moved = dict(first["conversation"], id="a:another-chat")
        async with FakeConnector() as connector, serve(bot) as served:
            first["serviceUrl"] = connector.url
            await served.post(first)
            await connector.wait_for(1)
            with counting(store) as counted:
                await served.post(dict(first, id="second", locale="en-US", conversation=moved))
                await connector.wait_for(2)
        writes = [t for t in counted.counted() if t.writes]
        assert len(writes) == 1, counted.transactions
        assert [" ".join(s.split()[:3]) for s in writes[0].statements] == [
            "UPDATE user SET",
            "INSERT INTO conversation_reference",
            "INSERT INTO question",
            "INSERT INTO event",
        ]
        assert counted.reads_of_the_person() == 1
        assert _count(store, "SELECT count(*) FROM user WHERE language = 'en'") == 1
        with store.engine.connect() as connection:
            stored = connection.execute(
                text("SELECT conversation_id FROM conversation_reference")
            ).scalars()
            assert list(stored) == ["a:another-chat"]
    finally:
        store.close()


async def test_a_delivery_handled_again_after_a_restart_is_logged_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'merkwerker.db'}"
    library = GuidelinesLibrary.open(write_guidelines(tmp_path / "guidelines"))
    for _process in range(2):
        store = Store.open(url, clock=lambda: NOW)
        try:
            bot = build_bot(Settings(), store=store, library=library, clock=lambda: NOW)
            async with FakeConnector() as connector, serve(bot) as served:
                await served.post(activity("personal_message", connector.url, text=QUESTION))
                await connector.wait_for(1)
        finally:
            store.close()
    store = Store.open(url)
    try:
        assert _count(store, "SELECT count(*) FROM event WHERE kind = 'question_asked'") == 1
    finally:
        store.close()
