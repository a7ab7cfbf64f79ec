"""``GET /privacy`` and ``GET /terms`` of ``merkwerker serve``: the pages the Teams app links to.

The organisation's own ``privacy.<nl|en>.md`` and ``terms.<nl|en>.md`` beside the
guidelines are shown, escaped; a missing or broken file gives the default text and one
log line. The default says what the bot records, and the commands it names exist.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from samples import write_guidelines

from bot.i18n import t
from bot.intents import Intent, understand
from bot.legal import LegalPages, page_language, render
from bot.people.privacy_feature import tracking_command

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "guidelines"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _serve(folder: Path, tmp_path: Path, port: int) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MERKWERKER_"))}
    env.update(
        MERKWERKER_GUIDELINES=str(folder),
        MERKWERKER_EMBEDDING_CACHE=os.environ["MERKWERKER_EMBEDDING_CACHE"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        MERKWERKER_LANGUAGE="en",
        MERKWERKER_ENV="development",
        MERKWERKER_TEAMS="1",
        PORT=str(port),
    )
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


async def _get(
    http: aiohttp.ClientSession, url: str, **headers: str
) -> tuple[int, dict[str, str], str]:
    async with http.get(url, headers=headers) as response:
        return response.status, dict(response.headers), await response.text()


async def test_serve_shows_the_organisations_pages_escaped_and_the_default_when_missing(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    folder = write_guidelines(tmp_path / "guidelines")
    (folder / "privacy.en.md").write_text(
        "# Privacy at Acme\n\nWe keep questions for `90 days`. <script>alert(1)</script>\n\n"
        "- Ask privacy@acme.example & co\n",
        encoding="utf-8",
    )
    (folder / "privacy.nl.md").write_bytes(b"# Privacy\n\n\xff\xfe not UTF-8")
    # terms.*.md are missing: the default terms are shown.
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = await _serve(folder, tmp_path, port)
    try:
        for _ in range(600):
            try:
                status, _, _ = await _get(http, f"{base}/healthz")
                if status == 200:
                    break
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.05)
        own = await _get(http, f"{base}/privacy", **{"Accept-Language": "en-GB,en;q=0.9"})
        broken = await _get(http, f"{base}/privacy?lang=nl")
        terms_nl = await _get(
            http, f"{base}/terms", **{"Accept-Language": "de, nl;q=0.8, en;q=0.5"}
        )
        terms_en = await _get(http, f"{base}/terms?lang=en", **{"Accept-Language": "nl"})
        unknown_lang = await _get(http, f"{base}/terms?lang=fr")
        await _get(http, f"{base}/terms?lang=nl")  # a second miss logs nothing new
        (folder / "privacy.en.md").write_text("# Changed\n\nNew text.\n", encoding="utf-8")
        edited = await _get(http, f"{base}/privacy?lang=en")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr_bytes = await asyncio.wait_for(process.communicate(), 30)
    stderr = stderr_bytes.decode()

    status, headers, body = own
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert headers["Content-Language"] == "en"
    assert '<html lang="en">' in body
    assert "<title>Privacy at Acme</title>" in body
    assert "<h1>Privacy at Acme</h1>" in body
    assert "<code>90 days</code>" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body
    assert "<li>Ask privacy@acme.example &amp; co</li>" in body
    assert '<a href="?lang=nl" hreflang="nl" lang="nl">Nederlands</a>' in body

    status, headers, body = broken
    assert status == 200 and headers["Content-Language"] == "nl"
    assert "<h1>Privacy: wat Merkwerker vastlegt</h1>" in body  # the default, in Dutch

    assert terms_nl[1]["Content-Language"] == "nl"
    assert "<h1>Gebruiksvoorwaarden</h1>" in terms_nl[2]
    assert "<h1>Terms of use</h1>" in terms_en[2]  # ?lang wins over the browser
    assert unknown_lang[1]["Content-Language"] == "en"
    assert "<h1>Changed</h1>" in edited[2]  # edits show without a restart

    # One plain line per broken or missing file, not one per request.
    nl_file = folder / "privacy.nl.md"
    assert stderr.count(f"{nl_file} is not UTF-8 text; showing the default text instead") == 1
    assert stderr.count(f"{folder / 'terms.nl.md'} is missing; showing the default") == 1
    assert f"{folder / 'terms.en.md'} is missing" in stderr
    assert "Traceback" not in stderr
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (None, None, "en"),
        (None, "nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        (None, "en-US,en;q=0.9,nl;q=0.8", "en"),
        (None, "fr, nl;q=0.2, en;q=0.1", "nl"),
        (None, "nl;q=0, en", "en"),
        (None, "garbage;;;, nl;q=abc", "en"),
        ("NL", "en", "nl"),
        ("xx", "nl", "nl"),
    ],
)
def test_page_language(query: str | None, accept: str | None, expected: str) -> None:
    assert page_language(query, accept) == expected


def test_render_keeps_text_as_text() -> None:
    title, body = render("No heading & <b>bold</b>\ncontinued\n\n## Part\n- one\n  more\n- `two`")
    assert title is None
    assert body == (
        "<p>No heading &amp; &lt;b&gt;bold&lt;/b&gt; continued</p>\n<h2>Part</h2>\n"
        "<ul><li>one more</li><li><code>two</code></li></ul>"
    )


def test_an_empty_or_oversized_file_falls_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "privacy.en.md").write_text("  \n", encoding="utf-8")
    (tmp_path / "terms.en.md").write_text("x" * (300 * 1024), encoding="utf-8")
    (tmp_path / "terms.nl.md").mkdir()  # cannot be read as a file
    pages = LegalPages(tmp_path)
    assert pages.page("privacy", "en").source == "default"
    assert pages.page("terms", "en").source == "default"
    assert pages.page("terms", "nl").source == "default"
    assert "is empty" in caplog.text and "is larger than 256 KB" in caplog.text
    assert "terms.nl.md cannot be read (" in caplog.text


@pytest.mark.parametrize("kind", ["privacy", "terms"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_files_shipped_in_guidelines_are_the_defaults(kind: str, language: str) -> None:
    shipped = (SHIPPED / f"{kind}.{language}.md").read_text(encoding="utf-8")
    assert shipped == t(language, f"legal.{kind}.default")
    page = LegalPages(SHIPPED).page(kind, language)  # type: ignore[arg-type]
    assert page.source == str(SHIPPED / f"{kind}.{language}.md")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_default_privacy_page_names_chat_commands_that_work(language: str) -> None:
    text = t(language, "legal.privacy.default")
    commands = re.findall(r"^- `([^`]+)`", text, flags=re.MULTILINE)
    assert len(commands) >= 5
    for command in commands:
        if not command.startswith("merkwerker"):
            assert understand(command).intent in (Intent.PRIVACY, Intent.MYDATA, Intent.FORGET)
    out_phrase = "privacy uit" if language == "nl" else "opt out"
    in_phrase = "privacy aan" if language == "nl" else "opt in"
    assert f"`{out_phrase}`" in text and f"`{in_phrase}`" in text
    assert tracking_command(out_phrase) == "out" and tracking_command(in_phrase) == "in"
    assert understand(out_phrase).intent is Intent.PRIVACY
    assert understand(in_phrase).intent is Intent.PRIVACY


@pytest.mark.parametrize("command", ["export", "forget", "opt-out", "opt-in"])
def test_the_privacy_cli_commands_the_page_names_exist(command: str) -> None:
    for language in ("nl", "en"):
        assert f"merkwerker privacy {command}" in t(language, "legal.privacy.default")
    done = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "privacy", command, "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--platform" in done.stdout and "--user" in done.stdout
