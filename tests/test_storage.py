"""The storage layer on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, Table, text
from sqlmodel import Session, SQLModel, select

import bot.storage
from bot.storage import (
    QUESTION_TEXT_MAX,
    DraftCheck,
    Question,
    Store,
    User,
    database_url_from_env,
    normalize_database_url,
    normalize_question,
    open_database,
)
from bot.storage.database import MIGRATIONS_DIR, alembic_config

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def _question(store: Store, text: str, **overrides: object) -> int:
    fields: dict[str, object] = {
        "user_id": None,
        "text": text,
        "language": "en",
        "verdict": "unknown",
        "rule_id": None,
        "related": [],
        "guidelines_version": "v1",
        "answered": False,
        "asked_at": T0,
    }
    fields.update(overrides)
    return store.record_question(**fields)  # type: ignore[arg-type]


def _check(store: Store, **overrides: object) -> int:
    fields: dict[str, object] = {
        "user_id": None,
        "language": "nl",
        "verdict": "warn",
        "rule_ids": ["no-client-names", "embargo"],
        "finding_count": 2,
        "guidelines_version": "v1",
        "checked_at": T0,
    }
    fields.update(overrides)
    return store.record_check(**fields)  # type: ignore[arg-type]


# --- opening and migrating ---------------------------------------------------------


def test_open_is_idempotent_and_keeps_data(database_url: str) -> None:
    first = Store.open(database_url)
    user_id = first.ensure_user(platform="slack", platform_user_id="U1")
    first.close()

    second = Store.open(database_url)
    try:
        assert second.ensure_user(platform="slack", platform_user_id="U1") == user_id
        head = ScriptDirectory.from_config(alembic_config(second.engine)).get_current_head()
        with second.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
    finally:
        second.close()


def test_migrated_schema_matches_the_tables(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
            # The comparison does notice a table that has no migration.
            unmigrated = MetaData()
            for table in SQLModel.metadata.tables.values():
                table.to_metadata(unmigrated)
            Table("not_migrated", unmigrated, Column("id", Integer, primary_key=True))
            diffs = compare_metadata(context, unmigrated)
            assert [diff[0] for diff in diffs] == ["add_table"]
    finally:
        engine.dispose()


def test_migrations_ship_with_the_package() -> None:
    assert (MIGRATIONS_DIR / "env.py").is_file()
    assert "import sqlmodel" in (MIGRATIONS_DIR / "script.py.mako").read_text()
    assert list((MIGRATIONS_DIR / "versions").glob("0001_*.py"))


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'nested' / 'bot.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
    assert (tmp_path / "nested" / "bot.db").is_file()


def test_in_memory_sqlite_is_shared_between_threads() -> None:
    store = Store.open("sqlite://")
    try:
        ids: list[int] = []
        worker = threading.Thread(
            target=lambda: ids.append(store.ensure_user(platform="teams", platform_user_id="a"))
        )
        worker.start()
        worker.join()
        assert store.ensure_user(platform="teams", platform_user_id="a") == ids[0]
    finally:
        store.close()


# --- database URLs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/bot", "postgresql+psycopg://u:p@db:5432/bot"),
        ("postgresql://u@db/bot", "postgresql+psycopg://u@db/bot"),
        ("postgresql+psycopg://u@db/bot", "postgresql+psycopg://u@db/bot"),
        ("sqlite:///data/bot.db", "sqlite:///data/bot.db"),
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_database_url_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert database_url_from_env(tmp_path / "bot.db") == f"sqlite:///{tmp_path}/bot.db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/bot")
    assert database_url_from_env(tmp_path / "bot.db") == "postgresql+psycopg://u@db/bot"


# --- users -------------------------------------------------------------------------


def test_ensure_user_creates_once_and_updates_language(store: Store) -> None:
    user_id = store.ensure_user(platform="slack", platform_user_id="U1", language="nl")
    assert store.ensure_user(platform="slack", platform_user_id="U1") == user_id
    assert store.ensure_user(platform="slack", platform_user_id="U1", language="en") == user_id
    assert store.ensure_user(platform="teams", platform_user_id="U1") != user_id

    with Session(store.engine) as session:
        user = session.exec(select(User).where(User.id == user_id)).one()
    assert (user.platform, user.platform_user_id, user.language) == ("slack", "U1", "en")
    assert user.created_at == T0
    assert user.created_at.tzinfo is not None


def test_ensure_user_from_many_threads_creates_one_user(store: Store) -> None:
    threads = 8
    barrier = threading.Barrier(threads)
    ids: list[int] = []
    errors: list[BaseException] = []

    def ensure() -> None:
        try:
            barrier.wait()
            ids.append(store.ensure_user(platform="slack", platform_user_id="U-race"))
        except BaseException as error:
            errors.append(error)

    workers = [threading.Thread(target=ensure) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert errors == []
    assert len(ids) == threads and len(set(ids)) == 1
    with Session(store.engine) as session:
        assert len(session.exec(select(User)).all()) == 1


# --- questions ---------------------------------------------------------------------


def test_record_question_round_trip(store: Store) -> None:
    user_id = store.ensure_user(platform="slack", platform_user_id="U1")
    amsterdam = timezone(timedelta(hours=1))
    question_id = _question(
        store,
        "  May I post   about our NEW office? ",
        user_id=user_id,
        verdict="ask_first",
        rule_id="office-photos",
        related=["photos", "buildings"],
        answered=True,
        asked_at=T0.astimezone(amsterdam),
    )

    with Session(store.engine) as session:
        row = session.exec(select(Question).where(Question.id == question_id)).one()
    assert row.user_id == user_id
    assert row.text == "  May I post   about our NEW office? "
    assert row.normalized == "may i post about our new office?"
    assert (row.verdict, row.rule_id, row.related) == (
        "ask_first",
        "office-photos",
        "photos,buildings",
    )
    assert (row.language, row.guidelines_version, row.answered) == ("en", "v1", True)
    assert row.asked_at == T0 and row.asked_at.utcoffset() == timedelta(0)
    assert store.question_count() == 1


def test_long_questions_are_truncated(store: Store) -> None:
    question_id = _question(store, "x" * (QUESTION_TEXT_MAX + 500))
    with Session(store.engine) as session:
        row = session.exec(select(Question).where(Question.id == question_id)).one()
    assert len(row.text) == QUESTION_TEXT_MAX and row.text.endswith("…")
    assert len(row.normalized) == QUESTION_TEXT_MAX


def test_deleting_a_user_keeps_their_records(store: Store) -> None:
    user_id = store.ensure_user(platform="slack", platform_user_id="U1")
    question_id = _question(store, "May I?", user_id=user_id)
    check_id = _check(store, user_id=user_id)
    with store.engine.begin() as connection:
        connection.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": user_id})
    with Session(store.engine) as session:
        assert session.get(Question, question_id).user_id is None  # type: ignore[union-attr]
        assert session.get(DraftCheck, check_id).user_id is None  # type: ignore[union-attr]


def test_bad_values_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _question(store, "When?", asked_at=datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValueError):
        _question(store, "What?", verdict="maybe")
    with pytest.raises(ValueError, match="contains"):
        _question(store, "Which?", related=["a,b"])
    with pytest.raises(TypeError):
        _question(store, "Which?", related="photos")
    with pytest.raises(ValueError):
        _check(store, verdict="allowed")
    assert store.question_count() == 0 and store.check_count() == 0


def test_unanswered_questions_are_grouped_and_counted(store: Store) -> None:
    for minutes, asked in enumerate(
        [
            "May I post a photo of the office?",
            "may i post a PHOTO of the office?",
            "  May I  post a photo of\tthe office?",
        ]
    ):
        _question(store, asked, asked_at=T0 + timedelta(minutes=minutes))
    _question(store, "Can I share our revenue?", asked_at=T0 + timedelta(hours=1))
    _question(store, "May I post a photo of the office?", answered=True)

    groups = store.unanswered_questions()
    assert [(group.normalized, group.count) for group in groups] == [
        ("may i post a photo of the office?", 3),
        ("can i share our revenue?", 1),
    ]
    top = groups[0]
    assert normalize_question(top.example) == top.normalized
    assert (top.first_asked, top.last_asked) == (T0, T0 + timedelta(minutes=2))

    assert store.unanswered_questions(limit=1) == groups[:1]
    later = store.unanswered_questions(since=T0 + timedelta(minutes=1))
    assert [(group.normalized, group.count) for group in later] == [
        ("may i post a photo of the office?", 2),
        ("can i share our revenue?", 1),
    ]
    earlier = store.unanswered_questions(until=T0 + timedelta(minutes=1))
    assert [group.count for group in earlier] == [1]


# --- draft checks ------------------------------------------------------------------


def test_record_check_round_trip_without_the_draft(store: Store) -> None:
    check_id = _check(store, text="Our client Acme signs tomorrow!")
    with Session(store.engine) as session:
        row = session.exec(select(DraftCheck).where(DraftCheck.id == check_id)).one()
    assert row.text is None
    assert (row.verdict, row.rule_ids, row.finding_count) == ("warn", "no-client-names,embargo", 2)
    assert (row.language, row.guidelines_version, row.checked_at) == ("nl", "v1", T0)
    assert store.check_count() == 1


def test_record_check_keeps_the_draft_only_when_asked(store: Store) -> None:
    check_id = _check(
        store,
        verdict="ok",
        rule_ids=[],
        finding_count=0,
        text="Proud of the team!",
        store_text=True,
    )
    with Session(store.engine) as session:
        row = session.exec(select(DraftCheck).where(DraftCheck.id == check_id)).one()
    assert (row.text, row.rule_ids) == ("Proud of the team!", "")


def test_public_api_is_pinned() -> None:
    assert set(bot.storage.__all__) == {
        "QUESTION_TEXT_MAX",
        "ContentItem",
        "ConversationReference",
        "DatabaseError",
        "DraftCheck",
        "Event",
        "Feed",
        "OutboxMessage",
        "Question",
        "Role",
        "Share",
        "Store",
        "UnansweredQuestion",
        "User",
        "create_database_engine",
        "database_url_from_env",
        "normalize_database_url",
        "normalize_question",
        "open_database",
        "redact_url",
        "sqlite_file",
        "upgrade_database",
    }
    assert all(hasattr(bot.storage, name) for name in bot.storage.__all__)


def test_redact_url_hides_the_password_and_leaves_an_unreadable_url_alone() -> None:
    assert bot.storage.redact_url("postgresql+psycopg://bot:s3cret@db/merk") == (
        "postgresql+psycopg://bot:***@db/merk"
    )
    assert bot.storage.redact_url("not a url") == "not a url"


def test_sqlite_file_names_the_file_of_a_sqlite_url_only() -> None:
    assert bot.storage.sqlite_file("sqlite:///data/merk.db") == "data/merk.db"
    assert bot.storage.sqlite_file("sqlite://") is None
    assert bot.storage.sqlite_file("sqlite:///:memory:") is None
    assert bot.storage.sqlite_file("postgresql+psycopg://bot@db/merk") is None
    with pytest.raises(ValueError):
        bot.storage.sqlite_file("not a url")


def test_ping_answers_and_url_masks_the_password(tmp_path: Path) -> None:
    store = bot.storage.Store.open(f"sqlite:///{tmp_path / 'ping.db'}")
    try:
        assert store.ping() is True
        assert store.url.endswith("ping.db")
    finally:
        store.close()
