"""Ranking for many people at once: what the digest pass uses instead of ``suggest()`` each.

The eligible items are read once per pass (a ``Shelf``), the people and their feedback
once per chunk of people (IN lists), and each person is then ranked in memory with
``scoring.rank`` and ``scoring.make_suggestion``, the very functions ``suggest()`` uses:
the same person gets the same suggestions, in the same order, with the same captions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.suggestions.ranking import done_and_penalties, is_new_since
from bot.suggestions.scoring import Person, make_suggestion, rank
from bot.suggestions.store import SuggestionSource, SuggestionStore, suggestion_store
from bot.suggestions.suggestion import Suggestion

CHUNK = 500
"""People per IN list: far below SQLite's limit on bound parameters."""

_RANKED = 7  # the first columns of a shelf row are what ``rank`` reads


@dataclass(frozen=True, kw_only=True)
class _Item:
    title: str
    url: str
    summary: str | None
    captions: str
    topics: str
    approved_at: datetime | None
    created_at: datetime
    not_before: datetime | None


@dataclass(kw_only=True)
class Shelf:
    """Every item eligible at ``now``, read once for a whole pass of people."""

    now: datetime
    rows: tuple[tuple[Any, ...], ...]
    """Each item's ranking columns (``scoring.CANDIDATE_COLUMNS``)."""
    items: dict[int, _Item]
    _since: dict[datetime, tuple[tuple[Any, ...], ...]] = field(default_factory=dict)

    def rows_new_since(self, since: datetime | None) -> tuple[tuple[Any, ...], ...]:
        """The ranking rows of the items that became visible after ``since`` (all for None)."""
        if since is None:
            return self.rows
        found = self._since.get(since)
        if found is None:
            found = self._since[since] = tuple(
                row
                for row in self.rows
                if is_new_since(
                    since,
                    (item := self.items[row[0]]).approved_at,
                    item.created_at,
                    item.not_before,
                )
            )
        return found


def load_shelf(source: SuggestionSource, *, now: datetime) -> Shelf:
    """The items eligible at ``now`` (status, embargo, expiry), with what suggestions show."""
    result = suggestion_store(source).shelf_rows(now)
    rows: list[tuple[Any, ...]] = []
    items: dict[int, _Item] = {}
    for row in result:
        ranked = tuple(row[:_RANKED])
        title, url, summary, captions, approved_at, created_at, not_before = row[_RANKED:]
        rows.append(ranked)
        items[ranked[0]] = _Item(
            title=title,
            url=url,
            summary=summary,
            captions=captions,
            topics=ranked[1],
            approved_at=approved_at,
            created_at=created_at,
            not_before=not_before,
        )
    return Shelf(now=now, rows=tuple(rows), items=items)


def suggest_many(
    source: SuggestionSource,
    wanted: Sequence[tuple[int, datetime | None]],
    *,
    now: datetime,
    limit: int = 3,
    shelf: Shelf | None = None,
) -> dict[int, list[Suggestion]]:
    """Per ``(user_id, new_since)`` in ``wanted``: what ``suggest()`` gives that person.

    The same result as ``suggest(source, user_id=..., now=now, limit=limit,
    new_since=...)`` for each, in a few queries for everyone. ``shelf`` (read at the same
    ``now``) saves reading the items again for every chunk of people. An unknown person
    gets nothing; give each person once.
    """
    store = suggestion_store(source)
    if shelf is None:
        shelf = load_shelf(store, now=now)
    elif shelf.now != now:
        raise ValueError("the shelf was read for another moment")
    found: dict[int, list[Suggestion]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        people, feedback = _people(store, [user_id for user_id, _ in chunk])
        for user_id, since in chunk:
            person = people.get(user_id)
            if person is None or limit <= 0:
                found[user_id] = []
                continue
            done, penalties = feedback.get(user_id, (set(), {}))
            ranked = rank(
                person, shelf.rows_new_since(since), skip=done, penalties=penalties, limit=limit
            )
            found[user_id] = [
                _suggestion(person, shelf, score, item_id) for score, item_id in ranked
            ]
    return found


def _suggestion(person: Person, shelf: Shelf, score: float, item_id: int) -> Suggestion:
    item = shelf.items[item_id]
    return make_suggestion(
        person,
        score=score,
        item_id=item_id,
        title=item.title,
        url=item.url,
        summary=item.summary,
        captions=item.captions,
        topics=item.topics,
    )


def _people(
    store: SuggestionStore, user_ids: list[int]
) -> tuple[dict[int, Person], dict[int, tuple[set[int], dict[str, float]]]]:
    """The people with ``user_ids``, and per person the items they are done with and the
    penalty per topic from their reasons (``ranking.done_and_penalties``, as for one)."""
    people, rows = store.people(user_ids)
    return people, {user_id: done_and_penalties(some) for user_id, some in rows.items()}
