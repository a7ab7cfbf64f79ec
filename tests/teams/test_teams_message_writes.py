"""What one Teams question costs the database: the person read once, one write.

The bot as deployed (every feature, the participation log) on a real SQLite file, behind
the real ``/api/messages``; the statements are counted by a listener on the engine
(``sql_count``), the inbox's own writes left out.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from samples import write_guidelines
from sql_count import counting
from sqlalchemy import text
from teams_fixtures import NOW, FakeConnector, activity, serve

from adapters.app_factory import build_bot
from bot.guidelines.library import GuidelinesLibrary
from bot.settings import Settings
from bot.storage import Store

QUESTION = "Can I post a photo of the canteen?"


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
            with counting(store.engine) as counted:
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
            with counting(store.engine) as counted:
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


async def test_a_delivery_handled_again_after_a_restart_is_answered_and_logged_once(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'merkwerker.db'}"
    library = GuidelinesLibrary.open(write_guidelines(tmp_path / "guidelines"))
    answers = []
    for process in range(2):
        store = Store.open(url, clock=lambda: NOW)
        try:
            bot = build_bot(Settings(), store=store, library=library, clock=lambda: NOW)
            async with FakeConnector() as connector, serve(bot) as served:
                await served.post(activity("personal_message", connector.url, text=QUESTION))
                if process == 0:
                    await connector.wait_for(1)
                else:
                    await asyncio.sleep(1.0)  # time enough to answer, if it were to
                answers.append(len(connector.requests))
        finally:
            store.close()
    # The inbox remembers the delivery across the restart: it is answered once.
    assert answers == [1, 0]
    store = Store.open(url)
    try:
        assert _count(store, "SELECT count(*) FROM event WHERE kind = 'question_asked'") == 1
    finally:
        store.close()


async def test_a_question_is_answered_when_the_database_is_gone(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}", clock=lambda: NOW)
    try:
        library = GuidelinesLibrary.open(write_guidelines(tmp_path / "guidelines"))
        bot = build_bot(Settings(), store=store, library=library, clock=lambda: NOW)
        async with FakeConnector() as connector, serve(bot) as served:
            await served.post(activity("personal_message", connector.url, text=QUESTION))
            (answered,) = await connector.wait_for(1)
            store.engine.dispose()
            for path in tmp_path.glob("merkwerker.db*"):
                path.unlink()  # the next connection finds an empty database without tables
            await served.post(
                activity("personal_message", connector.url, text=QUESTION, id="second")
            )
            (_, again) = await connector.wait_for(2)
        # The same answer, without the feedback buttons that need the stored question.
        assert "Dat mag, let op schermen." in str(answered.body)
        assert "Dat mag, let op schermen." in str(again.body)
        assert "answer.up" in str(answered.body) and "answer.up" not in str(again.body)
        assert "could not read or record the person" in caplog.text
        assert "could not record the message" in caplog.text
    finally:
        store.close()
