"""The Teams welcome card lists what the person can type, by role: the same list as help."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from samples import write_guidelines
from teams_fixtures import NOW, USER_AAD, FakeConnector, activity, serve

from bot.conversation import Merkwerker
from bot.guidelines.library import GuidelinesLibrary
from bot.i18n import t
from bot.settings import Settings
from bot.storage import Store

EVERYONE = ("ask", "check", "share", "settings", "privacy", "mydata", "forget")
COMMS = ("queue", "approve", "report")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    yield store
    store.close()


def _bot(folder: Path, store: Store, *, comms: frozenset[str] = frozenset()) -> Merkwerker:
    guidelines = write_guidelines(folder / "guidelines")
    return Merkwerker(
        library=GuidelinesLibrary.open(guidelines),
        store=store,
        clock=lambda: NOW,
        settings=Settings(guidelines=guidelines, comms=comms),
    )


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node[k] for k in ("text", "title", "value") if isinstance(node.get(k), str)]
        return own + [x for value in node.values() for x in _texts(value)]
    if isinstance(node, list):
        return [x for item in node for x in _texts(item)]
    return []


async def _welcome(bot: Merkwerker, locale: str) -> list[str]:
    async with FakeConnector() as connector, serve(bot) as served:
        update = activity("conversation_update_personal", connector.url, locale=locale)
        assert (await served.post(update)).status == 200
        (welcome,) = await connector.wait_for(1)
    (attachment,) = welcome.body["attachments"]
    return _texts(attachment["content"]["body"])


@pytest.mark.parametrize("language", ["en", "nl"])
async def test_the_welcome_lists_what_anyone_can_type(
    tmp_path: Path, store: Store, language: str
) -> None:
    texts = await _welcome(_bot(tmp_path, store), f"{language}-NL")
    for item in EVERYONE:
        assert t(language, f"help.item.{item}.type") in texts
    for item in COMMS:
        assert t(language, f"help.item.{item}.type") not in texts


async def test_the_comms_welcome_lists_queue_approve_and_report(
    tmp_path: Path, store: Store
) -> None:
    bot = _bot(tmp_path, store, comms=frozenset({f"teams:{USER_AAD}"}))
    texts = await _welcome(bot, "en-US")
    assert t("en", "help.comms_heading") in texts
    for item in (*EVERYONE, *COMMS):
        assert t("en", f"help.item.{item}.type") in texts
        assert t("en", f"help.item.{item}", example="").split('"')[0] in " ".join(texts)
