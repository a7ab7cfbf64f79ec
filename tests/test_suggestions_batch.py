"""Suggestions for many people at once give what ``suggest`` and ``offer_reply`` give."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import col
from suggestions_fixtures import T0, add_item, add_user, count, events, varied_world

from bot.messages import Link, Reply
from bot.settings import Settings
from bot.storage import Store
from bot.storage.tables import Event, Share, User
from bot.suggestions import (
    ReplyRequest,
    load_shelf,
    offer_reply,
    prepare_replies,
    resolve_click,
    suggest,
    suggest_many,
    suggestions_reply,
)
from bot.suggestions.store import SuggestionStore
from bot.tracking import EventLog, NewEvent

SECRET = Settings(secret="batch-secret")
VIA_WEB = Settings(secret="batch-secret", public_url="https://merk.example.com/")


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def last_digests(store: Store) -> list[tuple[int, object]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(col(User.id), col(User.last_digest_at)).order_by(col(User.id))
        ).all()
    return [(user_id, last) for user_id, last in rows]


def links(reply: Reply) -> list[str]:
    return [part.url for part in reply.parts if isinstance(part, Link)]


@pytest.mark.parametrize("limit", [3, 10])
def test_everyone_gets_what_suggest_gives_them(store: Store, limit: int) -> None:
    varied_world(store.engine, people=60, items=50)
    wanted = [*last_digests(store), (999_999, None)]  # and someone who does not exist
    lengths: set[int] = set()
    for moment in (T0, T0 + timedelta(hours=3)):  # an embargo lifts, an item expires
        shelf = load_shelf(store.engine, now=moment)
        many = suggest_many(store.engine, wanted, now=moment, limit=limit, shelf=shelf)
        one_by_one = {
            user_id: suggest(
                store.engine, user_id=user_id, now=moment, limit=limit, new_since=since
            )  # type: ignore[arg-type]
            for user_id, since in wanted
        }
        assert many == one_by_one
        offered = [s for found in many.values() for s in found]
        # The world is varied enough for this comparison to mean something.
        assert len({s.item_id for s in offered}) > 10
        assert len({s.caption for s in offered}) > 10
        assert many[999_999] == []
        lengths.update(len(found) for user_id, found in many.items() if user_id != 999_999)
    assert {0, 1, limit} <= lengths  # nothing new for some, little for others


def test_a_shelf_read_at_another_moment_is_refused(store: Store) -> None:
    shelf = load_shelf(store.engine, now=T0)
    with pytest.raises(ValueError):
        suggest_many(store.engine, [], now=T0 + timedelta(minutes=1), shelf=shelf)


@pytest.mark.parametrize("settings", [SECRET, VIA_WEB], ids=["direct", "via-web"])
def test_replies_together_equal_replies_one_by_one(store: Store, settings: Settings) -> None:
    people = varied_world(store.engine, people=24, items=30)
    found = suggest_many(store.engine, [(p, None) for p in people], now=T0)
    first, second = people[:12], people[12:]

    # Together first: one by one afterwards reuses every token and records nothing.
    requests = [
        ReplyRequest(
            user_id=p,
            language="nl" if p % 2 else "en",
            suggestions=tuple(found[p]),
            delivery_key=f"dk:{p}",
            intro="Hello" if p % 3 else None,
        )
        for p in first
    ]
    prepared = prepare_replies(store.engine, requests, now=T0, settings=settings)
    suggested = len(events(store.engine, "suggested"))
    with store.engine.begin() as connection:
        recorded = prepared.record(connection, first)
    assert recorded == count(store.engine, Share) > 12
    # Recorded when a digest is delivered, not when it is written.
    assert len(events(store.engine, "suggested")) == suggested
    shares = count(store.engine, Share)
    for request in requests:
        alone = offer_reply(
            store.engine,
            user_id=request.user_id,
            language=request.language,
            now=T0,
            suggestions=request.suggestions,
            settings=settings,
            intro=request.intro,
        )
        assert prepared.replies[request.user_id] == alone
    assert count(store.engine, Share) == shares
    assert len(events(store.engine, "suggested")) == suggested

    # One by one first: together afterwards gives the same and writes nothing.
    alone_replies = {
        p: offer_reply(
            store.engine,
            user_id=p,
            language="en",
            now=T0,
            suggestions=found[p],
            settings=settings,
        )
        for p in second
    }
    shares, suggested = count(store.engine, Share), len(events(store.engine, "suggested"))
    requests = [
        ReplyRequest(user_id=p, language="en", suggestions=tuple(found[p]), delivery_key=f"dk:{p}")
        for p in second
    ]
    prepared = prepare_replies(store.engine, requests, now=T0, settings=settings)
    with store.engine.begin() as connection:
        assert prepared.record(connection, second) == 0
    assert prepared.replies == alone_replies
    assert count(store.engine, Share) == shares
    assert len(events(store.engine, "suggested")) == suggested


def test_opted_out_people_share_anonymous_links_and_leave_no_trace(store: Store) -> None:
    tracked = add_user(store, "U1", team="Sales")
    quiet = [add_user(store, f"U{n}", team="Ops", tracking=False) for n in (2, 3)]
    item = add_item(store.engine, "Wind farm opens")
    everyone = [tracked, *quiet]
    found = suggest_many(store.engine, [(p, None) for p in everyone], now=T0)
    requests = [
        ReplyRequest(
            user_id=p,
            language="en",
            suggestions=tuple(found[p]),
            delivery_key=f"digest:{p}:2026-03-02",
        )
        for p in everyone
    ]
    prepared = prepare_replies(store.engine, requests, now=T0, settings=SECRET)
    with store.engine.begin() as connection:
        prepared.record(connection, everyone)
        # Delivered: what delivery records of each digest.
        for request in requests:
            SuggestionStore(store.engine).record_received(
                connection,
                user_id=request.user_id,
                delivery_key=request.delivery_key,
                item_ids={s.item_id for s in request.suggestions},
                now=T0,
                secret=SECRET.secret,
            )

    # The two who opted out got the very same links: one anonymous share per network.
    assert links(prepared.replies[quiet[0]]) == links(prepared.replies[quiet[1]])
    assert links(prepared.replies[quiet[0]]) != links(prepared.replies[tracked])
    with store.engine.connect() as connection:
        owners = connection.execute(select(col(Share.user_id))).scalars().all()
    assert sorted(owners, key=str) == sorted([tracked] * 3 + [None] * 3, key=str)

    suggested = events(store.engine, "suggested")
    assert [(e.user_id, e.team, e.item_id) for e in suggested] == [
        (tracked, "Sales", item),
        (None, "Ops", item),
        (None, "Ops", item),
    ]
    keys = [e.idempotency_key for e in suggested]
    assert keys[0] == f"suggested:digest:{tracked}:2026-03-02:{item}"
    # Keyed hashes: nothing in them names the person.
    assert all(k.startswith("suggested:h:") and "digest" not in k for k in keys[1:])
    assert len(set(keys)) == 3

    # A click on the anonymous link counts for the item, for nobody in particular.
    token = links(prepared.replies[quiet[0]])[0].rsplit("%3D", 1)[-1]
    assert resolve_click(store.engine, token, now=T0) is not None
    assert events(store.engine, "link_clicked")[0].user_id is None


def test_only_the_people_whose_message_was_stored_are_recorded(store: Store) -> None:
    people = [add_user(store, f"U{n}") for n in range(1, 4)]
    add_item(store.engine, "Wind farm opens")
    found = suggest_many(store.engine, [(p, None) for p in people], now=T0)
    requests = [
        ReplyRequest(user_id=p, language="en", suggestions=tuple(found[p]), delivery_key=f"k:{p}")
        for p in people
    ]
    prepared = prepare_replies(store.engine, requests, now=T0, settings=SECRET)
    with store.engine.begin() as connection:
        prepared.record(connection, people[:1])
    assert events(store.engine, "suggested") == []
    with store.engine.connect() as connection:
        owners = set(connection.execute(select(col(Share.user_id))).scalars())
    assert owners == {people[0]}


def test_nothing_to_suggest_gives_the_kind_empty_reply(store: Store) -> None:
    person = add_user(store)
    request = ReplyRequest(user_id=person, language="nl", suggestions=(), delivery_key="k")
    prepared = prepare_replies(store.engine, [request], now=T0, settings=SECRET)
    alone = suggestions_reply(
        store.engine,
        user_id=person,
        language="nl",
        now=T0,
        suggestions=[],
        settings=SECRET,
        delivery_key="k",
    )
    assert prepared.replies[person] == alone
    assert alone.kind == "suggestions.empty"
    with store.engine.begin() as connection:
        assert prepared.record(connection, [person]) == 0
    assert count(store.engine, Event) == 0


def test_many_events_are_recorded_once_each_without_opted_out_identity(store: Store) -> None:
    tracked = add_user(store, "U1", team="Sales")
    quiet = add_user(store, "U2", team="Ops", tracking=False)
    item = add_item(store.engine)
    log = EventLog(store.engine, clock=lambda: T0)
    assert log.record_event("marked_shared", key="seen-before", user_id=tracked, item_id=item)
    batch = [
        NewEvent(kind="suggested", key="a", user_id=tracked, item_id=item),
        NewEvent(kind="suggested", key="a", user_id=tracked, item_id=item),  # twice in one go
        NewEvent(kind="suggested", key="b", user_id=quiet, item_id=item, reason="x" * 600),
        NewEvent(kind="suggested", key="c", user_id=424242),  # nobody by that id
        NewEvent(kind="marked_shared", key="seen-before", user_id=tracked, item_id=item),
    ]
    assert log.record_events(batch) == 3  # a, b and c
    assert log.record_events(batch) == 0
    rows = {e.idempotency_key: e for e in events(store.engine)}
    assert (rows["a"].user_id, rows["a"].team, rows["a"].occurred_at) == (tracked, "Sales", T0)
    assert (rows["b"].user_id, rows["b"].team) == (None, "Ops")
    assert rows["b"].reason == "x" * 500
    assert (rows["c"].user_id, rows["c"].team) == (None, None)
    assert len(rows) == 4
    with pytest.raises(ValueError):
        log.record_events([NewEvent(kind="liked", key="d", user_id=None)])
    with pytest.raises(ValueError):
        log.record_events([NewEvent(kind="suggested", key="", user_id=None)])
