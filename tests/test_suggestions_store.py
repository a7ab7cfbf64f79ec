"""The suggestions' store on its own: share links, the people's responses, and ranking input."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from suggestions_fixtures import T0, add_item, add_user

from bot.storage import Store
from bot.suggestions import SuggestionStore
from bot.suggestions.ranking import done_and_penalties
from bot.suggestions.store import suggestion_store
from bot.suggestions.suggestion import NETWORKS, ClickTarget, Opened


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def test_a_store_or_an_engine_gives_a_store(store: Store) -> None:
    made = SuggestionStore.from_store(store)
    assert suggestion_store(made) is made
    assert isinstance(suggestion_store(store.engine), SuggestionStore)


def test_share_tokens_are_made_once_and_found_again(store: Store) -> None:
    suggestions = SuggestionStore.from_store(store)
    person = add_user(store)
    opted_out = add_user(store, "U2", tracking=False)
    item = add_item(store.engine)
    tokens = suggestions.share_tokens(user_id=person, item_ids=[item], now=T0)
    assert set(tokens) == {(item, network) for network in NETWORKS}
    assert suggestions.share_tokens(user_id=person, item_ids=[item], now=T0) == tokens
    tracked, existing = suggestions.tokens_for_many([person, opted_out], [item])
    assert tracked == {person}
    assert existing == {(person, item, n): token for (_, n), token in tokens.items()}

    token = tokens[(item, "x")]
    target = suggestions.click_target(token)
    assert isinstance(target, ClickTarget)
    assert (target.user_id, target.item_id, target.network) == (person, item, "x")
    assert suggestions.opened_share(token) == Opened(
        share_id=target.share_id, item_id=item, network="x"
    )
    assert suggestions.opened_share("unknown-token") is None
    assert suggestions.click_target("unknown-token") is None


def test_ranking_input_holds_the_person_their_feedback_and_the_eligible_items(
    store: Store,
) -> None:
    suggestions = SuggestionStore.from_store(store)
    person = add_user(store, team="Sales", topics="wind")
    live = add_item(store.engine, "Live", topics="wind")
    dismissed = add_item(store.engine, "Dismissed", topics="ai")
    add_item(store.engine, "Embargoed", not_before=T0 + timedelta(days=1))
    suggestions.events.record_event(
        "dismissed", key="d1", user_id=person, item_id=dismissed, occurred_at=T0
    )
    suggestions.events.add_reason("dismissed", user_id=person, item_id=dismissed, reason="topic")
    found = suggestions.ranking_input(person, now=T0, new_since=None)
    assert found is not None
    assert (found.person.id, found.person.team, found.person.topics) == (
        person,
        "Sales",
        frozenset({"wind"}),
    )
    assert found.feedback == ((dismissed, "topic", "ai"),)
    assert sorted(row[0] for row in found.rows) == [live, dismissed]
    assert suggestions.ranking_input(999, now=T0, new_since=None) is None
    assert suggestions.has_event(user_id=person, kind="dismissed", item_id=dismissed)
    assert not suggestions.has_event(user_id=person, kind="dismissed", item_id=live)


def test_feedback_makes_items_done_and_topics_weigh_less() -> None:
    done, penalties = done_and_penalties(
        [(1, "topic", "ai,wind"), (2, None, "ai"), (None, "x", "")]
    )
    assert done == {1, 2}
    assert penalties == {"ai": 2.0, "wind": 2.0}
