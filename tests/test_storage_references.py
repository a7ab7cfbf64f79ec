"""Conversation references written through the typed store API (no tables in sight)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.messages import ConversationRef, Platform
from bot.storage import ConversationReference, Store, User
from bot.storage.references import ConversationReferences

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}", clock=lambda: NOW)
    yield store
    store.close()


def ref(conversation_id: str) -> ConversationRef:
    return ConversationRef(
        platform=Platform.TEAMS,
        conversation_id=conversation_id,
        user_id="aad-anna",
        data={"serviceUrl": "https://smba.example/", "conversation": {"id": conversation_id}},
    )


def test_a_new_person_gets_a_user_row_and_one_reference(store: Store) -> None:
    user_id = ConversationReferences(store).remember(ref("a:1"), now=NOW)
    with Session(store.engine) as session:
        user = session.exec(select(User)).one()
        row = session.exec(select(ConversationReference)).one()
    assert (user.id, user.platform, user.platform_user_id) == (user_id, "teams", "aad-anna")
    assert (row.user_id, row.platform, row.conversation_id) == (user_id, "teams", "a:1")
    assert json.loads(row.data)["serviceUrl"] == "https://smba.example/"


def test_the_newest_reference_replaces_the_one_before(store: Store) -> None:
    references = ConversationReferences(store)
    first = references.remember(ref("a:1"), now=NOW)
    second = references.remember(ref("a:2"), now=NOW)
    with Session(store.engine) as session:
        rows = session.exec(select(ConversationReference)).all()
    assert first == second
    assert [row.conversation_id for row in rows] == ["a:2"]
