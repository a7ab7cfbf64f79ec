"""Each kind of Azure Bot, run as ``merkwerker serve``: a Teams message in, a signed reply out.

The process gets the settings an admin sets (README: "Tell Merkwerker"). Its HTTPS goes to
``fake_identity.FakeIdentity`` (Entra ID and the Bot Framework's keys, on loopback, with a
certificate authority made for the test); its managed identity is App Service's endpoint,
on loopback too. A test fails if the process tries to reach any other host.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
from fake_identity import ENTRA, FakeIdentity
from samples import write_guidelines
from teams_fixtures import FakeConnector, activity

APP_ID = "5f2d3c1b-8a9e-4b7c-a6d5-0e1f2a3b4c5d"
TENANT = "0d7c5a2e-1f3b-4c8d-9e6f-123456789abc"


@pytest.fixture
def identity(tmp_path: Path) -> Iterator[FakeIdentity]:
    fake = FakeIdentity(tmp_path).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "MERKWERKER_", "Microsoft", "MICROSOFT_", "IDENTITY_"))
        and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
    }
    env.update(
        MERKWERKER_GUIDELINES=str(write_guidelines(tmp_path / "guidelines")),
        MERKWERKER_EMBEDDING_CACHE=os.environ["MERKWERKER_EMBEDDING_CACHE"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        MERKWERKER_LANGUAGE="en",
    )
    env.update(extra)
    return env


async def _serve(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("merkwerker")),
        "serve",
        "--host",
        "127.0.0.1",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _healthy(
    http: aiohttp.ClientSession, port: int, process: asyncio.subprocess.Process
) -> None:
    for _ in range(600):
        if process.returncode is not None:
            break
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    _, stderr = await process.communicate()
    pytest.fail(f"merkwerker serve did not come up: {stderr.decode()}")


@contextlib.asynccontextmanager
async def _serving(
    tmp_path: Path,
    identity: FakeIdentity,
    http: aiohttp.ClientSession,
    log_to: list[str] | None = None,
    **settings: str,
) -> AsyncIterator[tuple[int, FakeConnector]]:
    """``merkwerker serve`` with ``settings`` and a fake connector; its port and the fake.

    On the way out the process is stopped, and must have ended cleanly without reaching
    any host but loopback; its log goes to ``log_to``.
    """
    port = _free_port()
    env = _env(tmp_path, PORT=str(port), **identity.env(), **settings)
    async with FakeConnector() as connector:
        process = await _serve(env)
        try:
            await _healthy(http, port, process)
            yield port, connector
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    if log_to is not None:
        log_to.append(stderr.decode())
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode()
    assert identity.refused == []  # nothing went anywhere but loopback


async def _post_message(
    http: aiohttp.ClientSession, identity: FakeIdentity, port: int, connector: FakeConnector
) -> int:
    """Send a signed personal message; the HTTP status."""
    body = activity("personal_message", connector.url)
    token = identity.channel_token(app_id=APP_ID, service_url=connector.url)
    async with http.post(
        f"http://127.0.0.1:{port}/api/messages",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        return response.status


async def _message_and_reply(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession, **settings: str
) -> dict[str, str]:
    """Start serve with ``settings``, send it a signed personal message; the reply's headers."""
    async with _serving(tmp_path, identity, http, **settings) as (port, connector):
        assert await _post_message(http, identity, port, connector) == 200
        (reply,) = await connector.wait_for(1, timeout=30)
    return reply.headers


async def test_single_tenant_bot_signs_its_reply_with_a_token_from_its_own_tenant(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession
) -> None:
    headers = await _message_and_reply(
        tmp_path,
        identity,
        http,
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="the-client-secret",
        MicrosoftAppType="SingleTenant",
        MicrosoftAppTenantId=TENANT,
    )
    assert headers["Authorization"] == f"Bearer entra-token-for-{TENANT}"
    (asked,) = [s for s in identity.seen if s.host == ENTRA and s.method == "POST"]
    assert asked.path == f"/{TENANT}/oauth2/v2.0/token"
    assert asked.form["client_id"] == [APP_ID]
    assert asked.form["client_secret"] == ["the-client-secret"]
    assert asked.form["scope"] == ["https://api.botframework.com/.default"]


async def test_a_tenant_id_without_a_type_means_single_tenant(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession
) -> None:
    headers = await _message_and_reply(
        tmp_path,
        identity,
        http,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="the-client-secret",
        MICROSOFT_APP_TENANT_ID=TENANT,
    )
    assert headers["Authorization"] == f"Bearer entra-token-for-{TENANT}"


async def test_existing_multi_tenant_bot_keeps_working(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession
) -> None:
    headers = await _message_and_reply(
        tmp_path,
        identity,
        http,
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword="the-client-secret",
    )
    assert headers["Authorization"] == "Bearer entra-token-for-botframework.com"
    (asked,) = [s for s in identity.seen if s.host == ENTRA and s.method == "POST"]
    assert asked.path == "/botframework.com/oauth2/v2.0/token"


async def test_managed_identity_bot_gets_its_token_from_the_identity_endpoint(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession
) -> None:
    headers = await _message_and_reply(
        tmp_path,
        identity,
        http,
        MicrosoftAppId=APP_ID,
        MicrosoftAppType="UserAssignedMSI",
        MicrosoftAppTenantId=TENANT,
        **identity.msi_env(),
    )
    assert headers["Authorization"] == f"Bearer msi-token-for-{APP_ID}"
    (asked,) = [s for s in identity.seen if s.path == "/msi/token"]
    assert asked.query["client_id"] == [APP_ID]
    assert asked.query["resource"] == ["https://api.botframework.com"]
    assert [s for s in identity.seen if s.host == ENTRA] == []  # no secret, no Entra sign-in


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (
            {"MicrosoftAppType": "SingleTenant", "MicrosoftAppPassword": "s"},
            "MicrosoftAppTenantId is not set; a SingleTenant bot needs the Directory (tenant) ID",
        ),
        (
            {
                "MicrosoftAppType": "UserAssignedMSI",
                "MicrosoftAppTenantId": TENANT,
                "MicrosoftAppPassword": "s",
            },
            "a UserAssignedMSI bot signs in with its managed identity and has no client secret",
        ),
        (
            {"MicrosoftAppType": "UserAssignedMSI", "MicrosoftAppPassword": ""},
            "MicrosoftAppTenantId is not set; a UserAssignedMSI bot needs",
        ),
        (
            {"MicrosoftAppType": "AzureBot", "MicrosoftAppPassword": "s"},
            "MicrosoftAppType is 'AzureBot'; use MultiTenant, SingleTenant or UserAssignedMSI.",
        ),
    ],
)
async def test_serve_refuses_an_impossible_combination_in_one_sentence(
    tmp_path: Path, settings: dict[str, str], words: str
) -> None:
    env = _env(tmp_path, PORT=str(_free_port()), MicrosoftAppId=APP_ID, **settings)
    process = await _serve(env)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    message = stderr.decode().strip()
    assert process.returncode == 2
    assert words in message
    assert "\n" not in message and "Traceback" not in message


async def test_the_scheduler_reads_the_same_settings_and_names_a_bad_one(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        MicrosoftAppId=APP_ID,
        MicrosoftAppType="UserAssignedMSI",
        MicrosoftAppTenantId=TENANT,
        MicrosoftAppPassword="s",
    )
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("merkwerker")),
        "scheduler",
        "--once",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert (
        "Not sending to teams: MicrosoftAppPassword is set, but a UserAssignedMSI bot signs in"
        in stderr.decode()
    )
    assert "Traceback" not in stderr.decode()


SINGLE_TENANT = {
    "MicrosoftAppId": APP_ID,
    "MicrosoftAppPassword": "the-client-secret",
    "MicrosoftAppType": "SingleTenant",
    "MicrosoftAppTenantId": TENANT,
}


def _key_fetches(identity: FakeIdentity) -> int:
    return sum(1 for seen in identity.seen if seen.path == "/v1/.well-known/keys")


async def test_serve_fetches_the_signing_keys_at_start_up_not_on_the_first_message(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession
) -> None:
    async with _serving(tmp_path, identity, http, **SINGLE_TENANT) as (port, connector):
        assert _key_fetches(identity) == 1  # before anything was asked of it
        assert await _post_message(http, identity, port, connector) == 200
        await connector.wait_for(1, timeout=30)
        assert _key_fetches(identity) == 1  # the message found them in the cache


async def test_a_key_endpoint_slower_than_the_limit_gets_503_and_healthz_answers_meanwhile(
    tmp_path: Path, identity: FakeIdentity, http: aiohttp.ClientSession
) -> None:
    """Start-up waits for the keys no longer than the limit and serves anyway; a token
    check past the limit answers 503 (the Bot Framework sends the activity again), and
    ``/healthz`` in the same process answers while the check waits."""
    identity.slow_keys(6.0)
    settings = {**SINGLE_TENANT, "MERKWERKER_TEAMS_KEYS_TIMEOUT": "1.5"}
    log: list[str] = []
    async with _serving(tmp_path, identity, http, log, **settings) as (port, connector):
        message = asyncio.create_task(_post_message(http, identity, port, connector))
        await asyncio.sleep(0.2)  # the token check is now waiting for the keys
        async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
            assert response.status == 200
        assert not message.done()  # healthz answered while the check still waited
        assert await message == 503
        assert connector.delivered == []
    assert "signing keys did not arrive within 1.5 s at start-up; serving anyway" in log[0]
    assert "signing keys did not arrive within 1.5 s; the Bot Framework will send" in log[0]
