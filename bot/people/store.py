"""The SQL of the people area: settings, roster and roles, and forgetting (the export's
reading is in ``bot.people.queries``).

``PeopleStore`` takes and returns plain values (``Profile``, ``PersonRow``,
``Forgotten``, the export document); the features, replies and the CLI work on those.
Forgetting deletes the personal rows and keeps the anonymous totals (see ``forget``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CursorResult,
    Delete,
    Engine,
    String,
    Update,
    cast,
    delete,
    func,
    literal,
    or_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.digests.schedule import CAP_DAYS, WEEKLY_CAP
from bot.lists import split_list
from bot.people.forget import Forgotten
from bot.people.profile import Profile
from bot.people.queries import actors, export_identity, export_person
from bot.people.roster import PersonRow
from bot.storage.store import Store
from bot.storage.tables import (
    ContentItem,
    ConversationReference,
    DraftCheck,
    Event,
    Feed,
    OutboxMessage,
    Question,
    Role,
    Share,
    User,
)
from bot.suggestions.suggestion import SHARE_STATUSES

FORGOTTEN_ACTOR = "forgotten"
"""What stands where a forgotten person had added, approved or granted something."""


class PeopleStore:
    """Reads and writes what the bot keeps about people, through one engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def from_store(cls, store: Store) -> PeopleStore:
        """The people's records in ``store``'s database."""
        return cls(store.engine)

    def export(self, user_id: int, *, now: datetime) -> dict[str, Any] | None:
        """The person's data as plain JSON values; None when there is no such person."""
        with Session(self._engine) as session:
            return export_person(session, user_id, now=now)

    def export_identity(
        self, *, platform: str, platform_user_id: str, now: datetime
    ) -> dict[str, Any] | None:
        """What is kept about a platform id, as plain JSON values, also when the person is
        known only by a role; None when nothing is."""
        with Session(self._engine) as session:
            return export_identity(
                session, platform=platform, platform_user_id=platform_user_id, now=now
            )

    def forget(self, user_id: int) -> Forgotten | None:
        """Delete the person's personal rows in one transaction (see bot.people.forget).

        None when there is no such person.
        """
        with Session(self._engine) as session:
            user = session.get(User, user_id)
            if user is None:
                return None
            return self._forget(session, user.platform, user.platform_user_id, user_id)

    def forget_identity(self, *, platform: str, platform_user_id: str) -> Forgotten | None:
        """Like ``forget``, by platform id: also reaches someone known only by a role or as
        who added or approved something (they never talked to the bot, so have no user row).

        None when nothing at all is stored about that id.
        """
        with Session(self._engine) as session:
            user_id = session.exec(
                select(col(User.id)).where(
                    col(User.platform) == platform, col(User.platform_user_id) == platform_user_id
                )
            ).first()
            forgotten = self._forget(session, platform, platform_user_id, user_id)
            if user_id is None and forgotten.roles + forgotten.credits_removed == 0:
                return None
            return forgotten

    @staticmethod
    def _forget(
        session: Session, platform: str, platform_user_id: str, user_id: int | None
    ) -> Forgotten:
        names = actors(platform, platform_user_id)

        def run(statement: Delete | Update) -> int:
            # On the session's connection: an ORM-level execute of a bulk UPDATE does not
            # hand back a cursor result, and the counts are what the person is told.
            result = session.connection().execute(statement)
            return result.rowcount if isinstance(result, CursorResult) else 0

        def by_user(statement: Delete | Update) -> int:
            return 0 if user_id is None else run(statement)

        forgotten = Forgotten(
            questions=by_user(delete(Question).where(col(Question.user_id) == user_id)),
            conversations=by_user(
                delete(ConversationReference).where(col(ConversationReference.user_id) == user_id)
            ),
            outbox=by_user(delete(OutboxMessage).where(col(OutboxMessage.user_id) == user_id)),
            roles=run(
                delete(Role).where(
                    col(Role.platform) == platform,
                    col(Role.platform_user_id) == platform_user_id,
                )
            ),
            events_anonymised=by_user(
                update(Event)
                .where(col(Event.user_id) == user_id)
                .values(
                    user_id=None,
                    idempotency_key=literal("forgotten:") + cast(col(Event.id), String),
                )
            ),
            checks_anonymised=by_user(
                update(DraftCheck)
                .where(col(DraftCheck.user_id) == user_id)
                .values(user_id=None, text=None)
            ),
            shares_anonymised=by_user(
                update(Share).where(col(Share.user_id) == user_id).values(user_id=None)
            ),
            credits_removed=sum(
                run(update(table).where(col(by).in_(names)).values({by: FORGOTTEN_ACTOR}))
                for table, by in (
                    (ContentItem, ContentItem.added_by),
                    (ContentItem, ContentItem.approved_by),
                    (Feed, Feed.added_by),
                    (Role, Role.granted_by),
                )
            ),
        )
        if user_id is not None:
            session.execute(delete(User).where(col(User.id) == user_id))
        session.commit()
        return forgotten

    def profile(self, user_id: int) -> Profile | None:
        """The person's settings, or None when there is no such person."""
        with Session(self._engine) as session:
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

    def apply_changes(self, user_id: int, changes: dict[str, object]) -> list[str]:
        """Write validated ``changes``; return the names of the settings that really changed.

        The digest cap goes with the frequency: seven a week for a daily digest, back to
        the weekly cap when the person leaves daily (or turns digests off).
        """
        with Session(self._engine) as session:
            user = session.get(User, user_id)
            if user is None:
                return []
            changed = [name for name, value in changes.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, changes[name])
            # The cap follows the frequency. A weekly cap would turn a daily digest into a
            # weekly one; a daily cap kept after going weekly lets a change of weekday
            # bring a second digest within days of the last.
            if user.digest == "daily" and user.digest_cap < CAP_DAYS:
                user.digest_cap = CAP_DAYS
            elif "digest" in changed and user.digest_cap > WEEKLY_CAP:
                user.digest_cap = WEEKLY_CAP
            session.commit()
        return changed

    def known_spelling(self, column: str, value: str | None) -> str | None:
        """``value`` as already spelled for someone else ("sales" -> "Sales"), else as given.

        Keeps one team from splitting into several in the reports over a difference in case.
        """
        if not value or column not in ("team", "location"):
            return value
        field = col(User.team) if column == "team" else col(User.location)
        with self._engine.connect() as connection:
            spellings = (
                connection.execute(
                    select(field).where(func.lower(field) == value.lower()).distinct().limit(5)
                )
                .scalars()
                .all()
            )
        known = sorted(s for s in spellings if s)
        return value if value in known or not known else known[0]

    def set_tracking(self, user_id: int, *, on: bool) -> bool:
        """Turn personal tracking on or off; False when it already was (or no such person).

        Turning it off also unlinks the person's share links: a later click on a link they
        posted before counts for the item, never for them. Done even when tracking was off
        already, so links kept from before this was done are unlinked too.
        """
        with self._engine.begin() as connection:
            result = connection.execute(
                update(User)
                .where(col(User.id) == user_id, col(User.tracking) != on)
                .values(tracking=on)
            )
            if not on:
                connection.execute(
                    update(Share).where(col(Share.user_id) == user_id).values(user_id=None)
                )
        return result.rowcount > 0

    def mark_explained(self, user_id: int, now: datetime) -> bool:
        """Note that tracking was explained to the person; True only the very first time.

        Safe when two messages arrive at once: exactly one of them gets True.
        """
        with self._engine.begin() as connection:
            result = connection.execute(
                update(User)
                .where(col(User.id) == user_id, col(User.tracking_explained_at).is_(None))
                .values(tracking_explained_at=now)
            )
        return result.rowcount > 0

    def live_topics(self, now: datetime) -> list[str]:
        """The topics of content that can be suggested now, sorted, each spelled once."""
        statement = select(col(ContentItem.topics)).where(
            col(ContentItem.status).in_(SHARE_STATUSES),
            or_(col(ContentItem.not_before).is_(None), col(ContentItem.not_before) <= now),
            or_(col(ContentItem.expires).is_(None), col(ContentItem.expires) > now),
        )
        topics: dict[str, str] = {}
        with self._engine.connect() as connection:
            for (value,) in connection.execute(statement):
                for topic in split_list(value, squeeze=True, fold_case=True):
                    topics.setdefault(topic.casefold(), topic)
        return sorted(topics.values(), key=str.casefold)

    @staticmethod
    def _person(session: Session, platform: str, user_id: str, now: datetime) -> User:
        user = session.exec(
            select(User).where(
                col(User.platform) == platform, col(User.platform_user_id) == user_id
            )
        ).first()
        if user is None:
            user = User(platform=platform, platform_user_id=user_id, created_at=now)
            session.add(user)
        return user

    def import_people(self, rows: list[PersonRow], *, now: datetime) -> tuple[int, int]:
        """Write every row in one transaction; return how many people were (new, updated)."""
        created = updated = 0
        with Session(self._engine) as session:
            for row in rows:
                user = self._person(session, row.platform, row.user_id, now)
                if user.id is None:
                    created += 1
                else:
                    updated += 1
                for name in ("team", "location", "display_name"):
                    value = getattr(row, name)
                    if value is not None:
                        setattr(user, name, value)
            session.commit()
        return created, updated

    def set_person(
        self, *, platform: str, user_id: str, now: datetime, **values: str | None
    ) -> None:
        """Set ``team``, ``location`` or ``display_name`` (given, already checked) of a person.

        An empty string clears the value; the person is created when not known yet.
        """
        with Session(self._engine) as session:
            user = self._person(session, platform, user_id, now)
            for name, value in values.items():
                if value is not None:
                    setattr(user, name, value or None)
            session.commit()

    def grant_role(
        self, *, platform: str, user_id: str, role: str, granted_by: str, now: datetime
    ) -> bool:
        """Give a person a role; False when they already had it."""
        with Session(self._engine) as session:
            session.add(
                Role(
                    platform=platform,
                    platform_user_id=user_id,
                    role=role,
                    granted_by=granted_by,
                    granted_at=now,
                )
            )
            try:
                session.commit()
            except IntegrityError:
                return False
        return True

    def revoke_role(self, *, platform: str, user_id: str, role: str) -> bool:
        """Take a role away; False when the person did not have it."""
        with Session(self._engine) as session:
            result = session.execute(
                delete(Role).where(
                    col(Role.platform) == platform,
                    col(Role.platform_user_id) == user_id,
                    col(Role.role) == role,
                )
            )
            session.commit()
        return bool(getattr(result, "rowcount", 0))

    def find_person(self, *, platform: str, user_id: str) -> int | None:
        """The database id of a person, or None when the bot does not know them."""
        with self._engine.connect() as connection:
            found: int | None = connection.execute(
                select(col(User.id)).where(
                    col(User.platform) == platform, col(User.platform_user_id) == user_id
                )
            ).scalar()
        return found
