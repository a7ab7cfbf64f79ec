"""The queue in chat: comms people queue, edit and approve; everyone else is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from content_fixtures import Clock, QueueSetup, open_queue
from sqlmodel import Session

from bot.content import ContentFeature, ContentStatus
from bot.conversation import Merkwerker
from bot.guidelines import GuidelinesLibrary
from bot.models import (
    Choices,
    ConversationRef,
    Form,
    IncomingAction,
    IncomingMessage,
    Platform,
    Reply,
    Text,
)
from bot.settings import Settings
from bot.storage import Role

COMMS = "UCOMMS"
EMPLOYEE = "UEMPLOYEE"


@dataclass
class Chat:
    bot: Merkwerker
    setup: QueueSetup

    async def say(self, text: str, *, user: str = COMMS, locale: str = "en-GB") -> Reply:
        return await self.bot.handle(
            IncomingMessage(
                platform=Platform.SLACK,
                user_id=user,
                conversation=ConversationRef(
                    platform=Platform.SLACK, conversation_id="D1", user_id=user
                ),
                text=text,
                locale=locale,
            )
        )

    async def press(
        self,
        action: str,
        value: str = "",
        *,
        user: str = COMMS,
        form: dict[str, str] | None = None,
        locale: str = "en-GB",
    ) -> Reply | None:
        return await self.bot.handle_action(
            IncomingAction(
                platform=Platform.SLACK,
                user_id=user,
                conversation=ConversationRef(
                    platform=Platform.SLACK, conversation_id="D1", user_id=user
                ),
                action=action,
                value=value,
                form=form or {},
                locale=locale,
            )
        )


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[Chat]:
    base = tmp_path
    setup = open_queue(f"sqlite:///{base / 'chat.db'}", base / "guidelines", Clock())
    bot = Merkwerker(
        library=GuidelinesLibrary.open(setup.folder),
        store=setup.store,
        clock=setup.clock,
        settings=Settings(comms=frozenset({f"slack:{COMMS}"})),
        features=[ContentFeature(setup.queue)],
    )
    yield Chat(bot=bot, setup=setup)
    setup.store.close()


def _buttons(reply: Reply | None) -> list[tuple[str, str, str]]:
    assert reply is not None
    return [
        (c.label, c.action, c.value)
        for part in reply.parts
        if isinstance(part, Choices)
        for c in part.choices
    ]


def _texts(reply: Reply | None) -> list[str]:
    assert reply is not None
    return [part.text for part in reply.parts if isinstance(part, Text)]


def _form(reply: Reply | None) -> Form:
    assert reply is not None
    (form,) = [part for part in reply.parts if isinstance(part, Form)]
    return form


async def test_comms_queues_a_link_and_gets_buttons(chat: Chat) -> None:
    reply = await chat.say("queue https://example.com/news/launch We launched a thing")
    assert reply.kind == "content.queued"
    (item,) = chat.setup.queue.list()
    assert (item.title, item.status, item.added_by) == (
        "We launched a thing",
        ContentStatus.DRAFT,
        f"slack:{COMMS}",
    )
    assert _buttons(reply) == [
        ("Approve", "content.approve", str(item.id)),
        ("Edit", "content.form", str(item.id)),
        ("Retire", "content.retire", str(item.id)),
    ]
    assert "#1 We launched a thing" in _texts(reply)
    assert "Queued as a draft." in _texts(reply)


async def test_without_a_title_the_link_names_the_item(chat: Chat) -> None:
    await chat.say("queue <https://example.com/news/launch/>")
    (item,) = chat.setup.queue.list()
    assert (item.url, item.title) == ("https://example.com/news/launch/", "example.com/news/launch")


async def test_someone_outside_comms_is_politely_refused(chat: Chat) -> None:
    reply = await chat.say("queue https://example.com/a", user=EMPLOYEE)
    assert reply.kind == "content.refused"
    assert "Only the comms team" in reply.plain_text()
    assert chat.setup.queue.list() == ()

    await chat.say("queue https://example.com/a")
    (item,) = chat.setup.queue.list()
    pressed = await chat.press("content.approve", str(item.id), user=EMPLOYEE, locale="nl-NL")
    assert pressed is not None and pressed.kind == "content.refused"
    assert "Alleen het comms-team" in pressed.plain_text()
    assert chat.setup.queue.get(item.id).status is ContentStatus.DRAFT  # type: ignore[union-attr]


async def test_a_role_granted_in_the_database_is_enough(chat: Chat) -> None:
    with Session(chat.setup.store.engine) as session:
        session.add(
            Role(
                platform="slack",
                platform_user_id=EMPLOYEE,
                role="comms",
                granted_at=chat.setup.clock.now,
            )
        )
        session.commit()
    reply = await chat.say("queue https://example.com/a", user=EMPLOYEE)
    assert reply.kind == "content.queued"


async def test_approve_and_retire_buttons(chat: Chat) -> None:
    await chat.say("queue https://example.com/a Launch")
    (item,) = chat.setup.queue.list()
    approved = await chat.press("content.approve", str(item.id))
    assert approved is not None and approved.kind == "content.approved"
    assert "live" in approved.plain_text()
    assert [b[1] for b in _buttons(approved)] == ["content.form", "content.retire"]
    stored = chat.setup.queue.get(item.id)
    assert stored is not None and stored.approved_by == f"slack:{COMMS}"

    shown = await chat.press("content.show", str(item.id))
    assert shown is not None and shown.kind == "content.item"
    assert f"#{item.id} Launch" in _texts(shown)

    retired = await chat.press("content.retire", str(item.id))
    assert retired is not None and retired.kind == "content.retired"
    assert chat.setup.queue.get(item.id).status is ContentStatus.RETIRED  # type: ignore[union-attr]


async def test_the_form_creates_an_item_and_a_blocked_caption_stops_approval(chat: Chat) -> None:
    shortcut = _form(await chat.press("content.form", "Look: <https://example.com/story|story>!"))
    assert {f.id: f.value for f in shortcut.fields}["url"] == "https://example.com/story"
    empty = _form(await chat.press("content.form", "https://example.com/story"))
    assert empty.action == "content.save" and empty.value == ""
    fields = {f.id: f for f in empty.fields}
    assert list(fields) == [
        "url",
        "title",
        "summary",
        "caption_nl",
        "caption_en",
        "topics",
        "teams",
        "locations",
        "not_before",
        "expires",
        "priority",
    ]
    assert fields["url"].value == "https://example.com/story"
    assert fields["not_before"].kind == "date"

    saved = await chat.press(
        "content.save",
        form={
            "url": "https://example.com/story",
            "title": "Client story",
            "caption_en": "Proud of our work for Acme Bank\n---\nProud of our work!",
            "topics": "clients, stories",
            "not_before": "2026-03-01",
            "priority": "2",
        },
    )
    assert saved is not None and saved.kind == "content.queued"
    assert "Acme Bank" in saved.plain_text()  # the finding is shown right away
    (item,) = chat.setup.queue.list()
    assert item.captions == {"en": ("Proud of our work for Acme Bank", "Proud of our work!")}
    assert item.topics == ("clients", "stories")

    refused = await chat.press("content.approve", str(item.id))
    assert refused is not None and refused.kind == "content.invalid"
    text = refused.plain_text()
    assert "Client names" in text and '"Acme Bank"' in text
    assert chat.setup.queue.get(item.id).status is ContentStatus.DRAFT  # type: ignore[union-attr]


async def test_editing_through_the_form_keeps_what_the_form_does_not_show(chat: Chat) -> None:
    await chat.say("queue https://example.com/a Launch")
    (item,) = chat.setup.queue.list()
    form = _form(await chat.press("content.form", str(item.id)))
    assert form.value == str(item.id)
    values = {f.id: f.value for f in form.fields}
    values["title"] = "Launch day"
    values["caption_nl"] = "Wat een dag!"
    saved = await chat.press("content.save", form.value, form=values)
    assert saved is not None and saved.kind == "content.saved"
    edited = chat.setup.queue.get(item.id)
    assert edited is not None
    assert (edited.title, edited.captions, edited.added_by) == (
        "Launch day",
        {"nl": ("Wat een dag!",)},
        f"slack:{COMMS}",
    )


async def test_form_problems_are_listed_and_the_form_comes_back_filled_in(chat: Chat) -> None:
    reply = await chat.press(
        "content.save",
        form={"url": "example.com", "title": "", "not_before": "morgen", "priority": "11"},
        locale="nl-NL",
    )
    assert reply is not None and reply.kind == "content.invalid"
    assert "morgen" in reply.plain_text()
    form = _form(reply)
    assert {f.id: f.value for f in form.fields}["not_before"] == "morgen"
    assert chat.setup.queue.list() == ()

    again = await chat.press(
        "content.save", form={"url": "example.com", "title": "", "priority": "11"}
    )
    text = again.plain_text() if again is not None else ""
    assert "not a web address" in text and "title is empty" in text and "-10 to 10" in text


async def test_unknown_items_and_actions_get_an_answer(chat: Chat) -> None:
    missing = await chat.press("content.approve", "77")
    assert missing is not None and "no content item #77" in missing.plain_text()
    odd = await chat.press("content.approve", "not-a-number")
    assert odd is not None and odd.kind == "content.invalid"
    unknown = await chat.press("content.frobnicate", "1")
    assert unknown is not None and unknown.kind == "notice"


async def test_a_missing_database_gets_an_apology_not_a_crash(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    chat.setup.store.engine.dispose()
    database = Path(str(chat.setup.store.engine.url.database))
    for path in database.parent.glob(database.name + "*"):
        path.unlink()  # the next connection finds an empty database without tables
    reply = await chat.say("queue https://example.com/a")
    assert reply.kind == "content.unavailable"
    assert "try again" in reply.plain_text()
    pressed = await chat.press("content.approve", "1")
    assert pressed is not None and pressed.kind == "content.unavailable"


async def test_the_queue_is_quiet_in_prefaces_and_home(chat: Chat) -> None:
    feature = chat.bot.features[0]
    ctx = await chat.bot.context(
        platform=Platform.SLACK,
        platform_user_id=COMMS,
        conversation=ConversationRef(platform=Platform.SLACK, conversation_id="D1", user_id=COMMS),
        language="en",
    )
    assert await feature.preface(ctx) == ()
    assert await feature.home(ctx) == ()
