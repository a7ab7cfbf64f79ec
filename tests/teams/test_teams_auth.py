"""With an app id configured, only requests with a valid Bot Framework token are handled.

Offline: a proxy trap on loopback stands where the Bot Framework's signing keys would be
fetched from, so a test would notice any attempt to reach the network.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from sqlmodel import Session, select
from teams_fixtures import FakeConnector, activity, make_bot, serve

from adapters.teams import TeamsSettings
from bot.storage import Store, User

APP_ID = "5f2d3c1b-8a9e-4b7c-a6d5-0e1f2a3b4c5d"
SETTINGS = TeamsSettings(app_id=APP_ID, app_password="not-a-real-secret")


class _Trap(socketserver.BaseRequestHandler):
    """Answers any proxy request with 502 and remembers that it came."""

    def handle(self) -> None:
        self.server.hits.append(self.request.recv(4096))  # type: ignore[attr-defined]
        self.request.sendall(
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )


@pytest.fixture
def proxy_trap(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Every outbound HTTP(S) request made through ``requests`` lands here (in a thread,
    because the library's key fetch blocks the event loop)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Trap)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    proxy = f"http://127.0.0.1:{server.server_address[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server.hits  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'merkwerker.db'}")
    yield store
    store.close()


def _token(issuer: str) -> str:
    claims = {
        "iss": issuer,
        "aud": APP_ID,
        "serviceurl": "http://127.0.0.1/",
        "exp": int(time.time()) + 600,
    }
    return jwt.encode(
        claims,
        "a-guessed-key-that-is-long-enough-for-hs256",
        algorithm="HS256",
        headers={"kid": "made-up"},
    )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer garbage",
        "Bearer a.b.c",
        "Basic dXNlcjpwYXNz",
        "Bearer " + _token("https://login.example.com/"),
    ],
)
async def test_requests_without_a_valid_token_get_401_and_change_nothing(
    tmp_path: Path, store: Store, proxy_trap: list[bytes], authorization: str | None
) -> None:
    bot = make_bot(tmp_path, store=store)
    headers = {} if authorization is None else {"Authorization": authorization}
    async with FakeConnector() as connector, serve(bot, SETTINGS) as served:
        started = time.monotonic()
        response = await served.post(activity("personal_message", connector.url), headers=headers)
        elapsed = time.monotonic() - started
    assert response.status == 401
    assert connector.requests == []
    assert proxy_trap == []  # no signing keys were fetched: refused before any network
    assert elapsed < 5  # refused at once, not after waiting on a network
    with Session(store.engine) as session:
        assert session.exec(select(User)).all() == []


async def test_the_trap_sees_a_key_fetch_for_a_bot_framework_shaped_token(
    tmp_path: Path, proxy_trap: list[bytes]
) -> None:
    # Shows the trap above works: a token claiming the Bot Framework as its issuer makes
    # botbuilder fetch the signing keys; unreachable here, the request is refused (503,
    # so the Bot Framework would retry) and nothing is answered.
    bot = make_bot(tmp_path)
    token = _token("https://api.botframework.com")
    async with FakeConnector() as connector, serve(bot, SETTINGS) as served:
        response = await served.post(
            activity("personal_message", connector.url),
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status in (401, 503)
    assert proxy_trap and b"login.botframework.com" in proxy_trap[0]
    assert connector.requests == []


async def test_without_an_app_id_no_token_is_needed_or_fetched(
    tmp_path: Path, proxy_trap: list[bytes]
) -> None:
    bot = make_bot(tmp_path)
    async with FakeConnector() as connector, serve(bot) as served:
        response = await served.post(activity("personal_message", connector.url))
        (reply,) = await connector.wait_for(1)
    assert response.status == 200
    assert "Authorization" not in reply.headers
    assert proxy_trap == []
