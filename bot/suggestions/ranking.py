"""Picking what one person could share now: eligible content, ranked for them.

Eligible: approved or live, past its embargo (``not_before``), not expired, meant for
this person's team, location and language (an empty audience is everyone), and not
already marked shared or dismissed by them. The scoring itself is in ``scoring``,
shared with ``batch`` (everyone due a digest at once); what is read, and how, is the
store's business (``SuggestionStore.ranking_input`` and ``details``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.suggestions.scoring import add_feedback, make_suggestion, rank
from bot.suggestions.store import FeedbackRow, SuggestionSource, suggestion_store
from bot.suggestions.suggestion import Suggestion


def is_new_since(
    since: datetime,
    approved_at: datetime | None,
    created_at: datetime,
    not_before: datetime | None,
) -> bool:
    """Whether an item became visible after ``since``: the store's ``new_since`` condition."""
    return (
        (approved_at is not None and approved_at > since)
        or (approved_at is None and created_at > since)
        or (not_before is not None and not_before > since)
    )


def done_and_penalties(feedback: Iterable[FeedbackRow]) -> tuple[set[int], dict[str, float]]:
    """Items a person is done with, and the penalty per topic from their reasons."""
    done: set[int] = set()
    penalties: dict[str, float] = {}
    for item_id, reason, topics in feedback:
        if item_id is not None:
            done.add(item_id)
        add_feedback(penalties, reason, topics)
    return done, penalties


def suggest(
    source: SuggestionSource,
    *,
    user_id: int,
    now: datetime,
    limit: int = 3,
    new_since: datetime | None = None,
    exclude: frozenset[int] = frozenset(),
) -> list[Suggestion]:
    """The best ``limit`` items for this person to share at ``now``, best first.

    With ``new_since``, only items that became visible (approved, or their embargo
    lifted) after that moment count — for "no digest when there is nothing new".
    ``exclude`` leaves out items by id. An unknown person gets nothing.
    """
    if limit <= 0:
        return []
    store = suggestion_store(source)
    found = store.ranking_input(user_id, now=now, new_since=new_since)
    if found is None:
        return []
    person = found.person
    done, penalties = done_and_penalties(found.feedback)
    ranked = rank(person, found.rows, skip=done | exclude, penalties=penalties, limit=limit)
    if not ranked:
        return []
    details = store.details([item_id for _, item_id in ranked])
    suggestions = []
    for value, item_id in ranked:
        item = details.get(item_id)
        if item is None:  # deleted between the two reads
            continue
        suggestions.append(
            make_suggestion(
                person,
                score=value,
                item_id=item_id,
                title=item.title,
                url=item.url,
                summary=item.summary,
                captions=item.captions,
                topics=item.topics,
            )
        )
    return suggestions
