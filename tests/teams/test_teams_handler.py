"""The activity handler alone, answering into a recording replier (no HTTP, no connector)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select
from teams_fixtures import USER_AAD, ShareFeature, activity, make_bot

from adapters.teams.cards import reply_to_activity
from adapters.teams.handler import TeamsHandler
from bot.features import Context
from bot.i18n import t
from bot.messages import IncomingAction, Reply
from bot.storage import ConversationReference, Store


@dataclass
class RecordingReplier:
    """Keeps what the handler sends (``sent``) and which cards it replaces (``updated``)."""

    sent: list[Reply] = field(default_factory=list)
    updated: list[tuple[str, Reply]] = field(default_factory=list)

    @property
    def responded(self) -> bool:
        return bool(self.sent or self.updated)

    async def send(self, reply: Reply) -> None:
        self.sent.append(reply)

    async def replace(self, card_id: str, reply: Reply) -> None:
        self.updated.append((card_id, reply))


def card(reply: Reply) -> dict[str, object]:
    content: dict[str, object] = reply_to_activity(reply, card=True)["attachments"][0]["content"]
    return content


async def test_button_press_replaces_its_card(tmp_path: Path) -> None:
    feature = ShareFeature()
    handler = TeamsHandler(make_bot(tmp_path, feature=feature))
    replier = RecordingReplier()
    await handler.handle(activity("card_shared"), replier)
    ((card_id, update),) = replier.updated
    assert card_id == "1714641800777"
    assert card(update)["body"][0]["text"] == "Thanks for sharing item 42!"  # type: ignore[index]
    assert replier.sent == []
    assert feature.actions[0].user_id == USER_AAD


async def test_install_stores_the_reference_and_welcomes(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    try:
        handler = TeamsHandler(make_bot(tmp_path, store=store))
        replier = RecordingReplier()
        await handler.handle(activity("conversation_update_personal"), replier)
        (welcome,) = replier.sent
        message = reply_to_activity(welcome)
        assert "Merkwerker" in (message.get("text") or "") or message.get("attachments")
        with Session(store.engine) as session:
            row = session.exec(select(ConversationReference)).one()
        assert json.loads(row.data)["conversation"]["conversationType"] == "personal"
    finally:
        store.close()


class Broken(ShareFeature):
    async def on_action(self, ctx: Context, action: IncomingAction) -> Reply | None:
        raise RuntimeError("the feature fell over")


async def test_a_failing_turn_tells_the_person_and_does_not_crash(tmp_path: Path) -> None:
    handler = TeamsHandler(make_bot(tmp_path, feature=Broken()))
    replier = RecordingReplier()
    await handler.handle(activity("card_shared"), replier)
    (apology,) = replier.sent
    assert reply_to_activity(apology)["text"] == t("en", "teams.error")
