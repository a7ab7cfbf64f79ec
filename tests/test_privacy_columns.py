"""Where a person can hide in the database, and what forgetting them does there: every
column that may name someone is handled by forget, the inbox keeps who sent something
only until it is answered, and the privacy commands never take a mistyped database for
an empty one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage import Store

PERSON_COLUMNS = {
    ("user", "platform_user_id"): "deleted with the person",
    ("user", "display_name"): "deleted with the person",
    ("question", "user_id"): "deleted",
    ("draft_check", "user_id"): "emptied",
    ("event", "user_id"): "emptied",
    ("share", "user_id"): "emptied",
    ("conversation_reference", "user_id"): "deleted",
    ("outbox", "user_id"): "deleted",
    ("role", "platform_user_id"): "deleted",
    ("role", "granted_by"): "replaced by 'forgotten'",
    ("content_item", "added_by"): "replaced by 'forgotten'",
    ("content_item", "approved_by"): "replaced by 'forgotten'",
    ("feed", "added_by"): "replaced by 'forgotten'",
}
"""Every column that may hold who a person is, and what forgetting them does to it."""


def test_every_column_that_may_hold_a_person_is_handled_by_forget() -> None:
    from sqlmodel import SQLModel

    import bot.storage.tables  # noqa: F401  (registers the tables)

    found = {
        (table.name, column.name)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if column.name in ("user_id", "platform_user_id", "display_name", "user_name")
        or column.name.endswith("_by")
    }
    # A new column naming a person must be added to PERSON_COLUMNS and to forget.
    assert found == set(PERSON_COLUMNS)


PAYLOAD_COLUMNS = {
    ("inbox", "payload"): "emptied once the delivery is answered or given up",
}
"""Columns holding what a platform delivered, which names the sender by platform id.

Forget has nothing to delete there: a finished inbox row keeps only its key, kind and
times. A delivery still being answered keeps its payload until it is answered."""


def test_the_inbox_holds_who_sent_something_only_until_it_is_answered(
    database_url: str,
) -> None:
    from datetime import timedelta

    from sqlalchemy import text

    from bot.inbox import MAX_ATTEMPTS, InboxStore

    store = Store.open(database_url)
    try:
        inbox = InboxStore.from_store(store)
        delivered = {"event": {"user": "U0ANNA", "text": "mag ik dit delen?"}}
        lease = timedelta(seconds=40)
        inbox.add("answered", "slack", "message", delivered, holder="p", lease=lease)
        inbox.add("given-up", "slack", "message", delivered, holder="p", lease=lease)
        inbox.add("waiting", "slack", "message", delivered, holder="p", lease=lease)
        inbox.mark_done("answered", attempt=1)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            inbox.mark_failed("given-up", attempt=attempt, error="x", retry_in=timedelta(0))
            inbox.claim(limit=1, lease=lease, holder="p", platforms=["slack"])
        with store.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT key, payload FROM inbox")).all())
    finally:
        store.close()
    assert set(PAYLOAD_COLUMNS) == {("inbox", "payload")}
    assert rows["answered"] == rows["given-up"] == "{}"
    assert "U0ANNA" in rows["waiting"]  # still to be answered


@pytest.mark.parametrize(
    "command",
    [
        ("privacy", "export"),
        ("privacy", "forget", "--yes"),
        ("privacy", "opt-out"),
        ("privacy", "opt-in"),
        ("people", "revoke", "--role", "comms"),
    ],
)
def test_a_mistyped_database_is_named_and_not_created(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # "No one is known here" from a new empty file would tell HR nothing is stored.
    from harness import merkwerker

    missing = tmp_path / "typo.db"
    no_folder = tmp_path / "nonexistent" / "x.db"
    for path in (missing, no_folder):
        ran = merkwerker(
            *command, "--platform", "slack", "--user", "U1", "--database", f"sqlite:///{path}"
        )
        assert ran.returncode == 1
        assert f"There is no database at {path}" in ran.stderr
        assert "known here" not in ran.stderr + ran.stdout
        assert not path.exists()
    assert not no_folder.parent.exists()


def test_who_granted_a_role_on_the_command_line_can_be_exported_and_forgotten(
    tmp_path: Path,
) -> None:
    # people grant records its operator as cli:<login>; --platform cli reaches them.
    import getpass
    import json

    from harness import merkwerker

    database = ("--database", f"sqlite:///{tmp_path / 'm.db'}")
    login = getpass.getuser()
    granted = merkwerker(
        "people", "grant", "--platform", "slack", "--user", "U9", "--role", "comms", *database
    )
    assert granted.returncode == 0, granted.stderr

    exported = merkwerker("privacy", "export", "--platform", "cli", "--user", login, *database)
    assert exported.returncode == 0, exported.stderr
    assert [(r["user"], r["role"]) for r in json.loads(exported.stdout)["roles_granted"]] == [
        ("U9", "comms")
    ]

    forgot = merkwerker(
        "privacy", "forget", "--platform", "cli", "--user", login, "--yes", *database
    )
    assert forgot.returncode == 0, forgot.stderr
    of_u9 = merkwerker("privacy", "export", "--platform", "slack", "--user", "U9", *database)
    assert [r["granted_by"] for r in json.loads(of_u9.stdout)["roles"]] == ["forgotten"]
