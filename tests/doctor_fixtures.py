"""Running ``merkwerker`` commands as an admin does, for tests that start them as real
processes (tests/test_doctor*.py, tests/test_scheduler_standby.py), with an environment
that holds only what the test sets."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from samples import write_guidelines

from bot.storage import Store, create_database_engine
from bot.storage.database import alembic_config

MERKWERKER = str(Path(sys.executable).with_name("merkwerker"))
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAMS_APP_ID = "2f1c0a3e-1111-4222-8333-944455556666"
TEAMS_TENANT = "9a8b7c6d-1111-4222-8333-944455556666"
TEAMS_SECRET = "the-client-secret"
HEAD = ScriptDirectory.from_config(
    alembic_config(create_database_engine("sqlite://"))
).get_current_head()
"""The newest migration, which a database up to date is at."""


def newest_database(tmp_path: Path) -> str:
    """A SQLite file at this version's newest migration."""
    url = f"sqlite:///{tmp_path / 'merkwerker.db'}"
    Store.open(url).close()
    return url


def merkwerker_env(tmp_path: Path, database: str, **extra: str) -> dict[str, str]:
    """The environment of a ``merkwerker`` process in a test: none of the machine's own
    chat, database, proxy or Merkwerker settings, the sample guidelines, the tests'
    shared embedding cache, and ``extra``."""
    cleared = ("SLACK_", "Microsoft", "MICROSOFT_", "MERKWERKER_")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(cleared)
        and k not in ("PORT", "DATABASE_URL")
        and not k.lower().endswith("_proxy")
    }
    guidelines = tmp_path / "guidelines"
    if not guidelines.exists():
        write_guidelines(guidelines)
    env.update(
        MERKWERKER_GUIDELINES=str(guidelines),
        DATABASE_URL=database,
        MERKWERKER_LANGUAGE="en",
        MERKWERKER_EMBEDDING_CACHE=os.environ["MERKWERKER_EMBEDDING_CACHE"],
        COLUMNS="400",
    )
    env.update(extra)
    return env


async def run_doctor(env: dict[str, str], *args: str, cwd: Path | None = None) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        MERKWERKER,
        "doctor",
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    output = stdout.decode() + stderr.decode()
    assert "Traceback" not in output
    assert process.returncode is not None
    return process.returncode, output


def failed_checks(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("✗")]
