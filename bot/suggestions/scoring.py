"""Scoring and picking items for one person: the one implementation both ranking paths use.

``suggest()`` (one person, for chat) and ``suggest_many()`` (everyone due a digest)
read the database differently, but hand the same rows to ``rank`` and turn its result
into suggestions with ``make_suggestion``, so the two can never disagree on an order
or a caption.

Ranked by, in this order of weight: followed topics, priority, freshness, and what the
person said "not for me" about before; a small per-person tie-breaker gives colleagues
a different order among near-equal items.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from bot.lists import folded_set, split_list
from bot.suggestions.captions import caption_variants, pick_caption, stable_fraction
from bot.suggestions.suggestion import Suggestion

TOPIC_MATCH = 3.0
"""Per followed topic the item has (at most ``MAX_TOPIC_MATCHES`` count)."""
MAX_TOPIC_MATCHES = 2
PRIORITY_STEP = 1.0
"""Per point of the item's priority, which is clamped to ±``MAX_PRIORITY``."""
MAX_PRIORITY = 5
FRESHNESS = 2.0
"""What a just-published item gets; halves every ``HALF_LIFE_DAYS``."""
HALF_LIFE_DAYS = 7.0
TOPIC_REASON_PENALTY = 2.0
"""Per earlier "not my topic" dismissal of an item with the same topic."""
TEAM_REASON_PENALTY = 1.0
"""Per earlier "not relevant to my team" dismissal of an item with the same topic."""
MAX_PENALTY = 6.0
VARIETY = 0.5
"""The largest per-person tie-breaker: reorders items within half a point of each other."""

DONE_KINDS = ("marked_shared", "dismissed")
"""Events after which an item is never suggested to that person again."""
REASON_PENALTIES = {"topic": TOPIC_REASON_PENALTY, "team": TEAM_REASON_PENALTY}

CANDIDATE_COLUMNS = (
    "id",
    "topics",
    "priority",
    "age_days",
    "audience_teams",
    "audience_locations",
    "audience_languages",
)
"""What ``rank`` reads of each eligible item, in this order (``age_days`` is computed by
the database: see ``sqltime``)."""


@dataclass(frozen=True, kw_only=True)
class Person:
    """What ranking needs to know about the person."""

    id: int
    language: str | None
    team: str | None
    location: str | None
    topics: frozenset[str]


def topic_score(
    topics: frozenset[str], followed: frozenset[str], penalties: Mapping[str, float]
) -> float:
    """The part of the score that comes from topics: followed ones up, dismissed ones down."""
    matches = min(len(topics & followed), MAX_TOPIC_MATCHES) if followed else 0
    penalty = min(sum(penalties.get(t, 0.0) for t in topics), MAX_PENALTY) if penalties else 0.0
    return matches * TOPIC_MATCH - penalty


def base_score(*, topics: float, priority: int, age_days: float) -> float:
    """How well an item suits a person before the tie-breaker; higher is better.

    ``topics`` is the item's ``topic_score`` for this person.
    """
    clamped = max(-MAX_PRIORITY, min(MAX_PRIORITY, priority))
    freshness = FRESHNESS * math.pow(0.5, max(age_days, 0.0) / HALF_LIFE_DAYS)
    return topics + clamped * PRIORITY_STEP + freshness


def variety(person_id: int, item_id: int) -> float:
    """The person's tie-breaker for an item, in [0, ``VARIETY``): stable, never random."""
    return VARIETY * stable_fraction("order", person_id, item_id)


def add_feedback(penalties: dict[str, float], reason: str | None, item_topics: str | None) -> None:
    """Add to ``penalties`` what one dismissal's ``reason`` says about its item's topics."""
    weight = REASON_PENALTIES.get(reason or "")
    if weight:
        for topic in folded_set(item_topics):
            penalties[topic] = penalties.get(topic, 0.0) + weight


def audience_ok(person: Person, teams: str, locations: str, languages: str) -> bool:
    """Whether the person is in an item's audience (an empty list is everyone)."""
    for wanted, value in (
        (teams, person.team),
        (locations, person.location),
        (languages, person.language),
    ):
        allowed = folded_set(wanted)
        if allowed and (value is None or value.strip().casefold() not in allowed):
            return False
    return True


def rank(
    person: Person,
    rows: Iterable[Sequence[Any]],
    *,
    skip: Set[int],
    penalties: Mapping[str, float],
    limit: int,
) -> list[tuple[float, int]]:
    """The best ``limit`` of ``rows`` for ``person`` as (score, item id), best first.

    ``rows`` hold ``CANDIDATE_COLUMNS``. Items in ``skip`` and items whose audience
    leaves the person out are not considered.
    """
    by_topics: dict[str, float] = {}
    scored: list[tuple[float, int]] = []
    for item_id, topics, priority, age, teams, locations, languages in rows:
        if item_id is None or item_id in skip:
            continue
        if (teams or locations or languages) and not audience_ok(
            person, teams, locations, languages
        ):
            continue
        topic_part = by_topics.get(topics)
        if topic_part is None:
            topic_part = by_topics[topics] = topic_score(
                folded_set(topics), person.topics, penalties
            )
        value = base_score(topics=topic_part, priority=priority, age_days=float(age or 0.0))
        scored.append((value, item_id))
    return top(scored, person_id=person.id, limit=limit)


def top(scored: list[tuple[float, int]], *, person_id: int, limit: int) -> list[tuple[float, int]]:
    """The best ``limit`` after adding each item's tie-breaker, best first.

    The tie-breaker is below ``VARIETY``, so only items within that distance of the
    ``limit``-th best base score can still make it: the rest need no hashing.
    """
    scored.sort(reverse=True)
    if len(scored) > limit:
        threshold = scored[limit - 1][0] - VARIETY
        scored = [pair for pair in scored if pair[0] >= threshold]
    final = [(value + variety(person_id, item_id), item_id) for value, item_id in scored]
    final.sort(key=lambda pair: (-pair[0], pair[1]))
    return final[:limit]


def make_suggestion(
    person: Person,
    *,
    score: float,
    item_id: int,
    title: str,
    url: str,
    summary: str | None,
    captions: str,
    topics: str,
) -> Suggestion:
    """The suggestion of a ranked item for ``person``, with the caption variant meant for them."""
    variants = caption_variants(captions, person.language)
    return Suggestion(
        item_id=item_id,
        title=title,
        url=url,
        summary=summary or "",
        caption=pick_caption(variants, user_id=person.id, item_id=item_id, fallback=title),
        topics=split_list(topics, squeeze=True, fold_case=True),
        score=round(score, 4),
    )
