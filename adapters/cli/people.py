"""``merkwerker privacy`` and ``merkwerker people``: one person's data, teams and roles.

``privacy export`` writes everything stored about a person as JSON; ``privacy forget``
deletes it (keeping anonymous totals); ``privacy opt-out``/``opt-in`` switch personal
tracking. ``people import``/``set`` record teams and locations; ``people grant``/``revoke``
manage the comms and admin roles. Every problem ends in one clear sentence on standard
error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from adapters.cli.common import cli_language, fail, open_existing_store, open_store, out
from bot.i18n import t

if TYPE_CHECKING:
    from bot.people import PeopleStore

privacy_app = typer.Typer(
    help="Export, forget, and tracking opt-out for one person.", no_args_is_help=True
)
people_app = typer.Typer(help="Teams, locations and roles of people.", no_args_is_help=True)


DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database", help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."
    ),
]
PlatformOption = Annotated[
    str,
    typer.Option(
        "--platform",
        help="Where the person chats: slack, teams or console (cli: who ran people grant here).",
    ),
]
UserOption = Annotated[str, typer.Option("--user", help="The person's id on that platform.")]
LangOption = Annotated[
    str | None, typer.Option("--lang", "-l", help="Messages in this language (nl or en).")
]


def _fail(message: str, code: int = 2) -> NoReturn:
    fail(message, code)


def _language(lang: str | None) -> str:
    return cli_language(lang)


def _say(text: str) -> None:
    out.print(text, markup=False)


def _now() -> datetime:
    return datetime.now(UTC)


def _person_id(platform: str, user: str, language: str) -> tuple[str, str]:
    """The platform and user id, checked."""
    from bot.people.roster import MAX_USER_ID, PLATFORMS

    platform = platform.strip().casefold()
    if platform not in PLATFORMS:
        _fail(
            t(language, "people.cli.bad_platform", value=platform, platforms=", ".join(PLATFORMS))
        )
    user = user.strip()
    if not user or len(user) > MAX_USER_ID:
        _fail(t(language, "people.cli.bad_user", limit=MAX_USER_ID))
    return platform, user


@contextmanager
def _store(database: str | None, language: str, *, existing: bool = False) -> Iterator[PeopleStore]:
    """The people in the database. With ``existing``, a SQLite file that is not there is one
    sentence and exit 1: reading, deleting or switching off tracking in a new empty file
    would wrongly report that nothing is stored about the person."""
    from bot.people import PeopleStore

    store = (
        open_existing_store(database, language, missing_key="privacy.cli.no_database")
        if existing
        else open_store(database, language)
    )
    try:
        yield PeopleStore.from_store(store)
    finally:
        store.close()


@privacy_app.command("export")
def export(
    platform: PlatformOption,
    user: UserOption,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the JSON to this file.")
    ] = None,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Everything stored about one person, as JSON (for "what do you know about me?")."""
    from bot.people import export_json

    language = _language(lang)
    platform, user = _person_id(platform, user, language)
    with _store(database, language, existing=True) as store:
        document = store.export_identity(platform=platform, platform_user_id=user, now=_now())
    if document is None:
        _fail(t(language, "privacy.cli.unknown_user", platform=platform, user=user), 1)
    text = export_json(document)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(
            t(
                language,
                "privacy.cli.cannot_write",
                path=str(output),
                reason=error.strerror or str(error),
            ),
            1,
        )
    _say(t(language, "privacy.cli.exported", platform=platform, user=user, path=str(output)))


@privacy_app.command("forget")
def forget(
    platform: PlatformOption,
    user: UserOption,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Delete a person's personal data; anonymous totals stay."""
    from bot.people.privacy_feature import forgotten_parts

    language = _language(lang)
    platform, user = _person_id(platform, user, language)
    with _store(database, language, existing=True) as store:
        if store.export_identity(platform=platform, platform_user_id=user, now=_now()) is None:
            _fail(t(language, "privacy.cli.unknown_user", platform=platform, user=user), 1)
        if not yes:
            if not sys.stdin.isatty():
                _fail(t(language, "privacy.cli.need_yes"))
            if not typer.confirm(t(language, "privacy.cli.confirm", platform=platform, user=user)):
                _fail(t(language, "privacy.cli.aborted"), 1)
        result = store.forget_identity(platform=platform, platform_user_id=user)
    if result is None:
        _fail(t(language, "privacy.cli.unknown_user", platform=platform, user=user), 1)
    _say(t(language, "privacy.cli.forgotten", platform=platform, user=user))
    for part in forgotten_parts(result, language)[1:]:
        _say(getattr(part, "text", ""))


def _switch_tracking(
    platform: str, user: str, database: str | None, lang: str | None, *, on: bool
) -> None:
    from bot.people import PeopleStore

    language = _language(lang)
    platform, user = _person_id(platform, user, language)
    store = open_existing_store(database, language, missing_key="privacy.cli.no_database")
    try:
        people = PeopleStore.from_store(store)
        known = people.find_person(platform=platform, user_id=user)
        if known is None and on:  # tracking is on for everyone new: nothing to record
            _fail(t(language, "privacy.cli.unknown_user", platform=platform, user=user), 1)
        # Someone who never talked to the bot yet can be opted out in advance.
        user_id = known or store.ensure_user(platform=platform, platform_user_id=user)
        changed = people.set_tracking(user_id, on=on)
    finally:
        store.close()
    _say(
        t(
            language,
            _tracking_key(on=on, known=known is not None, changed=changed),
            platform=platform,
            user=user,
        )
    )


def _tracking_key(*, on: bool, known: bool, changed: bool) -> str:
    if not known:
        return "privacy.cli.opted_out_unknown"
    if not changed:
        return "privacy.cli.already_on" if on else "privacy.cli.already_off"
    return "privacy.cli.opted_in" if on else "privacy.cli.opted_out"


@privacy_app.command("opt-out")
def opt_out(
    platform: PlatformOption,
    user: UserOption,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Stop linking what this person does to them (totals still count, anonymously)."""
    _switch_tracking(platform, user, database, lang, on=False)


@privacy_app.command("opt-in")
def opt_in(
    platform: PlatformOption,
    user: UserOption,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Turn personal tracking back on for this person."""
    _switch_tracking(platform, user, database, lang, on=True)


@people_app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="CSV: platform,user_id,team,location,display_name")],
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Set teams, locations and names from a CSV file; nothing is written if a line is wrong."""
    from bot.people import read_people_csv

    language = _language(lang)
    try:
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        _fail(t(language, "people.import.not_utf8", path=str(file)))
    except OSError as error:
        _fail(
            t(
                language,
                "people.import.unreadable",
                path=str(file),
                reason=error.strerror or str(error),
            )
        )
    rows, problems = read_people_csv(text)
    if problems:
        lines = [t(language, "people.import.failed", path=str(file), count=len(problems))]
        lines += [
            "  "
            + t(language, "people.import.line", line=p.line, problem=t(language, p.key, **p.values))
            for p in problems
        ]
        _fail("\n".join(lines))
    if not rows:
        _fail(t(language, "people.import.empty", path=str(file)))
    with _store(database, language) as store:
        created, updated = store.import_people(rows, now=_now())
    _say(t(language, "people.import.done", count=len(rows), created=created, updated=updated))


@people_app.command("set")
def set_command(
    platform: PlatformOption,
    user: UserOption,
    team: Annotated[str | None, typer.Option("--team", help="Team (empty to clear).")] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="Location (empty to clear).")
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Display name (shown only on an opted-in leaderboard)."),
    ] = None,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Set a person's team, location or display name."""
    from bot.people.validation import MAX_LABEL, parse_label

    language = _language(lang)
    platform, user = _person_id(platform, user, language)
    values: dict[str, str | None] = {}
    for option, column, value in (
        ("team", "team", team),
        ("location", "location", location),
        ("name", "display_name", name),
    ):
        if value is None:
            continue
        label = parse_label(value)
        if label is None:
            _fail(t(language, "people.cli.bad_label", option=option, limit=MAX_LABEL))
        values[column] = label
    if not values:
        _fail(t(language, "people.cli.nothing_to_set"))
    with _store(database, language) as store:
        store.set_person(platform=platform, user_id=user, now=_now(), **values)
    _say(t(language, "people.cli.set", platform=platform, user=user))


def _role(role: str, language: str) -> str:
    from bot.people import ROLES

    role = role.strip().casefold()
    if role not in ROLES:
        _fail(t(language, "people.cli.bad_role", value=role, roles=", ".join(ROLES)))
    return role


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


RoleOption = Annotated[str, typer.Option("--role", help="comms or admin.")]


@people_app.command("grant")
def grant(
    platform: PlatformOption,
    user: UserOption,
    role: RoleOption,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Give a person the comms or admin role."""
    language = _language(lang)
    platform, user = _person_id(platform, user, language)
    role = _role(role, language)
    with _store(database, language) as store:
        granted = store.grant_role(
            platform=platform,
            user_id=user,
            role=role,
            granted_by=_operator(),
            now=_now(),
        )
    key = "people.cli.granted" if granted else "people.cli.already_granted"
    _say(t(language, key, platform=platform, user=user, role=role))


@people_app.command("revoke")
def revoke(
    platform: PlatformOption,
    user: UserOption,
    role: RoleOption,
    database: DatabaseOption = None,
    lang: LangOption = None,
) -> None:
    """Take the comms or admin role away from a person."""
    language = _language(lang)
    platform, user = _person_id(platform, user, language)
    role = _role(role, language)
    with _store(database, language, existing=True) as store:
        revoked = store.revoke_role(platform=platform, user_id=user, role=role)
    key = "people.cli.revoked" if revoked else "people.cli.not_granted"
    _say(t(language, key, platform=platform, user=user, role=role))
