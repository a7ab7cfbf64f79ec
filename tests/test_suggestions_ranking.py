"""Which content a person is offered, and in which order, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from suggestions_fixtures import T0, add_item, add_user

from bot.storage import Store
from bot.suggestions import suggest
from bot.tracking import EventLog


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def ids(store: Store, user_id: int, **kwargs: object) -> list[int]:
    now = kwargs.pop("now", T0)
    return [s.item_id for s in suggest(store.engine, user_id=user_id, now=now, **kwargs)]  # type: ignore[arg-type]


def test_an_embargoed_item_appears_exactly_when_its_embargo_lifts(store: Store) -> None:
    person = add_user(store)
    lift = T0 + timedelta(hours=3)
    embargoed = add_item(store.engine, "Quarterly results", not_before=lift, priority=5)
    assert embargoed not in ids(store, person)
    assert embargoed not in ids(store, person, now=lift - timedelta(seconds=1))
    assert ids(store, person, now=lift) == [embargoed]


def test_expired_retired_and_draft_items_are_never_offered(store: Store) -> None:
    person = add_user(store)
    live = add_item(store.engine, "Live one")
    add_item(store.engine, "Expired", expires=T0)
    add_item(store.engine, "Retired", status="retired")
    add_item(store.engine, "Draft", status="draft")
    approved = add_item(
        store.engine, "Approved", status="approved", expires=T0 + timedelta(minutes=1)
    )
    assert sorted(ids(store, person, limit=10)) == sorted([live, approved])
    assert ids(store, person, limit=10, now=T0 + timedelta(minutes=1)) == [live]


def test_audience_by_team_location_and_language(store: Store) -> None:
    sales_ams = add_user(store, "U1", team="Sales", location="Amsterdam", language="nl")
    ops_ldn = add_user(store, "U2", team="Ops", location="London", language="en")
    nobody = add_user(store, "U3", language="en")
    everyone = add_item(store.engine, "For everyone")
    for_sales = add_item(store.engine, "For sales", audience_teams="sales, marketing")
    for_london = add_item(store.engine, "For London", audience_locations="London")
    for_dutch = add_item(store.engine, "Voor Nederlanders", audience_languages="nl")
    assert sorted(ids(store, sales_ams, limit=10)) == sorted([everyone, for_sales, for_dutch])
    assert sorted(ids(store, ops_ldn, limit=10)) == sorted([everyone, for_london])
    assert ids(store, nobody, limit=10) == [everyone]


def test_items_shared_or_dismissed_by_the_person_are_left_out(store: Store) -> None:
    person = add_user(store, "U1")
    colleague = add_user(store, "U2")
    shared = add_item(store.engine, "Shared")
    dismissed = add_item(store.engine, "Dismissed")
    fresh = add_item(store.engine, "Fresh")
    log = EventLog(store.engine, clock=lambda: T0)
    log.record_event("marked_shared", key="a", user_id=person, item_id=shared)
    log.record_event("dismissed", key="b", user_id=person, item_id=dismissed)
    assert ids(store, person, limit=10) == [fresh]
    assert sorted(ids(store, colleague, limit=10)) == sorted([shared, dismissed, fresh])


def test_followed_topics_outrank_priority_and_priority_outranks_freshness(store: Store) -> None:
    person = add_user(store, topics="Energie,AI")
    on_topic = add_item(store.engine, "On topic", topics="energie")
    urgent = add_item(store.engine, "Urgent", priority=2, approved_at=T0 - timedelta(days=7))
    plain_new = add_item(store.engine, "New", approved_at=T0)
    assert ids(store, person, limit=3) == [on_topic, urgent, plain_new]
    suggestions = suggest(store.engine, user_id=person, now=T0)
    assert suggestions[0].topics == ("energie",)
    assert suggestions[0].score > suggestions[1].score > suggestions[2].score


def test_not_my_topic_lowers_that_topic_for_this_person_only(store: Store) -> None:
    person = add_user(store, "U1")
    colleague = add_user(store, "U2")
    first_ai = add_item(store.engine, "AI one", topics="ai", priority=1)
    second_ai = add_item(store.engine, "AI two", topics="AI", priority=1)
    other = add_item(store.engine, "Plain")
    log = EventLog(store.engine, clock=lambda: T0)
    log.record_event("dismissed", key="x", user_id=person, item_id=first_ai)
    assert ids(store, person) == [second_ai, other]  # no reason given: only that item goes
    assert log.add_reason("dismissed", user_id=person, item_id=first_ai, reason="topic")
    assert ids(store, person) == [other, second_ai]
    assert ids(store, colleague)[-1] == other


def test_colleagues_get_different_caption_variants_and_orders(store: Store) -> None:
    people = [add_user(store, f"U{n}") for n in range(1, 9)]
    captions = json.dumps({"en": ["Variant A", "Variant B", "Variant C"]})
    item = add_item(store.engine, "Launch", captions=captions)
    seen = [suggest(store.engine, user_id=p, now=T0)[0].caption for p in people]
    assert all(a != b for a, b in itertools.pairwise(seen))  # neighbours differ
    assert set(seen) == {"Variant A", "Variant B", "Variant C"}
    # The same person always gets the same variant: no randomness.
    assert suggest(store.engine, user_id=people[0], now=T0)[0].caption == seen[0]
    assert item

    equal = [add_item(store.engine, f"Equal {n}") for n in range(4)]
    orders = {tuple(i for i in ids(store, p, limit=10) if i in equal) for p in people}
    assert len(orders) > 1
    assert ids(store, people[0], limit=10) == ids(store, people[0], limit=10)


def test_captions_follow_the_persons_language(store: Store) -> None:
    dutch = add_user(store, "U1", language="nl")
    german = add_user(store, "U2", language="de")
    add_item(store.engine, "Nieuws")
    assert suggest(store.engine, user_id=dutch, now=T0)[0].caption == "Trots hierop: Nieuws"
    assert suggest(store.engine, user_id=german, now=T0)[0].caption == "Proud of this: Nieuws"


def test_an_item_without_captions_offers_its_title(store: Store) -> None:
    person = add_user(store)
    add_item(store.engine, "Bare", captions="not json")
    assert suggest(store.engine, user_id=person, now=T0)[0].caption == "Bare"


def test_new_since_counts_approval_and_lifted_embargo(store: Store) -> None:
    person = add_user(store)
    last_digest = T0 - timedelta(hours=12)
    add_item(store.engine, "Old", approved_at=T0 - timedelta(days=2))
    approved_since = add_item(store.engine, "Approved since", approved_at=T0 - timedelta(hours=1))
    embargo_lifted = add_item(
        store.engine,
        "Embargo lifted",
        approved_at=T0 - timedelta(days=3),
        not_before=T0 - timedelta(hours=2),
    )
    found = ids(store, person, limit=10, new_since=last_digest)
    assert sorted(found) == sorted([approved_since, embargo_lifted])
    assert ids(store, person, new_since=T0) == []


def test_an_unknown_person_gets_nothing(store: Store) -> None:
    add_item(store.engine)
    assert suggest(store.engine, user_id=999, now=T0) == []


def test_events_of_others_and_anonymous_events_do_not_count(store: Store) -> None:
    person = add_user(store)
    item = add_item(store.engine)
    EventLog.from_store(store).record_event(
        "dismissed", key="anon", user_id=None, item_id=item, occurred_at=T0
    )
    assert ids(store, person) == [item]


def test_freshness_counts_from_approval_or_the_lifted_embargo(store: Store) -> None:
    person = add_user(store)
    older = add_item(store.engine, "Approved ten days ago", approved_at=T0 - timedelta(days=10))
    lifted = add_item(
        store.engine,
        "Embargo just lifted",
        approved_at=T0 - timedelta(days=30),
        not_before=T0 - timedelta(hours=1),
    )
    stale = add_item(store.engine, "Approved long ago", approved_at=T0 - timedelta(days=30))
    assert ids(store, person) == [lifted, older, stale]
    scores = [s.score for s in suggest(store.engine, user_id=person, now=T0)]
    assert 2.0 < scores[0] < 2.5  # just published: nearly full freshness, plus tie-breaker
