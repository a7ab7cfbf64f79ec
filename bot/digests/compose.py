"""Composing due digests: who gets one now, what is in it, written to the outbox.

One pass reads every opted-in person in one query, decides with pure functions who is
due (``schedule``), leaves out whoever already has this period's digest or reached
their cap, asks the suggestions for what is new since their last digest, and writes
the rendered replies to the outbox. A person with nothing new gets no digest and no
outbox row. ``last_digest_at`` moves to the moment of composing, in the same
transaction as the outbox row, so the next digest holds only what came after.

The items are read once per pass and the people in chunks (``chunks``): ranking,
share links and events for a chunk take a few queries and one write, not a dozen
commits per person.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.digests.candidates import Candidate, due_candidates
from bot.digests.chunks import compose_singly, compose_together
from bot.digests.schedule import CAP_DAYS, cap_window_start, under_cap
from bot.digests.store import DigestStore
from bot.settings import Settings
from bot.suggestions import Shelf, load_shelf

log = logging.getLogger(__name__)

CHUNK = 500
"""People composed together: one write transaction each."""


@dataclass(frozen=True, kw_only=True)
class ComposeReport:
    """What one compose pass did, counted in people."""

    opted_in: int = 0
    due: int = 0
    already_written: int = 0
    over_cap: int = 0
    nothing_new: int = 0
    written: int = 0
    errors: int = 0


class NothingNewMemo:
    """Who had nothing new, and when that was checked, so a pass doesn't ask every minute.

    Kept in memory by the scheduler process: a restart checks everyone again, which
    costs time, not correctness.
    """

    def __init__(self, recheck: timedelta = timedelta(minutes=15)) -> None:
        self.recheck = recheck
        self._checked: dict[str, datetime] = {}

    def recently_empty(self, key: str, now: datetime) -> bool:
        """Whether ``key``'s digest was found empty less than ``recheck`` ago."""
        checked = self._checked.get(key)
        return checked is not None and checked <= now < checked + self.recheck

    def note_empty(self, key: str, now: datetime) -> None:
        """Remember that ``key``'s digest had nothing in it at ``now``."""
        self._checked[key] = now

    def keep_only(self, keys: Collection[str]) -> None:
        """Forget every key not in ``keys`` (windows that closed)."""
        self._checked = {k: v for k, v in self._checked.items() if k in keys}


def compose_due_digests(
    digests: DigestStore,
    *,
    now: datetime,
    settings: Settings,
    platforms: Collection[str] | None = None,
    default_language: str = "en",
    limit: int = 3,
    memo: NothingNewMemo | None = None,
) -> ComposeReport:
    """Write to the outbox the digest of everyone due at ``now``; return what was done.

    Safe to run again for the same moment, or from two processes: a period's digest is
    written at most once, and so are its share links (its ``suggested`` events are
    recorded when it is delivered). One person's failure is logged and does not stop
    the others. With a ``memo``, people found to have nothing new are asked again only
    after the memo's recheck interval.
    """
    opted_in, candidates = due_candidates(digests, now=now, settings=settings, platforms=platforms)
    existing = digests.existing_keys(c.key for c in candidates)
    # One query for everyone's recent digests; each person's own window (local days)
    # is applied below. A day more than the window covers every time zone.
    recent = digests.recent_digests(since=now - timedelta(days=CAP_DAYS + 1))
    over_cap = nothing_new = 0
    todo: list[Candidate] = []
    for candidate in candidates:
        if candidate.key in existing:
            continue
        since = cap_window_start(candidate.plan, now, default_timezone=settings.timezone)
        count = sum(1 for written_at in recent.get(candidate.user_id, ()) if written_at >= since)
        if not under_cap(candidate.plan, count):
            over_cap += 1
            continue
        if memo is not None and memo.recently_empty(candidate.key, now):
            nothing_new += 1
            continue
        todo.append(candidate)
    written = errors = 0
    shelf: Shelf | None = None  # the items, read once for the whole pass
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        try:
            if shelf is None:
                shelf = load_shelf(digests.suggestions, now=now)
            outcome = compose_together(
                digests,
                chunk,
                now=now,
                settings=settings,
                default_language=default_language,
                limit=limit,
                shelf=shelf,
            )
        except Exception:  # nothing of the chunk was written: try each person on their own
            log.exception(
                "digests of %d people could not be composed together; composing them one by one",
                len(chunk),
            )
            outcome = compose_singly(
                digests,
                chunk,
                now=now,
                settings=settings,
                default_language=default_language,
                limit=limit,
            )
        written += outcome.written
        nothing_new += len(outcome.empty)
        errors += len(outcome.failed)
        if memo is not None:
            # Failed ones too: try again later, not every minute with a stack trace.
            for key in (*outcome.empty, *outcome.failed):
                memo.note_empty(key, now)
    if memo is not None:
        memo.keep_only({c.key for c in candidates})
    return ComposeReport(
        opted_in=opted_in,
        due=len(candidates),
        already_written=len(existing),
        over_cap=over_cap,
        nothing_new=nothing_new,
        written=written,
        errors=errors,
    )
