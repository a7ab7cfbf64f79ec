"""Who is in which team and location, and who has which role: set by admins in the CLI.

``read_people_csv`` checks a whole file before anything is written, naming the line of
every problem; ``import_people`` then writes all of it in one transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.models import Platform
from bot.people.validation import MAX_LABEL, parse_label
from bot.storage.tables import Role, User

ROLES = ("comms", "admin")
PLATFORMS = tuple(p.value for p in Platform)
CSV_COLUMNS = ("platform", "user_id", "team", "location", "display_name")
MAX_USER_ID = 200


@dataclass(frozen=True, kw_only=True)
class PersonRow:
    """One line of a people file, checked."""

    line: int
    platform: str
    user_id: str
    team: str | None
    location: str | None
    display_name: str | None


@dataclass(frozen=True, kw_only=True)
class LineProblem:
    """Why a line of a people file cannot be used: a catalogue key and its values."""

    line: int
    key: str
    values: dict[str, object]


def read_people_csv(text: str) -> tuple[list[PersonRow], list[LineProblem]]:
    """The people in a CSV text with a header row, and every problem (by line number).

    Required columns: ``platform``, ``user_id``; optional: ``team``, ``location``,
    ``display_name``. An empty optional cell leaves that value as it is.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().casefold() for name in reader.fieldnames or []]
    missing = [name for name in ("platform", "user_id") if name not in header]
    if missing:
        return [], [
            LineProblem(
                line=1,
                key="people.import.columns",
                values={"missing": ", ".join(missing), "columns": ",".join(CSV_COLUMNS)},
            )
        ]
    reader.fieldnames = header
    rows: list[PersonRow] = []
    problems: list[LineProblem] = []
    seen: dict[tuple[str, str], int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:  # more cells than the header has columns
            problems.append(LineProblem(line=line, key="people.import.extra_cells", values={}))
            continue
        cells = {name: (value or "").strip() for name, value in record.items()}
        platform, user_id = cells.get("platform", "").casefold(), cells.get("user_id", "")
        if not any(cells.values()):
            continue  # a blank line
        if platform not in PLATFORMS:
            problems.append(
                LineProblem(
                    line=line,
                    key="people.import.platform",
                    values={"value": platform[:40], "platforms": ", ".join(PLATFORMS)},
                )
            )
            continue
        if not user_id or len(user_id) > MAX_USER_ID:
            problems.append(LineProblem(line=line, key="people.import.user_id", values={}))
            continue
        if (platform, user_id) in seen:
            problems.append(
                LineProblem(
                    line=line,
                    key="people.import.duplicate",
                    values={"other": seen[(platform, user_id)]},
                )
            )
            continue
        seen[(platform, user_id)] = line
        labels: dict[str, str | None] = {}
        for name in ("team", "location", "display_name"):
            value = cells.get(name, "")
            label = parse_label(value) if value else None
            if value and label is None:
                problems.append(
                    LineProblem(
                        line=line,
                        key="people.import.label",
                        values={"column": name, "limit": MAX_LABEL},
                    )
                )
            labels[name] = label or None
        rows.append(PersonRow(line=line, platform=platform, user_id=user_id, **labels))
    return rows, problems


def _person(session: Session, platform: str, user_id: str, now: datetime) -> User:
    user = session.exec(
        select(User).where(col(User.platform) == platform, col(User.platform_user_id) == user_id)
    ).first()
    if user is None:
        user = User(platform=platform, platform_user_id=user_id, created_at=now)
        session.add(user)
    return user


def import_people(engine: Engine, rows: list[PersonRow], *, now: datetime) -> tuple[int, int]:
    """Write every row in one transaction; return how many people were (new, updated)."""
    created = updated = 0
    with Session(engine) as session:
        for row in rows:
            user = _person(session, row.platform, row.user_id, now)
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
    engine: Engine, *, platform: str, user_id: str, now: datetime, **values: str | None
) -> None:
    """Set ``team``, ``location`` or ``display_name`` (given, already checked) of a person.

    An empty string clears the value; the person is created when not known yet.
    """
    with Session(engine) as session:
        user = _person(session, platform, user_id, now)
        for name, value in values.items():
            if value is not None:
                setattr(user, name, value or None)
        session.commit()


def grant_role(
    engine: Engine, *, platform: str, user_id: str, role: str, granted_by: str, now: datetime
) -> bool:
    """Give a person a role; False when they already had it."""
    with Session(engine) as session:
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


def revoke_role(engine: Engine, *, platform: str, user_id: str, role: str) -> bool:
    """Take a role away; False when the person did not have it."""
    with Session(engine) as session:
        result = session.execute(
            delete(Role).where(
                col(Role.platform) == platform,
                col(Role.platform_user_id) == user_id,
                col(Role.role) == role,
            )
        )
        session.commit()
    return bool(getattr(result, "rowcount", 0))


def find_person(engine: Engine, *, platform: str, user_id: str) -> int | None:
    """The database id of a person, or None when the bot does not know them."""
    with engine.connect() as connection:
        found: int | None = connection.execute(
            select(col(User.id)).where(
                col(User.platform) == platform, col(User.platform_user_id) == user_id
            )
        ).scalar()
    return found
