""" "What can I share?" in a conversation: suggestions, their buttons and the home view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from suggestions_fixtures import T0, Chat, add_item, add_user, events, make_chat, texts

from bot.models import Choices, Link, Platform, Reply, Text
from bot.models import ConversationRef as Ref
from bot.storage import Store
from bot.storage.tables import Share
from bot.suggestions import resolve_click, suggest


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    store = Store.open(database_url, clock=lambda: T0)
    yield make_chat(store, tmp_path / "guidelines")
    store.close()


def choices(reply: Reply | None) -> list[tuple[str, str, str]]:
    assert reply is not None
    return [
        (c.label, c.action, c.value)
        for p in reply.parts
        if isinstance(p, Choices)
        for c in p.choices
    ]


def headings(reply: Reply | None) -> list[str]:
    assert reply is not None
    return [p.text for p in reply.parts if isinstance(p, Text) and p.style == "heading"]


async def test_what_can_i_share_offers_the_top_three_with_everything_to_share_them(
    chat: Chat,
) -> None:
    for n in range(5):
        add_item(chat.engine, f"Item {n}", priority=n)
    reply = await chat.say("What can I share?")
    assert reply.kind == "suggestions"
    assert headings(reply) == ["Item 4", "Item 3", "Item 2"]
    text = texts(reply)
    assert "> Proud of this: Item 4" in text  # the caption, as a quote
    assert "copy the caption" in text
    assert "Voeg toe" in text
    assert sum(isinstance(p, Link) for p in reply.parts) == 9
    item_4 = suggest(chat.engine, user_id=1, now=T0, limit=5)[0].item_id
    assert ("I shared it", "share.shared", str(item_4)) in choices(reply)
    assert ("Not for me", "share.dismiss", str(item_4)) in choices(reply)
    assert len(events(chat.engine, "suggested")) == 3


async def test_a_retried_delivery_records_the_suggestions_once(chat: Chat) -> None:
    add_item(chat.engine)
    await chat.say("wat kan ik delen?", delivery="Ev1", locale="nl")
    await chat.say("wat kan ik delen?", delivery="Ev1", locale="nl")
    assert len(events(chat.engine, "suggested")) == 1


async def test_nothing_to_share_is_said_kindly_with_a_pointer_to_settings(chat: Chat) -> None:
    add_item(chat.engine, "Later", not_before=T0 + timedelta(days=1))
    reply = await chat.say("what can I share")
    assert reply.kind == "suggestions.empty"
    assert "Nothing to share right now" in texts(reply)
    assert '"settings"' in texts(reply)
    dutch = await chat.say("wat kan ik delen", locale="nl")
    assert "Er is nu niets om te delen" in texts(dutch)


async def test_i_shared_it_is_recorded_once_and_the_reply_says_so(chat: Chat) -> None:
    shared = add_item(chat.engine, "Shared one", priority=1)
    other = add_item(chat.engine, "Other one")
    await chat.say("share")
    reply = await chat.press("share.shared", str(shared))
    assert reply is not None and reply.kind == "suggestions.marked_shared"
    assert headings(reply)[0].startswith('✅ Thanks for sharing "Shared one"')
    assert ("I shared it", "share.shared", str(other)) in choices(reply)  # the rest stays
    await chat.press("share.shared", str(shared))  # pressed again on the old message
    marked = events(chat.engine, "marked_shared")
    assert [(e.item_id, e.user_id) for e in marked] == [(shared, 1)]
    assert "Shared one" not in texts(await chat.say("share"))


async def test_not_for_me_asks_why_and_the_reason_is_kept(chat: Chat) -> None:
    item = add_item(chat.engine, "Dull", topics="finance")
    later = add_item(chat.engine, "Also finance", topics="finance", priority=1)
    plain = add_item(chat.engine, "Plain")
    await chat.say("share")
    reply = await chat.press("share.dismiss", str(item))
    assert reply is not None
    assert 'won\'t suggest "Dull"' in texts(reply)
    assert choices(reply)[:4] == [
        ("Not my topic", "share.reason", f"{item}:topic"),
        ("Not relevant to my team", "share.reason", f"{item}:team"),
        ("I've seen it already", "share.reason", f"{item}:seen"),
        ("Something else", "share.reason", f"{item}:other"),
    ]
    assert [e.reason for e in events(chat.engine, "dismissed")] == [None]
    before = [s.item_id for s in suggest(chat.engine, user_id=1, now=T0)]
    assert before == [later, plain]
    thanks = await chat.press("share.reason", f"{item}:topic")
    assert "fewer items like this" in texts(thanks)
    assert [e.reason for e in events(chat.engine, "dismissed")] == ["topic"]
    assert [s.item_id for s in suggest(chat.engine, user_id=1, now=T0)] == [plain, later]


async def test_broken_button_values_get_a_clear_answer(chat: Chat) -> None:
    add_item(chat.engine)
    for action, value in (
        ("share.shared", "abc"),
        ("share.dismiss", "99999"),
        ("share.reason", "1:boredom"),
        ("share.nonsense", ""),
    ):
        reply = await chat.press(action, value)
        assert reply is not None and reply.kind in ("suggestions.gone", "action.unknown")
    assert events(chat.engine, "marked_shared") == events(chat.engine, "dismissed") == []


async def test_opening_a_share_link_is_recorded_by_item_and_network(chat: Chat) -> None:
    item = add_item(chat.engine)
    reply = await chat.say("share")
    assert await chat.press("share.opened", f"{item}:linkedin", delivery="A1") is None
    assert await chat.press("share.opened", f"{item}:linkedin", delivery="A1") is None
    x_link = next(p.url for p in reply.parts if isinstance(p, Link) and "X" in p.label)
    await chat.press("share.opened", x_link, delivery="A2")  # the adapter may send the URL
    opened = events(chat.engine, "share_link_opened")
    assert [(e.item_id, e.network) for e in opened] == [(item, "linkedin"), (item, "x")]
    assert opened[1].share_id is not None


async def test_home_shows_suggestions_and_this_months_activity(chat: Chat) -> None:
    item = add_item(chat.engine, "Home item")
    await chat.say("share")
    await chat.press("share.shared", str(item))
    with Session(chat.engine) as session:
        token = session.exec(select(Share.token).where(Share.network == "linkedin")).one()
    resolve_click(chat.engine, token, now=T0 + timedelta(hours=1), user_agent="Mozilla/5.0")
    resolve_click(chat.engine, token, now=T0 + timedelta(hours=2), user_agent="Mozilla/5.0")
    add_item(chat.engine, "Fresh for home")
    home = await chat.bot.home(
        platform=Platform.SLACK,
        platform_user_id="U1",
        conversation=Ref(platform=Platform.SLACK, conversation_id="D", user_id="U1"),
        locale="en",
    )
    text = texts(home)
    assert "Something to share" in text and "Fresh for home" in text
    assert "You shared this month: 1" in text
    assert "Clicks on your links this month: 2" in text


async def test_people_who_opted_out_share_anonymous_links(chat: Chat) -> None:
    add_user(chat.store, "U1", team="Sales", tracking=False)
    item = add_item(chat.engine)
    await chat.say("share")
    await chat.press("share.shared", str(item))
    with Session(chat.engine) as session:
        shares = session.exec(select(Share)).all()
    assert shares and all(s.user_id is None for s in shares)
    for event in events(chat.engine):
        assert event.user_id is None
        assert event.team == "Sales"
        assert "U1" not in event.idempotency_key
    # The same anonymous links are reused, not one set per view.
    await chat.say("share", user="U1")
    with Session(chat.engine) as session:
        assert len(session.exec(select(Share)).all()) == 3
