"""Shared helpers for the content queue tests: a settable clock, guidelines, a queue."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from samples import write_guidelines

from bot.content import ContentQueue, ContentStore
from bot.guidelines import GuidelinesLibrary
from bot.guidelines.rules import Guidelines
from bot.storage import Store

START = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
"""A Sunday in winter (Amsterdam is UTC+1), outside the sample quiet period."""

DATA = Path(__file__).parent / "data" / "content"


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class QueueSetup:
    queue: ContentQueue
    store: Store
    clock: Clock
    guidelines: Guidelines
    folder: Path


def open_queue(url: str, folder: Path, clock: Clock) -> QueueSetup:
    """A queue on a fresh database at ``url`` with the sample guidelines in ``folder``."""
    library = GuidelinesLibrary.open(write_guidelines(folder))
    store = Store.open(url, clock=clock)
    queue = ContentQueue(
        ContentStore.from_store(store),
        clock=clock,
        guidelines_provider=lambda: library.current,
        timezone="Europe/Amsterdam",
    )
    return QueueSetup(
        queue=queue, store=store, clock=clock, guidelines=library.current, folder=folder
    )


@contextmanager
def queue_on(url: str, tmp_path: Path) -> Iterator[QueueSetup]:
    """A queue on the database at ``url``, closed afterwards (for fixtures in test modules)."""
    setup = open_queue(url, tmp_path / "guidelines", Clock())
    try:
        yield setup
    finally:
        setup.store.close()


def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file in ``tmp_path``, for tests where the database engine does not matter."""
    return f"sqlite:///{tmp_path / 'content.db'}"
