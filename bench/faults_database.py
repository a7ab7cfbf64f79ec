"""The database of the fault run (``bench/faults.py``): a throwaway PostgreSQL cluster,
people whose daily digest is due now with content for their digests, and which
scheduler holds the scheduler lock."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from faults_processes import Process


def start_postgres() -> tuple[str, Any]:
    """A throwaway PostgreSQL cluster with an empty database: its URL, and the cluster
    to stop."""
    from conftest import _Cluster, _server_binaries

    binaries = _server_binaries()
    if binaries is None:
        raise SystemExit("PostgreSQL server binaries not found; pass --database URL")
    cluster = _Cluster(*binaries)
    cluster.start()
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    base = f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}"
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.execute(text("CREATE DATABASE merkwerker_faults"))
    engine.dispose()
    return f"{base}/merkwerker_faults", cluster


def _midday_zone(now: datetime) -> str:
    offset = 12 - now.hour
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def prepare_digests(database: str, digests: int) -> None:
    """``digests`` people whose daily digest is due now, each with a direct-message
    channel ``DG…`` to reach them, and five live content items for their digests."""
    from sqlalchemy import insert

    from bot.storage import Store
    from bot.storage.tables import ContentItem, ConversationReference, User

    store = Store.open(database)
    now = datetime.now(UTC)
    zone = _midday_zone(now)
    due_at = (datetime.now(ZoneInfo(zone)) - timedelta(hours=1)).strftime("%H:%M")
    created = now - timedelta(days=30)
    with store.engine.begin() as connection:
        connection.execute(
            insert(User.__table__),  # type: ignore[attr-defined]
            [
                {
                    "platform": "slack",
                    "platform_user_id": f"UG{n:05d}",
                    "language": "en" if n % 2 else "nl",
                    "created_at": created,
                    "timezone": zone,
                    "digest": "daily",
                    "digest_time": due_at,
                    "digest_weekday": 0,
                    "quiet_start": "23:59",
                    "quiet_end": "23:59",
                    "digest_cap": 7,
                    "tracking": True,
                    "leaderboard": False,
                }
                for n in range(digests)
            ],
        )
        ids = connection.execute(User.__table__.select()).all()  # type: ignore[attr-defined]
        connection.execute(
            insert(ConversationReference.__table__),  # type: ignore[attr-defined]
            [
                {
                    "user_id": row.id,
                    "platform": "slack",
                    "conversation_id": "DG" + row.platform_user_id.removeprefix("UG"),
                    "data": "{}",
                    "updated_at": created,
                }
                for row in ids
            ],
        )
        connection.execute(
            insert(ContentItem.__table__),  # type: ignore[attr-defined]
            [
                {
                    "url": f"https://example.com/news/{n}",
                    "title": f"News item {n}",
                    "summary": f"About news item {n}.",
                    "captions": json.dumps({"en": [f"Have a look: {n}"], "nl": [f"Kijk: {n}"]}),
                    "topics": "",
                    "status": "live",
                    "created_at": now - timedelta(days=1),
                    "approved_at": now - timedelta(days=1),
                    "added_by": "cli",
                }
                for n in range(5)
            ],
        )
    store.close()


def active_scheduler(database: str, schedulers: list[Process]) -> Process:
    """The scheduler holding the lock (by the pid in ``scheduler_lock``), else the first."""
    from sqlalchemy import create_engine, text

    from bot.storage import normalize_database_url

    engine = create_engine(normalize_database_url(database))
    try:
        with engine.connect() as connection:
            holders = connection.execute(text("SELECT holder FROM scheduler_lock")).scalars()
            pids = {int(m) for h in holders for m in re.findall(r"\d+", str(h))}
    except Exception:
        pids = set()
    finally:
        engine.dispose()
    for process in schedulers:
        if process.alive() and process.pid in pids:
            return process
    return next((p for p in schedulers if p.alive()), schedulers[0])
