"""Connector calls: clients made once and reused, retries that honour Retry-After."""

from __future__ import annotations

import email.utils
import socket

import pytest
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AppCredentials, ClaimsIdentity, MicrosoftAppCredentials
from fake_connector import FakeConnector
from msrest.exceptions import ClientRequestError
from msrest.universal_http import ClientRequest

from adapters.teams.adapter import BotConfiguration
from adapters.teams.connector import ReusingAuthentication, use_transport
from adapters.teams.credentials import TeamsSettings
from adapters.teams.transport import ConnectorTransport, retry_after


def test_retry_after_values() -> None:
    assert retry_after("7") == 7.0
    assert retry_after(None) is None
    assert retry_after("soon") is None
    now = 1_700_000_000.0
    assert retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30)
    assert retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0


def _transport(sleeps: list[float], **options: float) -> ConnectorTransport:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    return ConnectorTransport(sleep=record, **options)  # type: ignore[arg-type]


async def test_throttling_and_server_errors_are_retried() -> None:
    sleeps: list[float] = []
    transport = _transport(sleeps)
    async with FakeConnector() as connector:
        connector.fail_next(429, retry_after="7")
        connector.fail_next(429, retry_after="600")
        connector.fail_next(502)
        request = ClientRequest(
            "POST", f"{connector.url}v3/conversations/a:1/activities", data="{}"
        )
        response = await transport.send(request)
        await transport.close()
    assert response.status_code == 200
    assert [r.status for r in connector.requests] == [429, 429, 502, 200]
    assert sleeps[:2] == [7.0, 10.0]  # Retry-After honoured, but never more than max_delay
    assert 0 < sleeps[2] <= 10


async def test_the_last_failure_is_returned_for_the_caller_to_raise() -> None:
    sleeps: list[float] = []
    transport = _transport(sleeps, attempts=2)
    async with FakeConnector() as connector:
        connector.fail_next(500, times=5)
        response = await transport.send(ClientRequest("GET", f"{connector.url}v3/conversations"))
        await transport.close()
    assert response.status_code == 500
    assert len(connector.requests) == 2 and len(sleeps) == 1


async def test_client_errors_are_not_retried() -> None:
    sleeps: list[float] = []
    transport = _transport(sleeps)
    async with FakeConnector() as connector:
        connector.fail_next(403)
        response = await transport.send(
            ClientRequest("POST", f"{connector.url}v3/conversations/a:1/activities")
        )
        await transport.close()
    assert response.status_code == 403
    assert len(connector.requests) == 1 and sleeps == []


async def test_an_unreachable_connector_raises_after_the_retries() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    transport = _transport(sleeps, attempts=3)
    with pytest.raises(ClientRequestError):
        await transport.send(ClientRequest("POST", f"http://127.0.0.1:{port}/v3/conversations"))
    await transport.close()
    assert len(sleeps) == 2


async def test_connector_and_token_clients_are_made_once_per_service_url() -> None:
    inner = ConfigurationBotFrameworkAuthentication(BotConfiguration(TeamsSettings()))
    transport = ConnectorTransport()
    auth = ReusingAuthentication(inner, transport)
    claims = ClaimsIdentity({}, True)
    factory = auth.create_connector_factory(claims)
    first = await factory.create("https://smba.trafficmanager.net/emea/", None)
    again = await auth.create_connector_factory(claims).create(
        "https://smba.trafficmanager.net/emea/", None
    )
    other = await factory.create("https://smba.trafficmanager.net/amer/", None)
    assert first is again
    assert other is not first
    assert await auth.create_user_token_client(claims) is await auth.create_user_token_client(
        claims
    )
    await transport.close()


class _StaticToken(AppCredentials):  # type: ignore[misc]
    """App credentials whose token needs no sign-in (MSAL would go to Entra ID)."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return "t0k3n"


async def test_the_bots_token_goes_with_each_connector_call() -> None:
    transport = ConnectorTransport()
    cases = (
        (_StaticToken(app_id="5f2d3c1b"), "Bearer t0k3n"),
        (MicrosoftAppCredentials.empty(), None),
    )
    try:
        async with FakeConnector() as connector:
            for credentials, expected in cases:
                client = use_transport(
                    ConnectorClient(credentials, base_url=connector.url), transport
                )
                await client.conversations.send_to_conversation(
                    "a:1", Activity(type="message", text="hi")
                )
                assert connector.requests[-1].headers.get("Authorization") == expected
    finally:
        await transport.close()
    assert [r.body["text"] for r in connector.requests] == ["hi", "hi"]
