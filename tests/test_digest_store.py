"""``DigestStore``: who is opted in, read as typed values, and where to reach them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from digests_fixtures import add_person
from sqlalchemy import Engine

from bot.digests import DigestPlan, DigestStore
from bot.digests.outbox import NewMessage
from bot.messages import Platform
from bot.storage import open_database


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


def test_subscribers_are_the_people_opted_in_with_their_plan(engine: Engine) -> None:
    ann = add_person(engine, "ann", digest="weekly", digest_time="16:00", weekday=4, cap=3)
    add_person(engine, "bob", digest="off")
    cas = add_person(engine, "cas", platform="slack", language=None)

    everyone = DigestStore(engine).subscribers()
    on_slack = DigestStore(engine).subscribers(platforms={"slack"})

    assert [s.user_id for s in everyone] == [ann, cas]
    assert everyone[0].plan == DigestPlan(
        frequency="weekly",
        digest_time="16:00",
        weekday=4,
        quiet_start="18:00",
        quiet_end="08:00",
        timezone="Europe/Amsterdam",
        cap=3,
    )
    assert everyone[0].language == "en" and everyone[0].last_digest_at is None
    assert [(s.user_id, s.platform, s.language) for s in on_slack] == [(cas, "slack", None)]


def test_a_claimed_message_is_addressed_to_the_stored_conversation(engine: Engine) -> None:
    now = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    ann = add_person(engine, "ann")
    ghost = add_person(engine, "ghost", reachable=False)
    store = DigestStore(engine)
    messages = [
        NewMessage(key=f"digest:{u}", user_id=u, platform="console", payload="{}")
        for u in (ann, ghost)
    ]
    assert store.insert_messages(messages, now=now) == {f"digest:{ann}", f"digest:{ghost}"}
    assert store.insert_messages(messages, now=now) == set()  # written once

    claims = store.claim_due(now=now, lease=timedelta(minutes=10), platforms={"console"})
    where = store.addresses(claims)

    to_ann = where[claims[0].id]
    assert to_ann is not None and to_ann.platform is Platform.CONSOLE
    assert (to_ann.user_id, to_ann.conversation_id) == ("ann", "dm-ann")
    assert where[claims[1].id] is None
