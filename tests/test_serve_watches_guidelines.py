"""``merkwerker serve`` watches the guidelines folder, as the console chat does.

A valid edit goes live without a message or a restart; a broken edit is logged once,
with file and line, while the last valid version keeps serving; the fix is logged as
"valid again". Each test starts the real process (Teams without authentication).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from test_serve_port import _env, _free_port, _healthy, _serve, _stop

sys.path.append(str(Path(__file__).resolve().parent / "slack"))
from fake_slack_api import Call, FakeSlackApi

WAIT_SECONDS = 20.0


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _version(http: aiohttp.ClientSession, port: int) -> str:
    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
        return str((await response.json())["guidelines_version"])


async def _until_changed(http: aiohttp.ClientSession, port: int, old: str) -> str:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        version = await _version(http, port)
        if version != old:
            return version
        await asyncio.sleep(0.2)
    pytest.fail(f"the guidelines were still at version {old} after {WAIT_SECONDS} s")


async def test_serve_takes_an_edit_live_and_keeps_serving_through_a_broken_one(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    env = _env(tmp_path)
    folder = Path(env["MERKWERKER_GUIDELINES"])
    rules = next(p for p in sorted(folder.glob("*.yaml")) if "rules:" in p.read_text())
    original = rules.read_text()
    port = _free_port()
    process = await _serve(env, "--port", str(port))
    try:
        await _healthy(http, port)
        first = await _version(http, port)
        rules.write_text(original + "\n# edited by the owners\n")
        second = await _until_changed(http, port, first)
        broken = original.replace("rules:\n", "rules:\n\t- id: broken\n", 1)
        rules.write_text(broken)
        await asyncio.sleep(4)  # two polls: long enough for the watcher to have seen it
        assert await _version(http, port) == second  # the last valid version serves on
        rules.write_text(original)
        assert await _until_changed(http, port, second) == first
    finally:
        log = await _stop(process)
    tab_problems = [line for line in log.splitlines() if "a tab is used" in line]
    assert len(tab_problems) == 1, log
    assert f"{rules.name}:" in tab_problems[0]
    assert log.count("guidelines valid again") == 1, log


async def test_serve_tells_the_notify_channel_once_per_broken_version_and_once_when_fixed(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    """A contact with ``notify: slack:<channel>`` hears in that channel about a broken
    edit (each problem with file and line, and that the last valid version serves on),
    not again when the same broken file is saved again, and once when it is fixed."""
    slack = FakeSlackApi()
    await slack.start()
    env = _env_notifying(tmp_path, slack, security="teams:19:nowhere@thread.tacv2")
    folder = Path(env["MERKWERKER_GUIDELINES"])
    rules = folder / "rules.yaml"
    original = rules.read_text()
    broken = original.replace("rules:\n", "rules:\n\t- id: broken\n", 1)
    port = _free_port()
    process = await _serve(env, "--port", str(port))
    try:
        await _healthy(http, port)
        first = await _version(http, port)

        rules.write_text(broken)
        (post,) = await slack.wait_for("chat.postMessage", 1, timeout=WAIT_SECONDS)
        assert post.args["channel"] == "C0HRDESK"
        text = _all_text(post)
        line = broken.splitlines().index("\t- id: broken") + 1
        assert f"{rules}:{line}:" in text  # the file and the line
        # In the organisation's first language (Dutch here), in the validator's words.
        assert f"op regel {line} wordt met een tab ingesprongen" in text
        assert f"laatste geldige versie ({first})" in text

        rules.write_text(broken)  # saved again, the same broken content
        await asyncio.sleep(4)  # two polls: long enough for the watcher to have seen it
        assert len(slack.of("chat.postMessage")) == 1
        assert await _version(http, port) == first

        rules.write_text(original)
        posts = await slack.wait_for("chat.postMessage", 2, timeout=WAIT_SECONDS)
        assert posts[1].args["channel"] == "C0HRDESK"
        assert "opgelost, de nieuwe versie is live" in _all_text(posts[1])
        await asyncio.sleep(3)
        assert len(slack.of("chat.postMessage")) == 2
    finally:
        log = await _stop(process)
        await slack.close()
    assert "told slack:C0HRDESK about the guidelines" in log
    # A Teams chat the bot never heard from has no address yet: the log says so.
    assert (
        "could not tell teams:19:nowhere@thread.tacv2 about the guidelines: the bot has no "
        "conversation reference for it yet"
    ) in log


async def test_serve_tells_the_notify_channel_the_new_warnings_of_an_edit_that_went_live(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    """An edit that goes live with a warning (here a question that is an example of two
    rules) is posted to the ``notify:`` channel with file and line, in the organisation's
    first language; a later edit that leaves the warning as it was posts nothing, and
    the same warning made again after it was gone is posted again. (Before, warnings
    only reached the log, in English.)"""
    slack = FakeSlackApi()
    await slack.start()
    env = _env_notifying(tmp_path, slack)
    folder = Path(env["MERKWERKER_GUIDELINES"])
    rules = folder / "rules.yaml"
    original = rules.read_text()
    repeated = original.replace(
        "      - Can I post a picture of the office?\n",
        "      - Can I post a picture of the office?\n"
        "      - Mag ik zeggen voor welke klant ik werk?\n",
        1,
    )
    assert repeated != original
    lines = repeated.splitlines()
    line = max(i for i, text in enumerate(lines) if "Mag ik zeggen voor welke klant" in text) + 1
    port = _free_port()
    process = await _serve(env, "--port", str(port))
    try:
        await _healthy(http, port)
        first = await _version(http, port)

        rules.write_text(repeated)
        (post,) = await slack.wait_for("chat.postMessage", 1, timeout=WAIT_SECONDS)
        assert post.args["channel"] == "C0HRDESK"
        text = _all_text(post)
        assert "Je wijziging van de richtlijnen is live" in text
        assert f"{rules}:{line}:" in text  # the file and the line
        assert "staat ook als voorbeeld bij regel 'client-names'" in text

        # Another edit that leaves the repeated example as it is: live, nothing posted.
        second = await _version(http, port)
        assert second != first
        rules.write_text(repeated + "\n# edited again\n")
        await _until_changed(http, port, second)
        await asyncio.sleep(3)
        assert len(slack.of("chat.postMessage")) == 1

        # The warning gone (nothing to post), then made again: posted again.
        rules.write_text(original)
        assert await _until_changed(http, port, await _version(http, port)) == first
        rules.write_text(repeated)
        posts = await slack.wait_for("chat.postMessage", 2, timeout=WAIT_SECONDS)
        assert "staat ook als voorbeeld bij regel 'client-names'" in _all_text(posts[1])
        await asyncio.sleep(3)
        assert len(slack.of("chat.postMessage")) == 2
    finally:
        await _stop(process)
        await slack.close()


def _env_notifying(
    tmp_path: Path, slack: FakeSlackApi, *, security: str | None = None
) -> dict[str, str]:
    """``serve``'s environment with Slack on ``slack``; the HR desk's ``notify:`` is the
    Slack channel C0HRDESK, and the security office's ``security`` when given."""
    env = _env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="signing-secret",
        SLACK_API_URL=slack.base_url,
    )
    organisation = Path(env["MERKWERKER_GUIDELINES"]) / "organisation.yaml"
    text = organisation.read_text().replace(
        '  hr: {name: HR Desk, where: "#ask-hr"}',
        '  hr: {name: HR Desk, where: "#ask-hr", notify: "slack:C0HRDESK"}',
    )
    if security is not None:
        text = text.replace(
            "email: security@test.nl}", f'email: security@test.nl, notify: "{security}"}}'
        )
    organisation.write_text(text)
    return env


def _all_text(call: Call) -> str:
    """The fallback text and every block's text of a chat.postMessage call."""
    parts = [str(call.args.get("text", ""))]
    parts.extend(json.dumps(block) for block in call.json_arg("blocks") or [])
    return "\n".join(parts).replace("\\n", "\n").replace("\\t", "\t")
