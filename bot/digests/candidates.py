"""Who could get a digest now: everyone opted in, read in one query, and the schedule applied."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from bot.digests.schedule import DigestPlan, digest_key, due_digest
from bot.digests.store import DigestStore
from bot.i18n import SUPPORTED
from bot.settings import Settings


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """An opted-in person whose digest window is open now."""

    user_id: int
    platform: str
    language: str
    """Their language when the bot speaks it, else empty (the pass's default applies)."""
    frequency: str
    key: str
    plan: DigestPlan
    last_digest_at: datetime | None


def due_candidates(
    digests: DigestStore,
    *,
    now: datetime,
    settings: Settings,
    platforms: Collection[str] | None = None,
) -> tuple[int, list[Candidate]]:
    """Everyone opted in (on ``platforms``, if given), and those of them due at ``now``.

    Returns the number opted in and the candidates whose window is open now, in one
    query for the people; cap and existing digests are not checked here.
    """
    subscribers = digests.subscribers(platforms=platforms)
    candidates: list[Candidate] = []
    for subscriber in subscribers:
        plan = subscriber.plan
        due = due_digest(plan, now, default_timezone=settings.timezone)
        if due is None:
            continue
        candidates.append(
            Candidate(
                user_id=subscriber.user_id,
                platform=subscriber.platform,
                language=subscriber.language if subscriber.language in SUPPORTED else "",
                frequency=plan.frequency,
                key=digest_key(subscriber.user_id, due.period),
                plan=plan,
                last_digest_at=subscriber.last_digest_at,
            )
        )
    return len(subscribers), candidates
