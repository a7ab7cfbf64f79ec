"""Teams, locations and roles from the command line, and what the store remembers of people."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import cli, open_chat
from sqlmodel import Session, select
from suggestions_fixtures import T0, add_item

from bot.messages import ConversationRef, Platform
from bot.people import read_people_csv
from bot.storage import Store
from bot.storage.tables import ConversationReference, Role, User


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def people(store: Store) -> dict[tuple[str, str], tuple[str | None, str | None, str | None]]:
    with Session(store.engine) as session:
        return {
            (u.platform, u.platform_user_id): (u.team, u.location, u.display_name)
            for u in session.exec(select(User)).all()
        }


def test_people_import_writes_all_or_nothing(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    store.ensure_user(platform="slack", platform_user_id="U1")
    good = tmp_path / "people.csv"
    good.write_text(
        "platform,user_id,team,location,display_name\n"
        "slack,U1,Sales,Amsterdam,Anna\n"
        "teams,29:abc,Ops,,\n"
        "\n",
        encoding="utf-8",
    )
    done = cli("people", "import", str(good), database=database_url)
    assert done.returncode == 0, done.stderr
    assert "Imported 2 people: 1 new, 1 updated." in done.stdout
    assert people(store) == {
        ("slack", "U1"): ("Sales", "Amsterdam", "Anna"),
        ("teams", "29:abc"): ("Ops", None, None),
    }

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "platform,user_id,team\n"
        "slack,U2,Marketing\n"
        "myspace,U3,Ops\n"
        "slack,,Ops\n"
        "slack,U2,Again\n"
        "slack,U4,Ops,extra\n",
        encoding="utf-8",
    )
    failed = cli("people", "import", str(bad), database=database_url)
    assert failed.returncode == 2
    lines = failed.stderr.strip().splitlines()
    assert lines[0] == f"{bad} has 4 problem(s); nothing was imported:"
    assert lines[1].strip().startswith('line 3: platform is "myspace"')
    assert lines[2].strip() == "line 4: user_id is empty or longer than 200 characters."
    assert lines[3].strip() == "line 5: this person is already on line 2."
    assert lines[4].strip().startswith("line 6: this line has more cells")
    assert ("slack", "U2") not in people(store)


def test_people_import_refuses_unreadable_files(database_url: str, tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("platform,user_id,team\nslack,U1,Caf\xe9\n".encode("latin-1"))
    assert "is not UTF-8" in cli("people", "import", str(latin), database=database_url).stderr
    missing = cli("people", "import", str(tmp_path / "nope.csv"), database=database_url)
    assert missing.returncode == 2 and "Cannot read" in missing.stderr
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("slack,U1,Sales\n", encoding="utf-8")
    done = cli("people", "import", str(headerless), database=database_url)
    assert "missing: platform, user_id" in done.stderr
    assert "Traceback" not in done.stderr


def test_read_people_csv_accepts_a_byte_order_mark_and_any_column_order() -> None:
    rows, problems = read_people_csv("\ufeffUser_ID,Platform,Location\nU1,Slack,Utrecht\n")
    assert problems == []
    assert [(r.platform, r.user_id, r.location, r.team) for r in rows] == [
        ("slack", "U1", "Utrecht", None)
    ]


def test_people_set_grant_and_revoke(store: Store, database_url: str) -> None:
    done = cli(
        "people",
        "set",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--team",
        "Legal",
        "--location",
        "Utrecht",
        database=database_url,
    )
    assert done.returncode == 0, done.stderr
    assert people(store)[("slack", "U5")] == ("Legal", "Utrecht", None)
    cleared = cli(
        "people",
        "set",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--location",
        "",
        database=database_url,
    )
    assert cleared.returncode == 0
    assert people(store)[("slack", "U5")] == ("Legal", None, None)
    nothing = cli("people", "set", "--platform", "slack", "--user", "U5", database=database_url)
    assert nothing.returncode == 2 and "--team, --location or --name" in nothing.stderr
    comma = cli(
        "people",
        "set",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--team",
        "A, B",
        database=database_url,
    )
    assert comma.returncode == 2 and "--team is too long or holds a comma" in comma.stderr

    granted = cli(
        "people",
        "grant",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--role",
        "comms",
        database=database_url,
    )
    assert "now has the role comms" in granted.stdout
    again = cli(
        "people",
        "grant",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--role",
        "comms",
        database=database_url,
    )
    assert "already has the role comms" in again.stdout
    assert store.roles_of("slack", "U5") == {"comms"}
    cli(
        "people",
        "grant",
        "--platform",
        "slack",
        "--user",
        "U6",
        "--role",
        "admin",
        database=database_url,
    )
    assert store.roles_of("slack", "U6") == {"admin", "comms"}
    bad_role = cli(
        "people",
        "grant",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--role",
        "king",
        database=database_url,
    )
    assert bad_role.returncode == 2 and "--role king is not one of: comms, admin." in (
        bad_role.stderr
    )
    revoked = cli(
        "people",
        "revoke",
        "--platform",
        "slack",
        "--user",
        "U5",
        "--role",
        "comms",
        database=database_url,
    )
    assert "no longer has the role comms" in revoked.stdout
    assert store.roles_of("slack", "U5") == set()
    with Session(store.engine) as session:
        assert [r.platform_user_id for r in session.exec(select(Role)).all()] == ["U6"]


def test_save_conversation_keeps_one_reference_per_person_and_platform(store: Store) -> None:
    user_id = store.ensure_user(platform="teams", platform_user_id="29:a", language="nl")
    first = ConversationRef(
        platform=Platform.TEAMS,
        conversation_id="c1",
        user_id="29:a",
        data={"serviceUrl": "https://smba.example"},
    )
    second = ConversationRef(
        platform=Platform.TEAMS,
        conversation_id="c2",
        user_id="29:a",
        thread_id="t9",
        data={"serviceUrl": "https://smba.example"},
    )
    row = store.save_conversation(user_id=user_id, ref=first, now=T0)
    assert store.save_conversation(user_id=user_id, ref=second, now=T0) == row
    with Session(store.engine) as session:
        refs = session.exec(select(ConversationReference)).all()
    assert [(r.conversation_id, r.updated_at) for r in refs] == [("c2", T0)]
    assert json.loads(refs[0].data) == {
        "serviceUrl": "https://smba.example",
        "conversation_id": "c2",
        "thread_id": "t9",
    }
    assert store.user_language("teams", "29:a") == "nl"
    assert store.user_language("teams", "nobody") is None


def test_the_bot_remembers_conversations_and_reads_granted_roles(
    database_url: str, tmp_path: Path
) -> None:
    with open_chat(tmp_path, database_url=database_url, now=T0) as chat:
        add_item(chat.engine)
        anna = chat.person("U1")
        anna.say("hi")
        with Session(chat.engine) as session:
            assert session.exec(select(ConversationReference.conversation_id)).all() == ["D-U1"]
        granted = chat.cli(
            "people", "grant", "--platform", "slack", "--user", "U1", "--role", "comms"
        )
        assert granted.returncode == 0, granted.stderr
        ctx = chat.run(
            chat.bot.context(
                platform=Platform.SLACK,
                platform_user_id="U1",
                conversation=anna.conversation,
                language="en",
            )
        )
        assert "comms" in ctx.roles
        # An action without a locale is answered in the language the person last used.
        anna.switch_language(None)
        anna.say("wat kan ik delen?")
        seen = anna.press("share.nonsense")
        assert seen.reply is not None and seen.reply.language == "nl"
        assert "Die knop werkt hier niet meer" in seen


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "platform,user_id,teams,locatie",
            "line 1: the first line names columns that do not exist: teams, locatie. "
            "Use only these (any order): platform,user_id,team,location,display_name",
        ),
        (
            "platform,user_id,team,team",
            "line 1: the first line names a column more than once: team.",
        ),
    ],
)
def test_people_import_refuses_misspelled_or_repeated_columns(
    store: Store, database_url: str, tmp_path: Path, header: str, expected: str
) -> None:
    file = tmp_path / "people.csv"
    file.write_text(f"{header}\nslack,U1,Sales,Amsterdam\n", encoding="utf-8")

    done = cli("people", "import", str(file), database=database_url)

    assert done.returncode == 2
    assert "nothing was imported" in done.stderr
    assert expected in done.stderr
    assert ("slack", "U1") not in people(store)


def test_people_import_names_wrong_columns_in_dutch() -> None:
    from bot.i18n import t

    _, [problem] = read_people_csv("platform,user_id,teams\nslack,U1,Sales\n")
    assert t("nl", problem.key, **problem.values).startswith(
        "de eerste regel noemt kolommen die niet bestaan: teams."
    )
