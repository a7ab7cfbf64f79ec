"""The report counts as suggested what reached people in their digests, not what was
written into a digest that lost items or was withdrawn before it went out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from digests_fixtures import RecordingSender
from harness import Chat
from suggestions_fixtures import add_item

from bot.digests import DigestStore, compose_due_digests, deliver_outbox

AMS = ZoneInfo("Europe/Amsterdam")


def morning(chat: Chat, day: int) -> None:
    """09:00 in Amsterdam on ``day`` March 2026."""
    chat.clock.now = datetime(2026, 3, day, 9, 0, tzinfo=AMS).astimezone(UTC)


def compose(chat: Chat) -> int:
    """The scheduler's compose pass at the chat's clock; how many digests it wrote."""
    store = DigestStore(chat.engine)
    return compose_due_digests(store, now=chat.clock(), settings=chat.settings).written


def deliver(chat: Chat) -> list[str]:
    """The scheduler's delivery pass at the chat's clock; whom a digest reached."""
    sender = RecordingSender()
    store = DigestStore(chat.engine)
    chat.run(deliver_outbox(store, {"slack": sender}, clock=chat.clock, secret=chat.secret))
    return [s.to.user_id for s in sender.sent]


def retire(chat: Chat, item_id: int) -> None:
    """The comms team retires an item (``merkwerker content retire``)."""
    done = chat.cli("content", "retire", str(item_id), "-g", str(chat.guidelines))
    assert done.returncode == 0, done.stdout + done.stderr


def suggested_events(chat: Chat, user_id: str) -> list[int]:
    """The items of the ``suggested`` events in the person's privacy export."""
    events = chat.export(user_id)["events"]
    return sorted(e["item_id"] for e in events if e["kind"] == "suggested")


def test_items_taken_out_and_withdrawn_digests_are_not_counted_as_suggested(chat: Chat) -> None:
    anna, ben, cas = chat.person("U1"), chat.person("U2"), chat.person("U3", language="nl")
    anna.say("digest daily")
    ben.say("digest daily")
    cas.say("digest dagelijks")
    morning(chat, 3)
    hour_ago = chat.clock() - timedelta(hours=1)
    kept = add_item(chat.engine, "Open day", approved_at=hour_ago)
    gone = add_item(chat.engine, "Wrong figures", approved_at=hour_ago)
    assert compose(chat) == 3
    retire(chat, gone)  # taken out of the three digests waiting in the outbox
    ben.say("digest off")  # his digest is withdrawn
    assert sorted(deliver(chat)) == ["U1", "U3"]

    report = chat.report()
    assert report["totals"]["suggested"] == 2
    assert report["participation"]["reached"] == 2
    assert suggested_events(chat, "U1") == [kept]
    assert suggested_events(chat, "U2") == []

    # The next day the only new item is retired before sending: no digest, nothing counted.
    morning(chat, 4)
    pulled = add_item(chat.engine, "Pulled", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat) == 2
    retire(chat, pulled)
    assert deliver(chat) == []
    assert chat.report()["totals"]["suggested"] == 2
    assert suggested_events(chat, "U1") == [kept]


def test_a_digest_the_platform_never_took_is_not_counted(chat: Chat) -> None:
    anna = chat.person("U1")
    anna.say("digest daily")
    morning(chat, 3)
    add_item(chat.engine, "Open day", approved_at=chat.clock() - timedelta(hours=1))
    assert compose(chat) == 1
    refusing = RecordingSender(failures=1)
    store = DigestStore(chat.engine)
    done = chat.run(deliver_outbox(store, {"slack": refusing}, clock=chat.clock, max_attempts=1))
    assert done.failed == 1 and refusing.sent == []
    assert chat.report()["totals"]["suggested"] == 0
