"""The activity handler alone, driven by botbuilder's ``TestAdapter`` (no HTTP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity
from sqlmodel import Session, select
from teams_fixtures import USER_AAD, ShareFeature, activity, make_bot

from adapters.teams.handler import MerkwerkerTeamsHandler
from bot.features import Context
from bot.i18n import t
from bot.models import IncomingAction, Reply
from bot.storage import ConversationReference, Store


def adapter_for(
    raw: dict[str, Any], handler: MerkwerkerTeamsHandler
) -> tuple[TestAdapter, Activity]:
    incoming = Activity().deserialize(raw)
    adapter = TestAdapter(template_or_conversation=incoming)
    adapter.on_turn_error = handler.on_turn_error
    return adapter, incoming


def card(sent: Activity) -> dict[str, Any]:
    content: dict[str, Any] = sent.attachments[0].content
    return content


async def test_button_press_replaces_its_card(tmp_path: Path) -> None:
    feature = ShareFeature()
    handler = MerkwerkerTeamsHandler(make_bot(tmp_path, feature=feature))
    adapter, incoming = adapter_for(activity("card_shared"), handler)
    await adapter.process_activity(incoming, handler.on_turn)
    (update,) = adapter.updated_activities
    assert update.id == "1714641800777"
    assert card(update)["body"][0]["text"] == "Thanks for sharing item 42!"
    assert adapter.activity_buffer == []
    assert feature.actions[0].user_id == USER_AAD


async def test_install_stores_the_reference_and_welcomes(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    try:
        handler = MerkwerkerTeamsHandler(make_bot(tmp_path, store=store))
        adapter, incoming = adapter_for(activity("conversation_update_personal"), handler)
        await adapter.process_activity(incoming, handler.on_turn)
        (welcome,) = adapter.activity_buffer
        assert "Merkwerker" in welcome.text or welcome.attachments
        with Session(store.engine) as session:
            row = session.exec(select(ConversationReference)).one()
        assert json.loads(row.data)["conversation"]["conversationType"] == "personal"
    finally:
        store.close()


class Broken(ShareFeature):
    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        raise RuntimeError("the feature fell over")


async def test_a_failing_turn_tells_the_person_and_does_not_crash(tmp_path: Path) -> None:
    handler = MerkwerkerTeamsHandler(make_bot(tmp_path, feature=Broken()))
    adapter, incoming = adapter_for(activity("card_shared"), handler)
    await adapter.process_activity(incoming, handler.on_turn)
    (apology,) = adapter.activity_buffer
    assert apology.text == t("en", "teams.error")
