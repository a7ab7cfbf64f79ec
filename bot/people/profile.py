"""A person's settings in the database: reading, changing, tracking on or off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, or_, select, update
from sqlmodel import Session, col

from bot.lists import split_list
from bot.storage.tables import ContentItem, User
from bot.suggestions.model import SHARE_STATUSES


@dataclass(frozen=True, kw_only=True)
class Profile:
    """The settings a person sees and changes."""

    user_id: int
    platform: str
    platform_user_id: str
    language: str | None
    topics: tuple[str, ...]
    digest: str
    digest_time: str
    digest_weekday: int
    timezone: str
    quiet_start: str
    quiet_end: str
    team: str | None
    location: str | None
    leaderboard: bool
    tracking: bool

    def form_values(self) -> dict[str, str]:
        """The settings as the text a settings form holds."""
        return {
            "topics": ",".join(self.topics),
            "digest": self.digest,
            "digest_time": self.digest_time,
            "digest_weekday": str(self.digest_weekday),
            "timezone": self.timezone,
            "quiet_start": self.quiet_start,
            "quiet_end": self.quiet_end,
            "team": self.team or "",
            "location": self.location or "",
            "leaderboard": "yes" if self.leaderboard else "no",
        }


def load_profile(engine: Engine, user_id: int) -> Profile | None:
    """The person's settings, or None when there is no such person."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        return Profile(
            user_id=user_id,
            platform=user.platform,
            platform_user_id=user.platform_user_id,
            language=user.language,
            topics=split_list(user.topics, squeeze=True, fold_case=True),
            digest=user.digest,
            digest_time=user.digest_time,
            digest_weekday=user.digest_weekday,
            timezone=user.timezone,
            quiet_start=user.quiet_start,
            quiet_end=user.quiet_end,
            team=user.team,
            location=user.location,
            leaderboard=user.leaderboard,
            tracking=user.tracking,
        )


def apply_changes(engine: Engine, user_id: int, changes: dict[str, object]) -> list[str]:
    """Write validated ``changes``; return the names of the settings that really changed."""
    with Session(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            return []
        changed = [name for name, value in changes.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, changes[name])
        session.commit()
    return changed


def known_spelling(engine: Engine, column: str, value: str | None) -> str | None:
    """``value`` as already spelled for someone else ("sales" -> "Sales"), else as given.

    Keeps one team from splitting into several in the reports over a difference in case.
    """
    if not value or column not in ("team", "location"):
        return value
    field = col(User.team) if column == "team" else col(User.location)
    with engine.connect() as connection:
        spellings = (
            connection.execute(
                select(field).where(func.lower(field) == value.lower()).distinct().limit(5)
            )
            .scalars()
            .all()
        )
    known = sorted(s for s in spellings if s)
    return value if value in known or not known else known[0]


def set_tracking(engine: Engine, user_id: int, *, on: bool) -> bool:
    """Turn personal tracking on or off; False when it already was (or no such person)."""
    with engine.begin() as connection:
        result = connection.execute(
            update(User)
            .where(col(User.id) == user_id, col(User.tracking) != on)
            .values(tracking=on)
        )
    return result.rowcount > 0


def mark_explained(engine: Engine, user_id: int, now: datetime) -> bool:
    """Note that tracking was explained to the person; True only the very first time.

    Safe when two messages arrive at once: exactly one of them gets True.
    """
    with engine.begin() as connection:
        result = connection.execute(
            update(User)
            .where(col(User.id) == user_id, col(User.tracking_explained_at).is_(None))
            .values(tracking_explained_at=now)
        )
    return result.rowcount > 0


def live_topics(engine: Engine, now: datetime) -> list[str]:
    """The topics of content that can be suggested now, sorted, each spelled once."""
    statement = select(col(ContentItem.topics)).where(
        col(ContentItem.status).in_(SHARE_STATUSES),
        or_(col(ContentItem.not_before).is_(None), col(ContentItem.not_before) <= now),
        or_(col(ContentItem.expires).is_(None), col(ContentItem.expires) > now),
    )
    topics: dict[str, str] = {}
    with engine.connect() as connection:
        for (value,) in connection.execute(statement):
            for topic in split_list(value, squeeze=True, fold_case=True):
                topics.setdefault(topic.casefold(), topic)
    return sorted(topics.values(), key=str.casefold)
