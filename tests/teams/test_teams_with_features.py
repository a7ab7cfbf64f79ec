"""Teams with the bot as deployed (every feature installed): settings changed from a card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samples import write_guidelines
from sqlmodel import Session, select
from teams_fixtures import NOW, USER_AAD, FakeConnector, activity, serve

from adapters.app_factory import build_bot
from bot.guidelines.library import GuidelinesLibrary
from bot.settings import Settings
from bot.storage import Store, User


def inputs_and_submit(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    card = body["attachments"][0]["content"]
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    submits = [
        a
        for e in card["body"]
        if e["type"] == "ActionSet"
        for a in e["actions"]
        if a["type"] == "Action.Submit" and a["data"]["merkwerker_action"] == "settings.save"
    ]
    assert len(submits) == 1, card
    return inputs, submits[0]


async def test_settings_saved_from_the_teams_card(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}", clock=lambda: NOW)
    try:
        library = GuidelinesLibrary.open(write_guidelines(tmp_path / "guidelines"))
        bot = build_bot(Settings(), store=store, library=library, clock=lambda: NOW)
        async with FakeConnector() as connector, serve(bot) as served:
            await served.post(
                activity("personal_message", connector.url, text="settings", locale="en-US")
            )
            (shown,) = await connector.wait_for(1)
            inputs, submit = inputs_and_submit(shown.body)
            assert inputs["field_digest"]["type"] == "Input.ChoiceSet"
            # Teams sends the button's data merged with every input's current value.
            value = {**submit["data"], **{key: e.get("value", "") for key, e in inputs.items()}}
            value["field_digest"] = "weekly"
            await served.post(
                activity(
                    "card_shared",
                    connector.url,
                    id="1714650000001",
                    replyToId="card-1",
                    value=value,
                )
            )
            updated = (await connector.wait_for(2))[1]
        assert updated.method == "PUT" and updated.activity_id == "card-1"
        with Session(store.engine) as session:
            user = session.exec(select(User).where(User.platform_user_id == USER_AAD)).one()
        assert user.digest == "weekly"
    finally:
        store.close()
