"""The content store on its own: what it hands back after each kind of change."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from content_fixtures import queue_on

from bot.content import ContentError, ContentInput, ContentStatus, ContentStore
from bot.content.records import NewItem

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str, tmp_path: Path) -> Iterator[ContentStore]:
    with queue_on(database_url, tmp_path) as setup:
        yield setup.queue.store


def new_item(url: str = "https://example.com/a", **values: object) -> NewItem:
    fields: dict[str, object] = {
        "content": ContentInput(url=url, title="A", topics=("wind",)),
        "created_at": T0,
        "added_by": "anna",
        "source": "manual",
        "check_verdict": "ok",
        "check_version": "v1",
    }
    fields.update(values)
    return NewItem(**fields)  # type: ignore[arg-type]


def test_an_added_item_comes_back_as_a_draft_with_its_fields(store: ContentStore) -> None:
    added = store.add(new_item())
    assert added.status is ContentStatus.DRAFT
    assert (added.url, added.topics, added.added_by) == ("https://example.com/a", ("wind",), "anna")
    assert store.get(added.id) == added
    assert store.existing(["https://example.com/a", "https://example.com/b"]) == {
        "https://example.com/a": added.id
    }


def test_a_feed_entry_is_stored_once(store: ContentStore) -> None:
    feed = store.add_feed("https://example.com/feed", topics=(), added_by="anna", created_at=T0)
    assert feed is not None
    entry = new_item(source="feed", feed_id=feed.id, guid="entry-1")
    assert store.add_once(entry) is not None
    assert (
        store.add_once(new_item("https://example.com/b", feed_id=feed.id, guid="entry-1")) is None
    )
    assert store.feed_guids(feed.id) == {"entry-1"}


def test_retiring_says_whether_anything_changed(store: ContentStore) -> None:
    added = store.add(new_item())
    retired, changed = store.retire(added.id)
    assert (retired.status, changed) == (ContentStatus.RETIRED, True)
    assert store.retire(added.id)[1] is False
    with pytest.raises(ContentError) as raised:
        store.retire(added.id + 100)
    assert raised.value.keys == ("not_found",)


def test_recording_a_check_approves_only_when_asked(store: ContentStore) -> None:
    added = store.add(new_item())
    checked = store.record_check(added.id, check_verdict="warn", check_version="v2")
    assert (checked.status, checked.check_verdict, checked.check_version) == (
        ContentStatus.DRAFT,
        "warn",
        "v2",
    )
    approved = store.record_check(
        added.id, check_verdict="ok", check_version="v2", approved_by="bob", approved_at=T0
    )
    assert (approved.status, approved.approved_by, approved.approved_at) == (
        ContentStatus.APPROVED,
        "bob",
        T0,
    )


def test_many_items_are_stored_in_order_and_approved_together(store: ContentStore) -> None:
    items = [new_item(f"https://example.com/{n}") for n in range(3)]
    stored = store.add_many(items, approved_by="bob", approved_at=T0)
    assert [c.url for c in stored] == [i.content.url for i in items]
    assert {c.status for c in stored} == {ContentStatus.APPROVED}
    assert store.live(T0 + timedelta(hours=1)) != ()


def test_a_feed_keeps_its_title_and_records_how_fetching_went(store: ContentStore) -> None:
    feed = store.add_feed("https://example.com/feed", topics=("news",), added_by="a", created_at=T0)
    assert feed is not None
    assert store.feed_by_url("https://example.com/feed") == feed
    assert (
        store.add_feed("https://example.com/feed", topics=(), added_by="b", created_at=T0) is None
    )
    fetched = store.feed_fetched(feed.id, etag='"1"', modified=None, title="News", at=T0)
    assert (fetched.title, fetched.last_error, fetched.last_fetched_at) == ("News", None, T0)
    again = store.feed_fetched(feed.id, etag='"2"', modified=None, title=None, at=T0)
    assert again.title == "News"
    source = store.feed_source(feed.id)
    assert source is not None and source.etag == '"2"'
    failed = store.feed_failed(feed.id, error="timed out", at=T0 + timedelta(hours=1))
    assert (failed.title, failed.last_error) == ("News", "timed out")
    assert store.feeds() == (failed,)
