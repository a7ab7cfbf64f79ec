"""A compose pass for many people writes what composing them one by one would, once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from digests_fixtures import add_item, add_person, outbox_rows
from sqlalchemy import Engine, select, text
from sqlmodel import col
from suggestions_fixtures import T0, varied_world

from bot.digests import DigestStore, NothingNewMemo, compose_due_digests, outbox
from bot.digests.candidates import due_candidates
from bot.digests.chunks import compose_together
from bot.digests.compose import CHUNK
from bot.i18n import t
from bot.messages import Reply, Text
from bot.serialize import reply_to_json
from bot.settings import Settings
from bot.storage import Store
from bot.storage.tables import Event, OutboxMessage, Share, User
from bot.suggestions import load_shelf, offer_reply, suggest

SETTINGS = Settings(secret="digest-secret")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store.engine
    store.close()


def snapshot(engine: Engine) -> dict[str, Any]:
    """Everything a compose pass writes."""
    with engine.connect() as connection:
        return {
            "outbox": connection.execute(
                select(col(OutboxMessage.key), col(OutboxMessage.payload)).order_by(
                    col(OutboxMessage.key)
                )
            ).all(),
            "events": connection.execute(
                select(col(Event.idempotency_key), col(Event.user_id), col(Event.item_id)).order_by(
                    col(Event.idempotency_key)
                )
            ).all(),
            "shares": connection.execute(
                select(col(Share.token), col(Share.user_id), col(Share.item_id)).order_by(
                    col(Share.token)
                )
            ).all(),
            "last_digest_at": connection.execute(
                select(col(User.id), col(User.last_digest_at)).order_by(col(User.id))
            ).all(),
        }


def test_a_pass_writes_what_composing_one_by_one_would(engine: Engine) -> None:
    varied_world(engine, people=1300, items=40)
    _, due = due_candidates(DigestStore(engine), now=T0, settings=SETTINGS)
    assert len(due) > CHUNK  # more than one chunk
    report = compose_due_digests(DigestStore(engine), now=T0, settings=SETTINGS)
    assert report.errors == 0 and report.written > 300
    assert report.written + report.nothing_new == len(due)
    payloads = {row.key: row.payload for row in outbox_rows(engine)}
    assert len(payloads) == report.written
    before = snapshot(engine)
    with_digest = [c for c in due if c.key in payloads]
    without = [c for c in due if c.key not in payloads]
    for candidate in with_digest[:: len(with_digest) // 25] + without[:: len(without) // 10]:
        # What the single-person path makes of the same person, read before the pass.
        found = suggest(
            engine, user_id=candidate.user_id, now=T0, new_since=candidate.last_digest_at
        )
        if candidate in without:
            assert found == []
            continue
        language = candidate.language or "en"
        reply = offer_reply(
            engine,
            user_id=candidate.user_id,
            language=language,
            now=T0,
            suggestions=found,
            settings=SETTINGS,
            intro=t(language, f"digests.intro.{candidate.frequency}", count=len(found)),
        )
        footer = Text(text=t(language, f"digests.footer.{candidate.frequency}"), style="note")
        digest = Reply(parts=(*reply.parts, footer), language=language, kind="digest")
        assert payloads[candidate.key] == reply_to_json(digest)
    # The same share links: the single path found every one already made. Neither path
    # records a suggestion: that is for delivery.
    assert snapshot(engine) == before


def test_a_second_pass_writes_nothing(engine: Engine) -> None:
    varied_world(engine, people=80, items=20)
    memo = NothingNewMemo()
    first = compose_due_digests(DigestStore(engine), now=T0, settings=SETTINGS, memo=memo)
    assert first.written > 10
    after_first = snapshot(engine)
    assert len(after_first["shares"]) > len(after_first["outbox"]) > 10
    for moment, with_memo in ((T0, memo), (T0, None), (T0 + timedelta(minutes=1), None)):
        again = compose_due_digests(
            DigestStore(engine), now=moment, settings=SETTINGS, memo=with_memo
        )
        assert again.written == 0 and again.errors == 0
        assert again.already_written == first.written
        assert snapshot(engine) == after_first


def test_a_digest_another_process_wrote_first_brings_nothing_along(engine: Engine) -> None:
    ann = add_person(engine, "ann")
    bob = add_person(engine, "bob")
    add_item(engine, "Open day", approved_at=T0 - timedelta(days=1))
    _, due = due_candidates(DigestStore(engine), now=T0, settings=SETTINGS)
    theirs = next(c for c in due if c.user_id == ann)
    # The other process was a moment faster for ann.
    DigestStore(engine).insert_messages(
        [outbox.NewMessage(key=theirs.key, user_id=ann, platform="console", payload="{}")],
        now=T0,
    )
    outcome = compose_together(
        DigestStore(engine),
        due,
        now=T0,
        settings=SETTINGS,
        default_language="en",
        limit=3,
        shelf=load_shelf(engine, now=T0),
    )
    assert outcome.written == 1
    written = snapshot(engine)
    assert written["events"] == []  # suggestions are recorded on delivery
    assert {user_id for _, user_id, _ in written["shares"]} == {bob}
    assert dict(written["last_digest_at"])[ann] is None


def test_a_chunk_that_cannot_be_written_together_is_composed_one_by_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    engine = store.engine
    try:
        people = [add_person(engine, name) for name in ("ann", "bob", "cas")]
        add_item(engine, "Open day", approved_at=T0 - timedelta(days=1))
        # The database refuses share links for bob (as a broken row or constraint would).
        with engine.begin() as connection:
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_bob BEFORE INSERT ON share "
                    f"WHEN NEW.user_id = {people[1]} BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        report = compose_due_digests(DigestStore(engine), now=T0, settings=SETTINGS)
        assert (report.written, report.errors) == (2, 1)
        assert sorted(r.user_id for r in outbox_rows(engine)) == [people[0], people[2]]
        assert "composing them one by one" in caplog.text
    finally:
        store.close()
