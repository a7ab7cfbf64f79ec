"""The console as a chat platform: the same protocol as Slack and Teams, over stdin/stdout."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiohttp import web
from samples import write_guidelines

from adapters.console.platform import ConsoleSetup
from adapters.platform_protocol import run_in_terminal
from bot.conversation import Merkwerker
from bot.guidelines.library import GuidelinesLibrary


def make_bot(folder: Path) -> Merkwerker:
    return Merkwerker(library=GuidelinesLibrary.open(write_guidelines(folder / "guidelines")))


def test_the_console_has_no_routes_and_no_notices(tmp_path: Path) -> None:
    platform = ConsoleSetup(user_id="anna").build(make_bot(tmp_path))
    app = web.Application()
    platform.add_routes(app)
    assert len(app.router.routes()) == 0
    assert platform.label == "Console"
    assert platform.notices(language="en") == []


async def test_run_in_terminal_holds_the_conversation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("wat is het wifi wachtwoord?\nquit\n"))
    platform = ConsoleSetup(user_id="anna", locale="nl").build(make_bot(tmp_path))
    await run_in_terminal(platform, language="nl")
    out = capsys.readouterr().out
    assert "» wat is het wifi wachtwoord?" in out
    assert "Hier is nog geen regel voor" in out
