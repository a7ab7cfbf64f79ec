"""``merkwerker doctor``'s Teams line as an admin sees it: a real process, and Microsoft's
login service faked on loopback (the rest of the checks: tests/test_doctor.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from doctor_fixtures import (
    TEAMS_APP_ID,
    TEAMS_SECRET,
    TEAMS_TENANT,
    failed_checks,
    merkwerker_env,
    newest_database,
    run_doctor,
)

sys.path.append(str(Path(__file__).resolve().parent / "teams"))
from fake_identity import FakeIdentity


@pytest.fixture
def database(tmp_path: Path) -> str:
    return newest_database(tmp_path)


async def test_teams_without_authentication_fetches_no_token(tmp_path: Path, database: str) -> None:
    env = merkwerker_env(
        tmp_path,
        database,
        MERKWERKER_TEAMS="1",
        MERKWERKER_ENV="development",
        MERKWERKER_EMBEDDER="off",
    )
    code, output = await run_doctor(env)
    assert code == 0, output
    assert "– Slack: not configured." in output
    assert "✓ Teams: configured without authentication (MERKWERKER_ENV=development)" in output
    assert "token" not in output


async def test_a_partial_teams_configuration_is_named(tmp_path: Path, database: str) -> None:
    env = merkwerker_env(tmp_path, database, MicrosoftAppId=TEAMS_APP_ID, MERKWERKER_EMBEDDER="off")
    code, output = await run_doctor(env)
    assert code == 1
    [failed] = failed_checks(output)
    assert failed.startswith("✗ Teams: ") and "MicrosoftAppPassword" in failed


@pytest.fixture
def fake_login(tmp_path: Path) -> Iterator[FakeIdentity]:
    login = FakeIdentity(tmp_path, secret=TEAMS_SECRET).start()
    yield login
    login.stop()


@pytest.mark.parametrize("app_type", ["MultiTenant", "SingleTenant"])
async def test_a_teams_token_is_fetched_as_the_adapter_fetches_it(
    tmp_path: Path, database: str, fake_login: FakeIdentity, app_type: str
) -> None:
    env = merkwerker_env(
        tmp_path,
        database,
        **fake_login.env(),
        MicrosoftAppId=TEAMS_APP_ID,
        MicrosoftAppPassword=TEAMS_SECRET,
        MicrosoftAppType=app_type,
        MERKWERKER_EMBEDDER="off",
    )
    if app_type == "SingleTenant":
        env["MicrosoftAppTenantId"] = TEAMS_TENANT
    code, output = await run_doctor(env)
    assert code == 0, output
    assert (
        f"✓ Teams: Microsoft's login service issued a token for MicrosoftAppId {TEAMS_APP_ID}."
    ) in output
    [request] = fake_login.token_requests
    assert request["grant_type"] == "client_credentials"
    assert request["client_id"] == TEAMS_APP_ID
    assert request["scope"] == "https://api.botframework.com/.default"
    assert request["tenant"] == (TEAMS_TENANT if app_type == "SingleTenant" else "botframework.com")
    assert fake_login.refused == []


async def test_a_refused_teams_secret_fails_with_microsofts_reason(
    tmp_path: Path, database: str, fake_login: FakeIdentity
) -> None:
    env = merkwerker_env(
        tmp_path,
        database,
        **fake_login.env(),
        MicrosoftAppId=TEAMS_APP_ID,
        MicrosoftAppPassword="an-old-secret",
        MERKWERKER_EMBEDDER="off",
    )
    code, output = await run_doctor(env)
    assert code == 1
    assert failed_checks(output) == [
        f"✗ Teams: no token from Microsoft's login service for MicrosoftAppId {TEAMS_APP_ID} "
        "(Failed to get access token with error: invalid_client, error_description: "
        "AADSTS7000215: Invalid client secret provided.). Check MicrosoftAppPassword, "
        "MicrosoftAppType and MicrosoftAppTenantId against the Azure Bot's Configuration page."
    ]
    assert "an-old-secret" not in output


async def test_a_teams_token_that_cannot_be_fetched_fails(tmp_path: Path, database: str) -> None:
    # Microsoft's login service is reached through a proxy on a closed loopback port, so
    # the token fetch fails here exactly as it does when the service is out of reach.
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    env = merkwerker_env(
        tmp_path,
        database,
        MicrosoftAppId=TEAMS_APP_ID,
        MicrosoftAppPassword="not-the-secret",
        HTTPS_PROXY=f"http://127.0.0.1:{closed}",
        NO_PROXY="",
        MERKWERKER_EMBEDDER="off",
    )
    code, output = await run_doctor(env)
    assert code == 1
    [failed] = failed_checks(output)
    assert failed.startswith("✗ Teams: cannot reach Microsoft's login service to fetch a token (")
    assert "✓ Teams: configured; events arrive over HTTP at /api/messages." in output
