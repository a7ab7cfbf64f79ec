"""Opening a new SQLite file from two processes at once: one migrates, the other waits."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.storage import open_database
from bot.storage.database import SQLITE_BUSY_TIMEOUT_MS, alembic_config

_HOLD_THE_FILE = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("CREATE TABLE being_migrated (x)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


def test_a_process_opening_a_new_file_waits_for_one_migrating_it_however_long(
    tmp_path: Path,
) -> None:
    """Two processes started together on a new SQLite file: one migrates, the other waits
    for it, also when the migration takes longer than the usual busy timeout (a busy
    machine); it does not stop with "database is locked"."""
    path = tmp_path / "merkwerker.db"
    hold = SQLITE_BUSY_TIMEOUT_MS / 1000 + 1.5
    with subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_FILE, str(path), str(hold)],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        engine = open_database(f"sqlite:///{path}")
        waited = time.monotonic() - started
    try:
        assert waited > SQLITE_BUSY_TIMEOUT_MS / 1000, "the other process held nothing"
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        assert current == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    finally:
        engine.dispose()
