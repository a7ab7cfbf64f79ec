""" "What can I share?" in a conversation: suggestions, their buttons and the home view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from harness import Chat, Seen, open_chat
from sqlmodel import Session, select
from suggestions_fixtures import T0, add_item, add_user, events

from bot.messages import Choice
from bot.storage.tables import Share


@pytest.fixture
def chat(database_url: str, tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, database_url=database_url, now=T0) as conversation:
        yield conversation


def buttons(seen: Seen) -> list[tuple[str, str, str]]:
    """Each button's label and what pressing it sends."""
    return [(c.label, c.action, c.value) for c in seen.choices]


def kinds(chat: Chat, kind: str, user: str = "U1") -> list[dict[str, object]]:
    """The person's events of ``kind``, as their privacy export lists them."""
    return [e for e in chat.export(user)["events"] if e["kind"] == kind]


def test_what_can_i_share_offers_the_top_three_with_everything_to_share_them(chat: Chat) -> None:
    items = [add_item(chat.engine, f"Item {n}", priority=n) for n in range(5)]
    seen = chat.person("U1").say("What can I share?")
    assert seen.kind == "suggestions"
    assert seen.headings == ["Item 4", "Item 3", "Item 2"]
    assert "\n  Proud of this: Item 4\n" in seen.text  # the caption, set off as a quote
    assert "copy the caption" in seen
    assert "Voeg toe" in seen
    assert len(seen.links) == 9
    assert seen.button("I shared it", of="Item 4") == Choice(
        label="I shared it", action="share.shared", value=str(items[4])
    )
    assert seen.button("Not for me", of="Item 4") == Choice(
        label="Not for me", action="share.dismiss", value=str(items[4])
    )
    assert chat.report()["totals"]["suggested"] == 3


def test_a_retried_delivery_records_the_suggestions_once(chat: Chat) -> None:
    add_item(chat.engine)
    anna = chat.person("U1", language="nl")
    anna.say("wat kan ik delen?")
    anna.redeliver()
    assert chat.report()["totals"]["suggested"] == 1


def test_nothing_to_share_is_said_kindly_with_a_pointer_to_settings(chat: Chat) -> None:
    add_item(chat.engine, "Later", not_before=T0 + timedelta(days=1))
    anna = chat.person("U1")
    seen = anna.say("what can I share")
    assert seen.kind == "suggestions.empty"
    assert "Nothing to share right now" in seen
    assert '"settings"' in seen
    assert "Er is nu niets om te delen" in anna.say("wat kan ik delen", language="nl")
    chat.later(days=1)
    assert anna.say("what can I share").headings == ["Later"]


def test_i_shared_it_is_recorded_once_and_the_reply_says_so(chat: Chat) -> None:
    shared = add_item(chat.engine, "Shared one", priority=1)
    other = add_item(chat.engine, "Other one")
    anna = chat.person("U1")
    first = anna.say("share")
    seen = anna.click("I shared it", of="Shared one")
    assert seen.kind == "suggestions.marked_shared"
    assert seen.headings[0].startswith('✅ Thanks for sharing "Shared one"')
    assert ("I shared it", "share.shared", str(other)) in buttons(seen)  # the rest stays
    anna.click("I shared it", of="Shared one", on=first)  # pressed again on the old message
    assert [e["item_id"] for e in kinds(chat, "marked_shared")] == [shared]
    assert chat.report()["totals"]["shares"] == 1
    assert "Shared one" not in anna.say("share")


def test_not_for_me_asks_why_and_the_reason_is_kept(chat: Chat) -> None:
    item = add_item(chat.engine, "Dull", topics="finance")
    add_item(chat.engine, "Also finance", topics="finance", priority=1)
    add_item(chat.engine, "Plain")
    anna = chat.person("U1")
    anna.say("share")
    why = anna.click("Not for me", of="Dull")
    assert 'won\'t suggest "Dull"' in why
    assert buttons(why)[:4] == [
        ("Not my topic", "share.reason", f"{item}:topic"),
        ("Not relevant to my team", "share.reason", f"{item}:team"),
        ("I've seen it already", "share.reason", f"{item}:seen"),
        ("Something else", "share.reason", f"{item}:other"),
    ]
    assert [e["reason"] for e in kinds(chat, "dismissed")] == [None]
    assert anna.say("share").headings == ["Also finance", "Plain"]
    thanks = anna.click("Not my topic", on=why)
    assert "fewer items like this" in thanks
    assert [e["reason"] for e in kinds(chat, "dismissed")] == ["topic"]
    assert anna.say("share").headings == ["Plain", "Also finance"]


def test_broken_button_values_get_a_clear_answer(chat: Chat) -> None:
    add_item(chat.engine)
    anna = chat.person("U1")
    for action, value in (
        ("share.shared", "abc"),
        ("share.dismiss", "99999"),
        ("share.reason", "1:boredom"),
        ("share.nonsense", ""),
    ):
        seen = anna.press(action, value)
        assert seen.kind in ("suggestions.gone", "action.unknown")
    assert kinds(chat, "marked_shared") == kinds(chat, "dismissed") == []


def test_opening_a_share_link_is_recorded_by_item_and_network(chat: Chat) -> None:
    item = add_item(chat.engine)
    anna = chat.person("U1")
    seen = anna.say("share")
    # The platform tells the bot a link button was opened; nothing is shown for it.
    assert anna.press("share.opened", f"{item}:linkedin").reply is None
    assert anna.redeliver().reply is None
    x_link = next(url for label, url in seen.links if "X" in label)
    anna.press("share.opened", x_link)  # the adapter may send the URL
    opened = kinds(chat, "share_link_opened")
    assert [(e["item_id"], e["network"]) for e in opened] == [(item, "linkedin"), (item, "x")]
    assert events(chat.engine, "share_link_opened")[1].share_id is not None
    assert chat.report()["totals"]["opened"] == 2


def test_home_shows_suggestions_and_this_months_activity(chat: Chat) -> None:
    add_item(chat.engine, "Home item")
    anna = chat.person("U1")
    seen = anna.say("share")
    anna.click("I shared it")
    linkedin = next(url for label, url in seen.links if "LinkedIn" in label)
    chat.later(hours=1)
    assert chat.open_link(linkedin) is not None
    chat.later(hours=1)
    assert chat.open_link(linkedin) is not None
    add_item(chat.engine, "Fresh for home")
    home = anna.home()
    assert "Something to share" in home and "Fresh for home" in home
    assert "You shared this month: 1" in home
    assert "Clicks on your links this month: 2" in home


def test_people_who_opted_out_share_anonymous_links(chat: Chat) -> None:
    # What is stored for someone who opted out is the point here, so the tables are read.
    add_user(chat.store, "U1", team="Sales", tracking=False)
    add_item(chat.engine)
    anna = chat.person("U1")
    anna.say("share")
    anna.click("I shared it")
    with Session(chat.engine) as session:
        shares = session.exec(select(Share)).all()
    assert shares and all(s.user_id is None for s in shares)
    for event in events(chat.engine):
        assert event.user_id is None
        assert event.team == "Sales"
        assert "U1" not in event.idempotency_key
    assert chat.export("U1")["events"] == []
    # The same anonymous links are reused, not one set per view.
    anna.say("share")
    with Session(chat.engine) as session:
        assert len(session.exec(select(Share)).all()) == 3
