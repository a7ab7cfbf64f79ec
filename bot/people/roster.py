"""Who is in which team and location, and who has which role: set by admins in the CLI.

``read_people_csv`` checks a whole file before anything is written, naming the line of
every problem; ``PeopleStore.import_people`` then writes all of it in one transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.messages import Platform
from bot.people.validation import MAX_LABEL, parse_label

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


def _header_problem(header: list[str]) -> LineProblem | None:
    # A misspelled or repeated column would otherwise be dropped without a word, and the
    # import would say it worked while leaving teams or locations out.
    columns = ",".join(CSV_COLUMNS)
    unknown = [name for name in header if name not in CSV_COLUMNS]
    repeated = sorted({name for name in header if name in CSV_COLUMNS and header.count(name) > 1})
    missing = [name for name in ("platform", "user_id") if name not in header]
    if missing:
        return LineProblem(
            line=1,
            key="people.import.columns",
            values={"missing": ", ".join(missing), "columns": columns},
        )
    if unknown:
        shown = ", ".join(name or '""' for name in unknown)
        return LineProblem(
            line=1, key="people.import.unknown_columns", values={"names": shown, "columns": columns}
        )
    if repeated:
        return LineProblem(
            line=1,
            key="people.import.repeated_columns",
            values={"names": ", ".join(repeated), "columns": columns},
        )
    return None


def read_people_csv(text: str) -> tuple[list[PersonRow], list[LineProblem]]:
    """The people in a CSV text with a header row, and every problem (by line number).

    Required columns: ``platform``, ``user_id``; optional: ``team``, ``location``,
    ``display_name``. An empty optional cell leaves that value as it is. A column of
    another name, or a column named twice, is a problem on line 1.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().casefold() for name in reader.fieldnames or []]
    problem = _header_problem(header)
    if problem is not None:
        return [], [problem]
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
