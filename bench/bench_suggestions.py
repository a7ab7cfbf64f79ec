"""How fast ``suggest()`` is for one person: 1,000 live items, 100,000 past events.

Builds the data set in a temporary SQLite file (or ``--database URL``), then times
``suggest()`` for a person with a typical history and prints p50 and p99.

    python bench/bench_suggestions.py [--runs 500] [--database URL]

Target: p99 under 20 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.storage import Store
from bot.storage.tables import ContentItem, Event, User
from bot.suggestions import suggest

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ITEMS = 1_000
EVENTS = 100_000
PEOPLE = 2_000
TOPICS = [
    "energie",
    "ai",
    "wind",
    "waterstof",
    "mobiliteit",
    "data",
    "klimaat",
    "people",
    "security",
    "events",
    "vacatures",
    "innovatie",
]
TEAMS = ["Sales", "Ops", "Legal", "Marketing", "IT", "HR"]
KINDS = [
    "suggested",
    "suggested",
    "suggested",
    "share_link_opened",
    "marked_shared",
    "dismissed",
    "link_clicked",
    "link_clicked",
    "question_asked",
    "draft_checked",
]


def build(store: Store, rng: random.Random) -> int:
    """Fill the database; return the id of the person to time."""
    engine = store.engine
    with engine.begin() as connection:
        connection.execute(
            insert(User),
            [
                {
                    "platform": "slack",
                    "platform_user_id": f"U{n}",
                    "language": rng.choice(["nl", "en"]),
                    "created_at": NOW - timedelta(days=400),
                    "team": rng.choice(TEAMS),
                    "location": rng.choice(["Amsterdam", "Utrecht"]),
                    "timezone": "Europe/Amsterdam",
                    "topics": ",".join(rng.sample(TOPICS, 3)),
                    "digest": "weekly",
                    "digest_time": "09:00",
                    "digest_weekday": 0,
                    "quiet_start": "18:00",
                    "quiet_end": "08:00",
                    "digest_cap": 1,
                    "tracking": True,
                    "leaderboard": False,
                }
                for n in range(PEOPLE)
            ],
        )
        items = []
        for n in range(ITEMS):
            approved = NOW - timedelta(hours=rng.uniform(1, 24 * 60))
            captions = {
                "nl": [f"Variant {v} over item {n}" for v in range(3)],
                "en": [f"Variant {v} about item {n}" for v in range(3)],
            }
            items.append(
                {
                    "url": f"https://example.com/news/{n}?ref=feed",
                    "title": f"News item {n}",
                    "summary": "A summary of a few sentences. " * 4,
                    "captions": json.dumps(captions),
                    "topics": ",".join(rng.sample(TOPICS, 2)),
                    "audience_teams": rng.choice(["", "", "", "Sales,Marketing"]),
                    "audience_locations": rng.choice(["", "", "", "", "Utrecht"]),
                    "audience_languages": "",
                    "not_before": None if n % 10 else approved,
                    "expires": NOW + timedelta(days=rng.randint(1, 90)),
                    "priority": rng.randint(0, 3),
                    "status": "live",
                    "added_by": "bench",
                    "created_at": approved,
                    "approved_at": approved,
                    "source": "manual",
                    "check_verdict": "ok",
                    "check_version": "",
                }
            )
        connection.execute(insert(ContentItem), items)
        events = []
        for n in range(EVENTS):
            kind = rng.choice(KINDS)
            events.append(
                {
                    "idempotency_key": f"bench:{n}",
                    "kind": kind,
                    "occurred_at": NOW - timedelta(minutes=rng.randint(1, 60 * 24 * 90)),
                    "user_id": rng.randint(1, PEOPLE),
                    "team": rng.choice(TEAMS),
                    "item_id": rng.randint(1, ITEMS),
                    "network": None,
                    "reason": rng.choice(["topic", "team", "seen", None])
                    if kind == "dismissed"
                    else None,
                }
            )
        connection.execute(insert(Event), events)
    return 1


def main() -> None:
    """Build the data set, time ``suggest()``, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--database", help="Database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = Store.open(url)
        started = time.perf_counter()
        person = build(store, random.Random(42))
        print(
            f"built {ITEMS} items, {EVENTS} events, {PEOPLE} people "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for _ in range(20):  # warm up caches and the connection pool
            suggest(store.engine, user_id=person, now=NOW)
        wall: list[float] = []
        cpu: list[float] = []
        for run in range(args.runs):
            user_id = 1 + run % 50  # different people, each with their own history
            begin, begin_cpu = time.perf_counter(), time.process_time()
            found = suggest(store.engine, user_id=user_id, now=NOW)
            wall.append((time.perf_counter() - begin) * 1000)
            cpu.append((time.process_time() - begin_cpu) * 1000)
            assert found, "every person should get something"
        print(
            f"suggest() for one person, {args.runs} runs "
            f"(~{EVENTS // PEOPLE} events of their own in the log):"
        )
        for name, timings in (("wall", wall), ("cpu", cpu)):
            timings.sort()
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            print(
                f"  {name}: p50={statistics.median(timings):.2f} ms p99={p99:.2f} ms "
                f"max={timings[-1]:.2f} ms"
            )
        store.close()


if __name__ == "__main__":
    main()
