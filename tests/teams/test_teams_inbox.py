"""A Teams activity left in the inbox by a process that died mid-turn is answered by the
inbox worker of another: the conversation is continued and the person gets their reply."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from teams_fixtures import FakeConnector, activity, make_bot, serve

from adapters.teams import activities
from adapters.teams.adapter import PLATFORM, TURN, inbox_key
from bot.inbox import DONE, InboxStore
from bot.storage import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    yield store
    store.close()


async def test_a_turn_a_dead_process_left_is_answered_by_another(
    tmp_path: Path, store: Store
) -> None:
    bot = make_bot(tmp_path, store=store)
    inbox = InboxStore.from_store(store)
    async with FakeConnector() as connector, serve(bot) as served:
        message = activity("personal_message", connector.url)
        key = inbox_key(activities.delivery_key(message) or "")
        # Written by a process that took it and died: its lease has run out.
        assert inbox.add(key, PLATFORM, TURN, message, holder="dead", lease=timedelta(0))
        served.adapter.inbox.start()
        [reply] = await connector.wait_for(1, timeout=20)
        # The answer to that message, in that chat, as if nothing had happened.
        assert reply.conversation_id == message["conversation"]["id"]
        assert (reply.kind, reply.activity_id) == ("reply", message["id"])
        # The Bot Framework's retry of the same activity is recognised.
        response = await served.post(message)
        assert response.status == 200
    assert inbox.status_of(key) == (DONE, 2)
    assert len(connector.delivered) == 1
