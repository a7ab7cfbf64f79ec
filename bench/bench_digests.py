"""Composing the digests of 10,000 people: total time and time per person.

Run: python bench/bench_digests.py [--people N] [--items N] [--database URL]
A temporary SQLite file (unless --database is given) gets N people with mixed digest
settings (daily, weekly, off; several time zones, times and languages; varied topics
and teams) and ~200 live items. One compose pass runs at a moment when most daily
people are due; a second pass at the same moment shows the cost of a pass that finds
every digest already written (what the every-minute job costs most of the day).
Target: the first pass under 10 s for 10,000 people.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert

from bot.digests import DigestStore, NothingNewMemo, chunks, compose, compose_due_digests
from bot.settings import Settings
from bot.storage import Store
from bot.storage.tables import ContentItem, ConversationReference, User

NOW = datetime(2025, 6, 2, 10, 30, tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(UTC)
"""A Monday, 10:30 in Amsterdam: most daily people there are due, weekly Monday ones too."""
ZONES = (
    "Europe/Amsterdam",
    "Europe/Amsterdam",
    "Europe/Amsterdam",
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
)
TIMES = ("08:00", "08:30", "09:00", "09:30", "10:00", "07:00")
TOPICS = ("ai", "energy", "events", "hiring", "sustainability", "clients", "culture", "tech")
TEAMS = ("sales", "engineering", "hr", "marketing", "finance")


def populate(engine: Engine, people: int, items: int, rng: random.Random) -> None:
    """Write ``people`` users with conversation references, and ``items`` live items."""
    created = NOW - timedelta(days=30)
    users = []
    for index in range(people):
        users.append(
            {
                "platform": "console" if index % 3 else "slack",
                "platform_user_id": f"person-{index}",
                "language": rng.choice(("nl", "en", None)),
                "created_at": created,
                "team": rng.choice(TEAMS),
                "location": rng.choice(("Amsterdam", "Utrecht", "London")),
                "timezone": rng.choice(ZONES),
                "topics": ",".join(rng.sample(TOPICS, rng.randint(0, 3))),
                "digest": rng.choices(("daily", "weekly", "off"), weights=(5, 3, 2))[0],
                "digest_time": rng.choice(TIMES),
                "digest_weekday": rng.randint(0, 4),
                "quiet_start": "18:00",
                "quiet_end": "08:00",
                "digest_cap": rng.choice((1, 3, 7)),
                "tracking": rng.random() > 0.1,
                "leaderboard": False,
                # A third had a digest last week, so only newer items count for them.
                "last_digest_at": NOW - timedelta(days=7) if rng.random() < 0.33 else None,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(User.__table__), users)  # type: ignore[attr-defined]
        connection.execute(
            insert(ConversationReference.__table__),  # type: ignore[attr-defined]
            [
                {
                    "user_id": i + 1,
                    "platform": users[i]["platform"],
                    "conversation_id": f"dm-{i}",
                    "data": "{}",
                    "updated_at": created,
                }
                for i in range(people)
            ],
        )
        rows = []
        for index in range(items):
            approved = NOW - timedelta(days=rng.uniform(0, 20))
            rows.append(
                {
                    "url": f"https://example.com/news/{index}",
                    "title": f"News item {index}",
                    "summary": "Something worth sharing about our work. " * 3,
                    "captions": json.dumps(
                        {
                            "en": [f"Proud of item {index}!", f"Read {index}"],
                            "nl": [f"Trots op item {index}!"],
                        }
                    ),
                    "topics": ",".join(rng.sample(TOPICS, rng.randint(1, 2))),
                    "audience_teams": rng.choice(("", "", "", "sales", "engineering")),
                    "audience_locations": "",
                    "audience_languages": "",
                    "priority": rng.randint(0, 3),
                    "status": "live",
                    "added_by": "comms",
                    "created_at": approved,
                    "approved_at": approved,
                    "source": "manual",
                    "check_verdict": "ok",
                    "check_version": "",
                }
            )
        connection.execute(insert(ContentItem.__table__), rows)  # type: ignore[attr-defined]


class Stopwatch:
    """Adds up the wall and CPU time spent in the functions it wraps (for the breakdown)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started, started_cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.spent[name] = self.spent.get(name, 0.0) + time.perf_counter() - started
                self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - started_cpu

        return timed


def timed(run: Callable[[], Any]) -> tuple[Any, float, float]:
    """``run()``'s result, wall time and CPU time (this process) in seconds."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = run()
    return result, time.perf_counter() - started, time.process_time() - started_cpu


def main() -> None:
    """Build the data, time two compose passes, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'bench.db'}"
        store = Store.open(url)
        try:
            populate(store.engine, args.people, args.items, random.Random(7))
            settings = Settings()
            # Where the time goes: the suggestions' part (the items read once, ranking,
            # rendering with share links) and the rest (people, schedule, cap, and the
            # one write per chunk: outbox rows, share links, events), which is this package's.
            watch = Stopwatch()
            compose.load_shelf = watch.wrap(  # type: ignore[attr-defined]
                "load_shelf",
                compose.load_shelf,  # type: ignore[attr-defined]
            )
            chunks.suggest_many = watch.wrap(  # type: ignore[attr-defined]
                "suggest_many",
                chunks.suggest_many,  # type: ignore[attr-defined]
            )
            chunks.prepare_replies = watch.wrap(  # type: ignore[attr-defined]
                "prepare_replies",
                chunks.prepare_replies,  # type: ignore[attr-defined]
            )
            # Zero unless a chunk could not be written together (it then says so in the log).
            compose.compose_singly = watch.wrap(  # type: ignore[attr-defined]
                "one by one",
                compose.compose_singly,  # type: ignore[attr-defined]
            )
            report, first, first_cpu = timed(
                lambda: compose_due_digests(
                    DigestStore(store.engine),
                    now=NOW,
                    settings=settings,
                    platforms={"console", "slack"},
                    memo=NothingNewMemo(),
                )
            )
            again, second, second_cpu = timed(
                lambda: compose_due_digests(
                    DigestStore(store.engine),
                    now=NOW + timedelta(minutes=1),
                    settings=settings,
                    platforms={"console", "slack"},
                )
            )
            where = "" if args.database else f" in {folder}"
            print(
                f"people: {args.people}, live items: {args.items}, database: "
                f"{store.engine.url.get_backend_name()}{where}"
            )
            print(
                f"first pass:  {first:.2f} s total ({first_cpu:.2f} s CPU), "
                f"{first / args.people * 1000:.3f} ms per person, "
                f"{first / max(report.due, 1) * 1000:.2f} ms per due person"
            )
            print(f"  {report}")
            theirs = sum(watch.spent.values())
            theirs_cpu = sum(watch.cpu.values())
            print(
                "  of which: "
                + ", ".join(
                    f"{name} {spent:.2f} s ({watch.cpu[name]:.2f} s CPU)"
                    for name, spent in watch.spent.items()
                )
                + f"; everything else: {first - theirs:.2f} s ({first_cpu - theirs_cpu:.2f} s CPU)"
            )
            print(
                f"second pass: {second:.2f} s total ({second_cpu:.2f} s CPU; "
                "everything already written)"
            )
            print(f"  {again}")
            print(f"outbox: {DigestStore(store.engine).status_counts()}")
        finally:
            store.close()


if __name__ == "__main__":
    main()
