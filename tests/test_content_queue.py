"""The content queue: adding, validating, approving, retiring, and when items show."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from content_fixtures import QueueSetup, queue_on, sqlite_url

import bot.content
from bot.content import (
    ContentError,
    ContentInput,
    ContentState,
    ContentStatus,
    input_from_values,
    parse_field_moment,
)
from bot.i18n import CATALOGUES

AMSTERDAM = "Europe/Amsterdam"


@pytest.fixture
def sqlite_setup(tmp_path: Path) -> Iterator[QueueSetup]:
    with queue_on(sqlite_url(tmp_path), tmp_path) as setup:
        yield setup


@pytest.fixture
def any_setup(database_url: str, tmp_path: Path) -> Iterator[QueueSetup]:
    """SQLite and PostgreSQL: for tests where storage matters."""
    with queue_on(database_url, tmp_path) as setup:
        yield setup


def item(url: str = "https://example.com/news/launch", **fields: object) -> ContentInput:
    values: dict[str, object] = {"title": "We launched", **fields}
    return ContentInput(url=url, **values)  # type: ignore[arg-type]


def test_add_stores_a_draft_with_every_field(any_setup: QueueSetup) -> None:
    queue = any_setup.queue
    saved = queue.add(
        item(
            summary="Our new product.",
            captions={"nl": ("Trots op ons team!", "Kijk eens wat we maakten."), "en": ("Proud!",)},
            topics=("launch", "Product"),
            teams=("Sales",),
            locations=("Utrecht",),
            languages=("nl",),
            priority=3,
        ),
        by="anna",
    )
    stored = queue.get(saved.item.id)
    assert stored == saved.item
    assert stored is not None
    assert stored.status is ContentStatus.DRAFT
    assert stored.captions == {
        "nl": ("Trots op ons team!", "Kijk eens wat we maakten."),
        "en": ("Proud!",),
    }
    assert stored.topics == ("launch", "product")
    assert (stored.teams, stored.locations, stored.languages) == (("Sales",), ("Utrecht",), ("nl",))
    assert stored.priority == 3
    assert stored.added_by == "anna"
    assert stored.created_at == any_setup.clock.now
    assert stored.check_verdict == "ok"
    assert stored.check_version == any_setup.guidelines.version


def test_approve_and_retire_record_who_and_when(any_setup: QueueSetup) -> None:
    queue, clock = any_setup.queue, any_setup.clock
    added = queue.add(item(), by="anna").item
    clock.advance(hours=1)
    approved = queue.approve(added.id, by="bert").item
    assert approved.status is ContentStatus.APPROVED
    assert approved.approved_by == "bert"
    assert approved.approved_at == clock.now
    assert approved.state(clock.now) is ContentState.LIVE
    assert [i.id for i in queue.live()] == [added.id]

    retired = queue.retire(added.id, by="bert")
    assert retired.status is ContentStatus.RETIRED
    assert queue.live() == ()
    # The link is free again once the old item is retired.
    assert queue.add(item(), by="anna").item.id != added.id


def test_a_blocked_caption_is_queued_but_cannot_be_approved(any_setup: QueueSetup) -> None:
    queue = any_setup.queue
    saved = queue.add(item(captions={"nl": ("Wij bouwden dit voor Acme Bank.",)}), by="anna")
    assert saved.item.check_verdict == "block"
    assert [(f.rule_id, f.match, f.severity) for f in saved.findings] == [
        ("client-names", "Acme Bank", "block")
    ]
    with pytest.raises(ContentError) as raised:
        queue.approve(saved.item.id, by="bert")
    (message,) = raised.value.lines("en")
    assert "Client names" in message or "Namen van klanten" in message
    assert '"Acme Bank"' in message
    assert "nl 1" in message
    still = queue.get(saved.item.id)
    assert still is not None and still.status is ContentStatus.DRAFT
    assert queue.live() == ()


def test_a_caption_with_a_warning_is_approved_and_the_warning_kept(any_setup: QueueSetup) -> None:
    queue = any_setup.queue
    saved = queue.add(item(captions={"nl": ("Testbedrijf zoekt collega's!",)}), by="anna")
    assert saved.item.check_verdict == "warn"
    approved = queue.approve(saved.item.id, by="bert")
    assert approved.item.status is ContentStatus.APPROVED
    assert [f.severity for f in approved.findings] == ["warn"]


def test_approval_checks_again_with_the_rules_active_that_day(sqlite_setup: QueueSetup) -> None:
    queue, clock = sqlite_setup.queue, sqlite_setup.clock
    # The sample quiet period (2026-12-15 .. 2027-01-28) blocks "kwartaalcijfers".
    clock.now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    saved = queue.add(item(captions={"nl": ("De kwartaalcijfers komen eraan.",)}), by="anna")
    assert saved.item.check_verdict == "ok"
    clock.now = datetime(2026, 12, 16, 9, tzinfo=UTC)
    with pytest.raises(ContentError) as raised:
        queue.approve(saved.item.id, by="bert")
    assert raised.value.keys == ("caption_blocked",)
    assert queue.get(saved.item.id).check_verdict == "block"  # type: ignore[union-attr]


def test_every_problem_is_reported_at_once(sqlite_setup: QueueSetup) -> None:
    bad = ContentInput(
        url="ftp://example.com/file",
        title="  ",
        captions={"fr": ("Bonjour",), "nl": ("x" * 3001,)},
        topics=("Green Energy!",),
        languages=("de",),
        not_before=datetime(2026, 3, 2, tzinfo=UTC),
        expires=datetime(2026, 3, 1, tzinfo=UTC),
        priority=11,
    )
    with pytest.raises(ContentError) as raised:
        sqlite_setup.queue.add(bad, by="anna")
    assert sorted(raised.value.keys) == sorted(
        [
            "bad_url",
            "title_missing",
            "caption_language",
            "caption_too_long",
            "bad_topic",
            "audience_language",
            "window_reversed",
            "bad_priority",
        ]
    )
    text = "\n".join(raised.value.lines("en"))
    assert "'green-energy'" in text
    assert "nl, en" in text
    assert sqlite_setup.queue.list() == ()


@pytest.mark.parametrize(
    "url",
    [
        "example.com/page",
        "https://",
        "https:///path",
        "mailto:comms@example.com",
        "https://exa mple.com",
    ],
)
def test_a_link_needs_http_and_a_host(sqlite_setup: QueueSetup, url: str) -> None:
    with pytest.raises(ContentError) as raised:
        sqlite_setup.queue.add(item(url=url), by="anna")
    assert raised.value.keys == ("bad_url",)


def test_limits_on_title_and_captions(sqlite_setup: QueueSetup) -> None:
    queue = sqlite_setup.queue
    ok = queue.add(item(title="t" * 500, captions={"en": ("c" * 3000,)}), by="anna")
    assert len(ok.item.title) == 500
    with pytest.raises(ContentError) as raised:
        queue.add(item(url="https://example.com/2", title="t" * 501), by="anna")
    assert raised.value.keys == ("title_too_long",)


def test_the_same_link_is_not_queued_twice(any_setup: QueueSetup) -> None:
    queue = any_setup.queue
    first = queue.add(item(), by="anna").item
    with pytest.raises(ContentError) as raised:
        queue.add(item(title="Again"), by="bert")
    assert raised.value.keys == ("duplicate_url",)
    assert f"#{first.id}" in raised.value.lines("en")[0]


def test_an_expired_end_date_is_refused_when_queueing(sqlite_setup: QueueSetup) -> None:
    past = sqlite_setup.clock.now - timedelta(minutes=1)
    with pytest.raises(ContentError) as raised:
        sqlite_setup.queue.add(item(expires=past), by="anna")
    assert raised.value.keys == ("expires_past",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A date alone is midnight in Amsterdam: UTC+1 in winter, UTC+2 in summer.
        ("2026-03-01", datetime(2026, 2, 28, 23, 0, tzinfo=UTC)),
        ("2026-07-01", datetime(2026, 6, 30, 22, 0, tzinfo=UTC)),
        ("2026-03-01T09:30", datetime(2026, 3, 1, 8, 30, tzinfo=UTC)),
        ("2026-03-01 09:30", datetime(2026, 3, 1, 8, 30, tzinfo=UTC)),
        ("2026-03-01T09:30:00+00:00", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        ("2026-03-01T09:30:00Z", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
        ("2026-03-01T09:30:00-05:00", datetime(2026, 3, 1, 14, 30, tzinfo=UTC)),
    ],
)
def test_dates_and_times_are_read_in_the_configured_time_zone(
    text: str, expected: datetime
) -> None:
    from zoneinfo import ZoneInfo

    assert parse_field_moment(text, ZoneInfo(AMSTERDAM)) == expected


def test_embargo_and_expiry_are_stored_exactly_and_enforced_by_the_clock(
    any_setup: QueueSetup,
) -> None:
    queue, clock = any_setup.queue, any_setup.clock
    content, problems = input_from_values(
        {
            "url": "https://example.com/q1-results",
            "title": "Q1 results",
            "not_before": "2026-04-24T07:00",
            "expires": "2026-05-01",
        },
        timezone=queue.timezone,
    )
    assert problems == [] and content is not None
    saved = queue.add(content, by="anna").item
    stored = queue.get(saved.id)
    assert stored is not None
    assert stored.not_before == datetime(2026, 4, 24, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert stored.expires == datetime(2026, 4, 30, 22, 0, tzinfo=UTC)  # midnight CEST
    assert stored.not_before.tzinfo is not None

    queue.approve(saved.id, by="bert")
    clock.now = datetime(2026, 4, 24, 4, 59, tzinfo=UTC)
    assert queue.get(saved.id).state(clock.now) is ContentState.SCHEDULED  # type: ignore[union-attr]
    assert queue.live() == ()
    assert [i.id for i in queue.list(status="scheduled")] == [saved.id]

    clock.now = datetime(2026, 4, 24, 5, 0, tzinfo=UTC)
    assert [i.id for i in queue.live()] == [saved.id]
    assert [i.id for i in queue.list(status="live")] == [saved.id]

    clock.now = datetime(2026, 4, 30, 22, 0, tzinfo=UTC)
    assert queue.live() == ()
    assert [i.id for i in queue.list(status="expired")] == [saved.id]
    assert [i.id for i in queue.list(status="approved")] == [saved.id]
    assert queue.list(status="draft") == ()


def test_an_expired_draft_cannot_be_approved(sqlite_setup: QueueSetup) -> None:
    queue, clock = sqlite_setup.queue, sqlite_setup.clock
    saved = queue.add(item(expires=clock.now + timedelta(hours=1)), by="anna").item
    clock.advance(hours=2)
    with pytest.raises(ContentError) as raised:
        queue.approve(saved.id, by="bert")
    assert raised.value.keys == ("approve_expired",)


def test_retired_items_cannot_be_approved_and_unknown_ids_say_so(sqlite_setup: QueueSetup) -> None:
    queue = sqlite_setup.queue
    saved = queue.add(item(), by="anna").item
    queue.retire(saved.id, by="anna")
    with pytest.raises(ContentError) as raised:
        queue.approve(saved.id, by="bert")
    assert raised.value.keys == ("approve_retired",)
    with pytest.raises(ContentError) as missing:
        queue.retire(999, by="bert")
    assert missing.value.keys == ("not_found",)
    assert queue.get(999) is None


def test_editing_an_approved_item_keeps_it_approved_but_not_with_a_blocked_caption(
    sqlite_setup: QueueSetup,
) -> None:
    queue = sqlite_setup.queue
    saved = queue.add(item(captions={"en": ("Proud of the team",)}), by="anna").item
    queue.approve(saved.id, by="bert")
    changed = queue.update(saved.id, item(title="Launched!", priority=5), by="anna").item
    assert (changed.title, changed.priority, changed.status) == (
        "Launched!",
        5,
        ContentStatus.APPROVED,
    )
    with pytest.raises(ContentError) as raised:
        queue.update(saved.id, item(captions={"en": ("Built for Acme Bank",)}), by="anna")
    assert raised.value.keys == ("caption_blocked",)
    assert queue.get(saved.id).captions == {}  # type: ignore[union-attr]


def test_roles_come_from_the_role_table(sqlite_setup: QueueSetup) -> None:
    from sqlmodel import Session

    from bot.storage import Role

    with Session(sqlite_setup.store.engine) as session:
        session.add(
            Role(
                platform="slack",
                platform_user_id="U1",
                role="comms",
                granted_at=sqlite_setup.clock.now,
            )
        )
        session.commit()
    assert sqlite_setup.queue.roles_of("slack", "U1") == frozenset({"comms"})
    assert sqlite_setup.queue.roles_of("slack", "U2") == frozenset()


def test_the_package_exports_what_it_documents() -> None:
    assert sorted(bot.content.__all__) == sorted(
        name for name in bot.content.__all__ if hasattr(bot.content, name)
    )
    assert {"ContentQueue", "Content", "ContentFeature", "Feeds", "live_condition"} <= set(
        bot.content.__all__
    )


def test_every_content_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    import string

    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    en = {k: v for k, v in CATALOGUES["en"].items() if k.startswith("content.")}
    nl = {k: v for k, v in CATALOGUES["nl"].items() if k.startswith("content.")}
    assert en.keys() == nl.keys()
    assert {k: fields(v) for k, v in en.items()} == {k: fields(v) for k, v in nl.items()}
