"""Time ``merkwerker report`` over 1,000,000 events, on SQLite and on PostgreSQL.

Run: python bench/bench_reports.py [--events N] [--rounds N] [--postgres-url URL]
[--skip-postgres]

Builds a year of plausible participation (2,000 people in 40 teams, some of them too
small to be named, 5% opted out, 400 items) in a temporary SQLite file and, when a
PostgreSQL URL is given or server binaries are installed, in a throwaway PostgreSQL
database (a new database on the server at URL, dropped afterwards; or a temporary
cluster started like the test session does). Prints the build time and the time to
build and render the report (json and html) for each database. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, make_url, text
from sqlmodel import SQLModel

from bot.reports import ReportPeriod, ReportQueries, build_report, render_html, render_json
from bot.storage import ContentItem, OutboxMessage, Question, Store, User

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2025, 1, 6, tzinfo=UTC)
DAYS = 365
PEOPLE = 2000
TEAMS = 40
ITEMS = 400
# Roughly what a year looks like: most events are suggestions in digests.
KINDS = {
    "suggested": 45,
    "share_link_opened": 10,
    "marked_shared": 8,
    "link_clicked": 20,
    "dismissed": 7,
    "question_asked": 5,
    "draft_checked": 4,
    "settings_changed": 1,
}
_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite


def _people(rng: random.Random) -> list[dict[str, Any]]:
    people = []
    for n in range(PEOPLE):
        # Teams 0-3 get one or two people each, so they must be merged into "other".
        team_number = n % 4 if n < 6 else rng.randrange(4, TEAMS)
        people.append(
            {
                "id": n + 1,
                "team": None if n % 97 == 0 else f"Team {team_number:02d}",
                "tracking": n % 20 != 7,
                "leaderboard": n % 50 == 3,
                "display_name": f"Person {n}",
                "weight": rng.paretovariate(1.5),
            }
        )
    return people


def _events(
    rng: random.Random, people: list[dict[str, Any]], count: int
) -> Iterator[tuple[Any, ...]]:
    """Event rows in time order: (key, kind, occurred_at, user_id, team, item_id)."""
    kinds = rng.choices(list(KINDS), weights=list(KINDS.values()), k=count)
    who = rng.choices(people, weights=[p["weight"] for p in people], k=count)
    seconds = sorted(rng.randrange(DAYS * 86400) for _ in range(count))
    for n in range(count):
        person, kind = who[n], kinds[n]
        moment = START + timedelta(seconds=seconds[n], microseconds=rng.randrange(1_000_000))
        item = None
        if kind in ("suggested", "share_link_opened", "marked_shared", "link_clicked", "dismissed"):
            # Items come out through the year; people act on recent ones.
            newest = min(ITEMS, 1 + seconds[n] * ITEMS // (DAYS * 86400))
            item = max(1, newest - rng.randrange(8))
        user_id = person["id"] if person["tracking"] else None
        yield (f"bench-{n}", kind, moment, user_id, person["team"], item)


def populate(engine: Engine, count: int, seed: int = 11) -> None:
    """Fill a migrated, empty database with people, items, questions and ``count`` events."""
    rng = random.Random(seed)
    people = _people(rng)
    now = START
    users = [
        User(
            id=p["id"],
            platform="slack",
            platform_user_id=f"U{p['id']:05d}",
            created_at=now,
            display_name=p["display_name"],
            team=p["team"],
            tracking=p["tracking"],
            leaderboard=p["leaderboard"],
        )
        for p in people
    ]
    items = [
        ContentItem(
            id=n,
            url=f"https://example.com/news/{n}",
            created_at=now,
            title=f"Nieuws {n}: <b>iets</b> & meer",
        )
        for n in range(1, ITEMS + 1)
    ]
    questions = [
        Question(
            asked_at=now + timedelta(hours=n),
            language="nl",
            text=f"Vraag {n % 300}?",
            normalized=f"vraag {n % 300}?",
            verdict="unknown",
            guidelines_version="v1",
            answered=False,
        )
        for n in range(5000)
    ]
    outbox = [
        OutboxMessage(
            key=f"digest-{n}",
            platform="slack",
            payload="{}",
            next_attempt_at=now,
            created_at=now,
            status="unreachable" if n % 10 == 0 else "sent",
        )
        for n in range(20000)
    ]
    with engine.begin() as connection:
        for rows, keep_id in ((users, True), (items, True), (questions, False), (outbox, False)):
            table = SQLModel.metadata.tables[type(rows[0]).__tablename__]
            exclude = None if keep_id else {"id"}
            connection.execute(insert(table), [row.model_dump(exclude=exclude) for row in rows])
    events = _events(rng, people, count)
    columns = "idempotency_key, kind, occurred_at, user_id, team, item_id"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY event ({columns}) FROM STDIN") as copy:
                for row in events:
                    copy.write_row(row)
            for name in ("user", "content_item"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'(SELECT max(id) FROM "{name}"))'
                )
            raw.commit()
            cursor.execute("ANALYZE")
        else:
            statement = f"INSERT INTO event ({columns}) VALUES (?, ?, ?, ?, ?, ?)"
            while batch := [
                (k, kind, at.strftime(_SQLITE_FORMAT), u, team, item)
                for k, kind, at, u, team, item in itertools.islice(events, 50_000)
            ]:
                cursor.executemany(statement, batch)
        raw.commit()
        cursor.close()
    finally:
        raw.close()


def measure(label: str, url: str, count: int, rounds: int) -> None:
    """Populate the database at ``url`` and print how long building and reporting took."""
    store = Store.open(url)
    try:
        started = time.perf_counter()
        populate(store.engine, count)
        print(f"{label}: built {count:,} events in {time.perf_counter() - started:.1f} s")
        period = ReportPeriod(
            since=START, until=START + timedelta(days=DAYS), timezone="Europe/Amsterdam"
        )
        timings = []
        for _ in range(rounds):
            started, cpu = time.perf_counter(), time.process_time()
            report = build_report(ReportQueries(store.engine), period=period)
            built = time.perf_counter() - started
            render_json(report)
            render_html(report, language="nl")
            total = time.perf_counter() - started
            timings.append(total)
            print(
                f"{label}: report in {total:.2f} s (queries {built:.2f} s; this process used "
                f"{time.process_time() - cpu:.2f} s CPU; load average "
                f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
            )
        print(
            f"{label}: best {min(timings):.2f} s, median {statistics.median(timings):.2f} s "
            f"of {rounds}; {sum(vars(report.totals).values()):,} events in the trend, "
            f"{len(report.items)} items, {len(report.trend)} weeks"
        )
    finally:
        store.close()


def _sqlite(count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="merkwerker-bench-") as folder:
        measure("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}", count, rounds)


@contextmanager
def _postgres_server(url: str | None) -> Iterator[str | None]:
    """A server URL (database part ignored): the given one, or a throwaway cluster."""
    if url:
        yield url
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import _Cluster, _server_binaries  # the test session's throwaway cluster

    binaries = _server_binaries()
    if binaries is None:
        print("postgres: skipped (no --postgres-url and no server binaries)")
        yield None
        return
    cluster = _Cluster(*binaries)
    cluster.start()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/postgres"
    finally:
        cluster.stop()


def _postgres(url: str | None, count: int, rounds: int) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from bot.storage import normalize_database_url

    with _postgres_server(url) as server:
        if server is None:
            return
        server_url = make_url(normalize_database_url(server))
        name = f"merkwerker_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            target = server_url.set(database=name).render_as_string(hide_password=False)
            measure("postgres", target, count, rounds)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark on each database."""
    parser = argparse.ArgumentParser(description="Time merkwerker report over 1M events.")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--postgres-url", default=None, help="a server where we may create a database"
    )
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args(argv)
    _sqlite(args.events, args.rounds)
    if not args.skip_postgres:
        _postgres(args.postgres_url, args.events, args.rounds)


if __name__ == "__main__":
    main()
