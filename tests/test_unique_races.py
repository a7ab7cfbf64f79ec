"""Two people doing the same thing at the same moment: one queued URL, one share link.

The queue and the suggestions look before they write, but two processes can both look
before either writes; the database's unique indexes (migration 0004) settle it, and the
loser gets the same friendly answer as if it had looked a moment later.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from samples import write_guidelines
from sqlalchemy import create_engine, text

from bot.content import ContentStore
from bot.content.items import ContentError, ContentInput
from bot.content.records import NewItem
from bot.storage import Store
from bot.storage.database import alembic_config
from bot.suggestions import SuggestionStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _item(url: str) -> NewItem:
    return NewItem(
        content=ContentInput(url=url, title="News"),
        created_at=NOW,
        added_by="slack:U1",
        source="manual",
        check_verdict="ok",
        check_version="v1",
    )


def test_a_url_queued_twice_at_once_is_stored_once(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        content = ContentStore.from_store(store)
        first = content.add(_item("https://example.com/news"))
        # The second writer did not see the first (it looked before the first wrote).
        with pytest.raises(ContentError) as raised:
            content.add(_item("https://example.com/news"))
        assert [(p.key, p.values) for p in raised.value.problems] == [
            ("duplicate_url", {"id": first.id})
        ]
        with pytest.raises(ContentError):
            content.add_many(
                [_item("https://example.com/other"), _item("https://example.com/news")],
                approved_by=None,
                approved_at=NOW,
            )
        assert content.existing(["https://example.com/other"]) == {}  # all or nothing
    finally:
        store.close()


def test_a_retired_items_url_may_be_queued_again(tmp_path: Path) -> None:
    guidelines = write_guidelines(tmp_path / "guidelines")
    database = f"sqlite:///{tmp_path / 'q.db'}"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "adapters.cli.main",
                *args,
                "--database",
                database,
                "--guidelines",
                str(guidelines),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "LANG": "en_GB.UTF-8"},
            timeout=60,
            check=False,
        )

    assert cli("content", "add", "https://example.com/a", "--title", "A").returncode == 0
    assert cli("content", "retire", "1").returncode == 0
    again = cli("content", "add", "https://example.com/a", "--title", "A again")
    assert again.returncode == 0, again.stderr


def test_two_processes_queueing_one_url_at_once_store_it_once(tmp_path: Path) -> None:
    guidelines = write_guidelines(tmp_path / "guidelines")
    database = f"sqlite:///{tmp_path / 'race.db'}"
    Store.open(database).close()  # migrated before the race, as a running bot's would be
    command_line = [
        sys.executable,
        "-m",
        "adapters.cli.main",
        "content",
        "add",
        "https://example.com/x",
        "--title",
        "X",
        "--database",
        database,
        "--guidelines",
        str(guidelines),
    ]
    env = {**os.environ, "LANG": "en_GB.UTF-8"}
    runs = [
        subprocess.Popen(
            command_line, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(4)
    ]
    results = [(run.wait(timeout=60), *run.communicate()) for run in runs]
    assert sorted(code for code, _, _ in results) == [0, 1, 1, 1]
    for code, _, err in results:
        if code == 1:
            assert "already queued" in err.lower() and "#1" in err, err
            assert "Traceback" not in err
    engine = create_engine(database)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM content_item")).scalar_one() == 1
    engine.dispose()


def test_share_links_made_at_once_for_one_person_are_one_per_network(database_url: str) -> None:
    store = Store.open(database_url)
    try:
        item = ContentStore.from_store(store).add(_item("https://example.com/news"))
        person = store.ensure_user(platform="slack", platform_user_id="U1")
        suggestions = SuggestionStore.from_store(store)
        barrier = threading.Barrier(4)
        found: list[dict[tuple[int, str], str]] = []

        def make() -> None:
            barrier.wait()
            found.append(suggestions.share_tokens(user_id=person, item_ids=[item.id], now=NOW))

        threads = [threading.Thread(target=make) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(found) == 4 and all(tokens == found[0] for tokens in found)
        with store.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT network, count(*) FROM share GROUP BY network")
            ).all()
        assert sorted(rows) == [("email", 1), ("linkedin", 1), ("x", 1)]
    finally:
        store.close()


def test_the_migration_keeps_doubled_rows_working(tmp_path: Path) -> None:
    """A database a race already doubled rows in still upgrades: the newer item is
    retired, and the newer link of a person loses the person but keeps working."""
    from sqlmodel import Session

    from bot.storage.tables import ContentItem, Share, User

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    command.upgrade(alembic_config(engine), "0003")
    with Session(engine) as session:
        session.add(User(id=1, platform="slack", platform_user_id="U1", created_at=NOW))
        for item_id in (1, 2):
            session.add(
                ContentItem(
                    id=item_id,
                    url="https://example.com/a",
                    title="A",
                    status="live",
                    created_at=NOW,
                )
            )
        session.commit()
        for share_id, token in ((1, "old"), (2, "new")):
            session.add(
                Share(id=share_id, token=token, item_id=1, user_id=1, network="x", created_at=NOW)
            )
        session.commit()
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as connection:
        items = connection.execute(text("SELECT id, status FROM content_item ORDER BY id")).all()
        shares = connection.execute(text("SELECT token, user_id FROM share ORDER BY id")).all()
    engine.dispose()
    assert items == [(1, "live"), (2, "retired")]
    assert shares == [("old", 1), ("new", None)]


def test_processes_opening_a_new_sqlite_file_at_once_all_find_it_migrated(
    tmp_path: Path,
) -> None:
    # Python's sqlite3 runs DDL outside a transaction, so without the file's write lock
    # two of them would both create the first table ("table ... already exists").
    opening = (
        "import sys; from bot.storage import Store; "
        "Store.open(sys.argv[1]).close(); "
        "print(Store.schema_state(sys.argv[1]).up_to_date)"
    )
    for attempt in range(3):
        database = f"sqlite:///{tmp_path / f'new-{attempt}.db'}"
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", opening, database],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err
            assert out.strip() == "True"
