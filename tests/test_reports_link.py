"""The signed report link over real HTTP: ``GET /report`` of the web process on loopback.

The link comes from the bot itself (a comms person types ``report``); the page is the
same HTML ``merkwerker report --format html`` writes. Altered, borrowed, expired or
revoked links get a plain 403 page; without ``MERKWERKER_SECRET`` the route is a 404.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import pytest
from harness import T0, Clock, cli
from reports_fixtures import two_weeks
from samples import write_guidelines

from adapters.app_factory import build_bot
from adapters.server import create_app, run
from bot.conversation import Merkwerker
from bot.messages import ConversationRef, IncomingMessage, Link, Platform
from bot.settings import Settings
from bot.storage import Store

PUBLIC_URL = "https://merkwerker.example.com"
SECRET = "another-long-random-secret"


@dataclass
class Served:
    """The web process on loopback, its bot, clock and database."""

    base: str
    bot: Merkwerker
    clock: Clock
    database_url: str
    client: aiohttp.ClientSession

    async def link(self, user_id: str, *, language: str = "en", words: str = "report") -> str:
        """The report link the bot gives ``user_id`` in chat, pointed at this server."""
        reply = await self.bot.handle(
            IncomingMessage(
                platform=Platform.SLACK,
                user_id=user_id,
                conversation=ConversationRef(
                    platform=Platform.SLACK, conversation_id=f"D-{user_id}", user_id=user_id
                ),
                text=words,
                locale=language,
            )
        )
        [link] = [part for part in reply.parts if isinstance(part, Link)]
        assert link.url.startswith(PUBLIC_URL + "/report?")
        return self.base + link.url.removeprefix(PUBLIC_URL)

    async def get(self, url: str, **headers: str) -> tuple[int, str, aiohttp.ClientResponse]:
        async with self.client.get(url, headers=headers) as response:
            return response.status, await response.text(), response


def _served(secret: str) -> Callable[[Path], AsyncIterator[Served]]:
    async def serve(tmp_path: Path) -> AsyncIterator[Served]:
        clock = Clock(T0)
        url = f"sqlite:///{tmp_path / 'merkwerker.db'}"
        settings = Settings(
            guidelines=write_guidelines(tmp_path / "guidelines"),
            database_url=url,
            comms=frozenset({"slack:comms-anna"}),
            public_url=PUBLIC_URL,
            secret=secret,
            embedding_cache=os.environ.get("MERKWERKER_EMBEDDING_CACHE"),
        )
        store = Store.open(url, clock=clock)
        two_weeks(url)
        bot = build_bot(settings, store=store, clock=clock)
        app = create_app(bot, store=store, clock=clock)
        stop = asyncio.Event()
        bound: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        server = asyncio.create_task(
            run(app, host="127.0.0.1", port=0, stop=stop, on_ready=bound.set_result)
        )
        port = await asyncio.wait_for(bound, 10)
        try:
            async with aiohttp.ClientSession() as client:
                yield Served(
                    base=f"http://127.0.0.1:{port}",
                    bot=bot,
                    clock=clock,
                    database_url=url,
                    client=client,
                )
        finally:
            stop.set()
            await asyncio.wait_for(server, 20)
            store.close()

    return serve


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async for running in _served(SECRET)(tmp_path):
        yield running


@pytest.fixture
async def served_without_secret(tmp_path: Path) -> AsyncIterator[Served]:
    async for running in _served("")(tmp_path):
        yield running


def _with(url: str, **changes: str) -> str:
    """``url`` with some query parameters changed."""
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return parts._replace(query=urlencode(query)).geturl()


async def test_a_valid_link_opens_the_full_html_report(served: Served) -> None:
    url = await served.link("comms-anna")

    status, page, response = await served.get(url)

    assert status == 200, page
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="en">' in page and "Participation report" in page
    assert "Launch" in page and "<svg" in page
    assert "this week" in page  # the current week is labelled on the trend chart
    # The same page as `merkwerker report --format html` (the default period).
    assert "2026-02-23 to 2026-03-02 (Europe/Amsterdam)" in page


async def test_a_dutch_link_opens_the_report_in_dutch(served: Served) -> None:
    url = await served.link("comms-anna", language="nl", words="rapport")

    status, page, _ = await served.get(url)

    assert status == 200
    assert '<html lang="nl">' in page and "Deelname per team" in page


async def test_an_altered_signature_gets_a_403_page_that_says_what_to_do(served: Served) -> None:
    url = await served.link("comms-anna")
    signature = parse_qs(urlsplit(url).query)["sig"][0]
    altered = _with(url, sig=signature[:-1] + ("0" if signature[-1] != "0" else "1"))

    status, page, response = await served.get(altered)

    assert status == 403
    assert response.headers["Content-Type"].startswith("text/html")
    assert "This report link no longer works" in page
    assert "Type report in your chat with Merkwerker to get a new link." in page
    assert "Launch" not in page


async def test_a_dutch_403_page_for_a_dutch_link(served: Served) -> None:
    url = await served.link("comms-anna", language="nl")
    status, page, _ = await served.get(_with(url, sig="0" * 64))

    assert status == 403
    assert "Typ rapport in je chat met Merkwerker voor een nieuwe link." in page


async def test_another_persons_link_cannot_be_made_ones_own(served: Served) -> None:
    url = await served.link("comms-anna")

    # Someone else puts their own id (or another platform) into Anna's link.
    for changed in (_with(url, user="bram"), _with(url, platform="teams")):
        status, page, _ = await served.get(changed)
        assert status == 403, changed
        assert "Type report" in page


async def test_a_later_expiry_or_another_language_breaks_the_signature(served: Served) -> None:
    url = await served.link("comms-anna")
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])

    for changed in (_with(url, expires=str(expires + 86400)), _with(url, lang="nl")):
        status, _, _ = await served.get(changed)
        assert status == 403, changed


async def test_a_link_works_for_24_hours_and_then_no_longer(served: Served) -> None:
    url = await served.link("comms-anna")

    served.clock.advance(hours=23, minutes=59)
    assert (await served.get(url))[0] == 200
    served.clock.advance(minutes=1)
    status, page, _ = await served.get(url)
    assert status == 403
    assert "The link has expired (links work for 24 hours)" in page


async def test_a_link_stops_working_when_its_person_leaves_the_comms_team(served: Served) -> None:
    granted = cli(
        "people", "grant", "--role", "comms", "--platform", "slack", "--user", "kim",
        database=served.database_url,
    )  # fmt: skip
    assert granted.returncode == 0, granted.stderr
    url = await served.link("kim")
    assert (await served.get(url))[0] == 200

    revoked = cli(
        "people", "revoke", "--role", "comms", "--platform", "slack", "--user", "kim",
        database=served.database_url,
    )  # fmt: skip
    assert revoked.returncode == 0, revoked.stderr
    status, page, _ = await served.get(url)
    assert status == 403
    assert "no longer in the comms team" in page


@pytest.mark.parametrize(
    "query",
    ["", "?platform=slack", "?platform=slack&user=x&lang=en&expires=soon&sig=abc", "?lang=xx"],
)
async def test_an_incomplete_link_gets_the_403_page(served: Served, query: str) -> None:
    status, page, _ = await served.get(served.base + "/report" + query)

    assert status == 403
    assert "Type report" in page


async def test_without_a_secret_there_is_no_link_and_no_route(
    served_without_secret: Served,
) -> None:
    served = served_without_secret
    reply = await served.bot.handle(
        IncomingMessage(
            platform=Platform.SLACK,
            user_id="comms-anna",
            conversation=ConversationRef(
                platform=Platform.SLACK, conversation_id="D-comms-anna", user_id="comms-anna"
            ),
            text="report",
            locale="en",
        )
    )
    assert not [part for part in reply.parts if isinstance(part, Link)]
    assert "MERKWERKER_SECRET is not set" in reply.plain_text()

    status, page, _ = await served.get(served.base + "/report?platform=slack&user=x")
    assert status == 404 and "Participation report" not in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    _chromium() is None,
    reason="headless Chromium is not installed (Debian package 'chromium'; .ci/run installs it)",
)
async def test_the_served_report_renders_its_charts_in_headless_chromium(
    served: Served, tmp_path: Path
) -> None:
    url = await served.link("comms-anna")
    browser = _chromium()
    assert browser is not None
    profile = tmp_path / "chromium-profile"
    process = await asyncio.create_subprocess_exec(
        browser,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=2000",
        "--dump-dom",
        url,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    dom = out.decode("utf-8", "replace")

    assert process.returncode == 0, err.decode("utf-8", "replace")[-2000:]
    # The DOM as the browser built it: both charts, with their labels as SVG text.
    assert dom.count("<svg") == 2
    assert ">this week</text>" in dom
    assert ">2026-W10</text>" in dom and ">2026-W09</text>" in dom
    assert ">Sales</text>" in dom  # the bar chart's team label
    assert "Participation per team" in dom
