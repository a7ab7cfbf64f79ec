"""Picking what one person could share now: eligible content, ranked for them.

Eligible: approved or live, past its embargo (``not_before``), not expired, meant for
this person's team, location and language (an empty audience is everyone), and not
already marked shared or dismissed by them. Ranked by, in this order of weight:
followed topics, priority, freshness, and what they said "not for me" about before;
a small per-person tie-breaker gives colleagues a different order among near-equal items.

Four small queries on one connection, whatever the size of the event log: the person's
own feedback is read through the index on ``event.user_id``, and the database computes
each item's age so no timestamps need parsing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Connection, Engine, Executable, bindparam, case, func, or_, select
from sqlmodel import col

from bot.storage.tables import ContentItem, Event, User, UTCDateTime
from bot.suggestions.captions import caption_variants, pick_caption, stable_fraction
from bot.suggestions.model import SHARE_STATUSES, Suggestion, folded_set, split_list
from bot.suggestions.sqltime import age_days

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

_DONE_KINDS = ("marked_shared", "dismissed")
_REASON_PENALTIES = {"topic": TOPIC_REASON_PENALTY, "team": TEAM_REASON_PENALTY}


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


def _audience_ok(person: Person, teams: str, locations: str, languages: str) -> bool:
    for wanted, value in ((teams, person.team), (locations, person.location),
                          (languages, person.language)):
        allowed = folded_set(wanted)
        if allowed and (value is None or value.strip().casefold() not in allowed):
            return False
    return True


def _person(connection: Connection, user_id: int) -> Person | None:
    row = connection.execute(
        select(col(User.language), col(User.team), col(User.location), col(User.topics))
        .where(col(User.id) == user_id)
    ).first()
    if row is None:
        return None
    language, team, location, topics = row
    return Person(id=user_id, language=language, team=team, location=location,
                  topics=folded_set(topics))


def _feedback(connection: Connection, user_id: int) -> tuple[set[int], dict[str, float]]:
    """Items this person is done with, and the penalty per topic from their reasons."""
    statement = (
        select(col(Event.item_id), col(Event.reason), col(ContentItem.topics))
        .outerjoin(ContentItem, col(ContentItem.id) == col(Event.item_id))
        .where(col(Event.user_id) == user_id, col(Event.kind).in_(_DONE_KINDS))
    )
    done: set[int] = set()
    penalties: dict[str, float] = {}
    for item_id, reason, topics in connection.execute(statement):
        if item_id is not None:
            done.add(item_id)
        weight = _REASON_PENALTIES.get(reason or "")
        if weight:
            for topic in folded_set(topics):
                penalties[topic] = penalties.get(topic, 0.0) + weight
    return done, penalties


@lru_cache(maxsize=2)
def _candidates(with_new_since: bool) -> Executable:
    """The eligible items' ranking columns; built once, run with ``now`` (and ``new_since``)."""
    now = bindparam("now", type_=UTCDateTime)
    approved_at = col(ContentItem.approved_at)
    approved = func.coalesce(approved_at, col(ContentItem.created_at))
    not_before = col(ContentItem.not_before)
    # Visible since approval, or since the embargo lifted if that came later.
    visible = case((not_before > approved, not_before), else_=approved)
    statement = select(
        col(ContentItem.id), col(ContentItem.topics), col(ContentItem.priority),
        age_days(bindparam("now_age", type_=UTCDateTime), visible),
        col(ContentItem.audience_teams), col(ContentItem.audience_locations),
        col(ContentItem.audience_languages),
    ).where(
        col(ContentItem.status).in_(SHARE_STATUSES),
        or_(not_before.is_(None), not_before <= now),
        or_(col(ContentItem.expires).is_(None), col(ContentItem.expires) > now),
    )
    if with_new_since:
        since = bindparam("new_since", type_=UTCDateTime)
        statement = statement.where(
            or_(
                approved_at > since,
                approved_at.is_(None) & (col(ContentItem.created_at) > since),
                not_before > since,
            )
        )
    return statement


def suggest(
    engine: Engine,
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
    with engine.connect() as connection:
        person = _person(connection, user_id)
        if person is None:
            return []
        done, penalties = _feedback(connection, user_id)
        skip = done | exclude
        params: dict[str, datetime] = {"now": now, "now_age": now}
        if new_since is not None:
            params["new_since"] = new_since
        rows = connection.execute(_candidates(new_since is not None), params).all()
        by_topics: dict[str, float] = {}
        scored: list[tuple[float, int]] = []
        for item_id, topics, priority, age, teams, locations, languages in rows:
            if item_id is None or item_id in skip:
                continue
            if (teams or locations or languages) and not _audience_ok(
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
        return _details(connection, person, _top(scored, person_id=user_id, limit=limit))


def _top(scored: list[tuple[float, int]], *, person_id: int, limit: int) -> list[tuple[float, int]]:
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


def _details(
    connection: Connection, person: Person, ranked: list[tuple[float, int]]
) -> list[Suggestion]:
    if not ranked:
        return []
    statement = select(
        col(ContentItem.id), col(ContentItem.title), col(ContentItem.url),
        col(ContentItem.summary), col(ContentItem.captions), col(ContentItem.topics),
    ).where(col(ContentItem.id).in_([item_id for _, item_id in ranked]))
    rows = {row[0]: row for row in connection.execute(statement)}
    suggestions = []
    for value, item_id in ranked:
        if item_id not in rows:  # deleted between the two queries
            continue
        _, title, url, summary, captions, topics = rows[item_id]
        variants = caption_variants(captions, person.language)
        suggestions.append(
            Suggestion(
                item_id=item_id,
                title=title,
                url=url,
                summary=summary or "",
                caption=pick_caption(variants, user_id=person.id, item_id=item_id, fallback=title),
                topics=split_list(topics),
                score=round(value, 4),
            )
        )
    return suggestions
