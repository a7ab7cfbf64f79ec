"""``merkwerker content`` and ``merkwerker feeds`` as the comms operator uses them."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from content_fixtures import DATA
from samples import write_guidelines
from typer.testing import CliRunner, Result

from adapters.cli.main import app


class Cli:
    """Runs commands against one SQLite file and the sample guidelines."""

    def __init__(self, tmp_path: Path) -> None:
        self.database = f"sqlite:///{tmp_path / 'cli.db'}"
        self.guidelines = write_guidelines(tmp_path / "guidelines")
        self.runner = CliRunner(
            env={"LANG": "en_GB.UTF-8", "MERKWERKER_TIMEZONE": "Europe/Amsterdam"}
        )

    def __call__(self, *args: str, guidelines: bool = True) -> Result:
        extra = ["--database", self.database]
        if guidelines:
            extra += ["--guidelines", str(self.guidelines)]
        return self.runner.invoke(app, [*args, *extra])

    def json(self, *args: str) -> Any:
        result = self(*args, "--json", guidelines=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_add_show_and_list(cli: Cli) -> None:
    result = cli(
        "content",
        "add",
        "https://example.com/news/launch",
        "--title",
        "We launched",
        "--caption",
        "nl:Trots op ons team!",
        "--caption",
        "nl:Kijk eens wat we maakten.",
        "--caption",
        "en:Proud of the team!",
        "--topic",
        "launch,product",
        "--team",
        "Sales",
        "--not-before",
        "2026-03-01",
        "--expires",
        "2099-12-31T18:00",
        "--priority",
        "4",
        "--as",
        "anna",
    )
    assert result.exit_code == 0, result.output
    assert "Queued #1 as a draft: We launched" in result.stdout

    shown = cli.json("content", "show", "1")
    assert isinstance(shown, dict)
    assert shown["captions"] == {
        "nl": ["Trots op ons team!", "Kijk eens wat we maakten."],
        "en": ["Proud of the team!"],
    }
    assert shown["topics"] == ["launch", "product"]
    assert shown["audience"]["teams"] == ["Sales"]
    assert shown["not_before"] == "2026-02-28T23:00:00+00:00"
    assert shown["expires"] == "2099-12-31T17:00:00+00:00"
    assert (shown["priority"], shown["status"], shown["added_by"]) == (4, "draft", "console:anna")

    listed = cli.json("content", "list", "--status", "draft")
    assert [item["id"] for item in listed] == [1]
    assert cli.json("content", "list", "--status", "live") == []

    cli("content", "add", "https://example.com/b", "--title", "[b]Hi[/b]")
    table = cli("content", "list", guidelines=False)
    assert "We launched" in table.stdout
    assert "[b]Hi[/b]" in table.stdout
    text = cli("content", "show", "1", guidelines=False)
    assert "Trots op ons team!" in text.stdout and "2026-03-01 00:00" in text.stdout


def test_a_blocked_caption_is_shown_and_stops_approval(cli: Cli) -> None:
    added = cli(
        "content", "add", "https://example.com/case", "--caption", "en:Our work for Acme Bank"
    )
    assert added.exit_code == 0
    assert "Acme Bank" in added.stdout and "can be approved" in added.stdout

    refused = cli("content", "approve", "1", "--as", "bert")
    assert refused.exit_code == 1
    assert "#1 is not approved" in refused.stderr
    assert "Client names" in refused.stderr and '"Acme Bank"' in refused.stderr
    assert "Traceback" not in refused.output


def test_approve_records_who_and_retire_stops_showing(cli: Cli) -> None:
    cli("content", "add", "https://example.com/a", "--title", "A")
    approved = cli("content", "approve", "1", "--as", "bert")
    assert approved.exit_code == 0, approved.output
    assert "Approved #1: A (live" in approved.stdout
    again = cli("content", "approve", "1")
    assert "already approved" in again.stdout
    assert cli.json("content", "show", "1")["approved_by"] == "console:bert"

    cli("content", "add", "https://example.com/b", "--title", "B")
    cli("content", "approve", "2")
    assert cli.json("content", "show", "2")["approved_by"] == f"cli:{getpass.getuser()}"

    retired = cli("content", "retire", "1")
    assert retired.exit_code == 0 and "Retired #1: A" in retired.stdout
    assert [i["id"] for i in cli.json("content", "list", "--status", "live")] == [2]


def test_bad_input_gets_clear_sentences_and_a_non_zero_exit(cli: Cli) -> None:
    bad = cli("content", "add", "example.com/x", "--not-before", "next week", "--priority", "11")
    assert bad.exit_code == 1
    assert "Not queued:" in bad.stderr
    assert "'next week', which is not a date" in bad.stderr
    assert "Traceback" not in bad.output

    out_of_range = cli("content", "add", "https://example.com/x", "--priority", "11")
    assert out_of_range.exit_code == 1 and "-10 to 10" in out_of_range.stderr

    caption = cli("content", "add", "https://example.com/x", "--caption", "Just text")
    assert caption.exit_code == 2 and "needs a language first" in caption.stderr

    status = cli("content", "list", "--status", "published", guidelines=False)
    assert status.exit_code == 2 and "draft, approved, scheduled" in status.stderr

    missing = cli("content", "show", "9", guidelines=False)
    assert missing.exit_code == 1 and "There is no content item #9" in missing.stderr


def test_a_date_past_the_last_day_is_refused_before_anything_is_stored(cli: Cli) -> None:
    for option, value in (("--expires", "9999-12-31"), ("--not-before", "0001-01-01")):
        refused = cli("content", "add", "https://example.com/x", option, value)
        assert refused.exit_code == 1
        field = option.removeprefix("--").replace("-", "_")
        assert refused.stderr.splitlines() == [
            "Not queued:",
            f"  {field} is '{value}', outside the dates the bot can keep: 0001-01-02 up to "
            "and including 9999-12-30. Choose a date in between, or leave it empty.",
        ]
    assert cli.json("content", "list") == []

    last = cli("content", "add", "https://example.com/x", "--expires", "9999-12-30T23:59")
    assert last.exit_code == 0, last.output
    listed = cli("content", "list", guidelines=False)
    assert "9999-12-30 23:59" in listed.stdout and "Traceback" not in listed.output


def test_an_end_date_stored_before_the_last_day_was_enforced_is_listed(cli: Cli) -> None:
    """An expiry of 9999-12-31 in Amsterdam, stored before such dates were refused, is a
    moment with no local time: `content list` and `show` crashed with an OverflowError."""
    assert cli("content", "add", "https://example.com/x", "--expires", "9999-12-30").exit_code == 0
    with sqlite3.connect(cli.database.removeprefix("sqlite:///")) as db:
        db.execute("UPDATE content_item SET expires = '9999-12-31 23:00:00.000000'")
    for command in (("content", "list"), ("content", "show", "1")):
        shown = cli(*command, guidelines=False)
        assert shown.exit_code == 0, shown.output
        assert "9999-12-31 23:00 UTC" in shown.stdout


def test_broken_guidelines_are_reported_not_raised(cli: Cli, tmp_path: Path) -> None:
    cli("content", "add", "https://example.com/a")
    result = cli.runner.invoke(
        app,
        [
            "content",
            "approve",
            "1",
            "--database",
            cli.database,
            "--guidelines",
            str(tmp_path / "none"),
        ],
    )
    assert result.exit_code == 1
    assert "cannot be used" in result.stderr


def test_import_twice_and_an_invalid_file(cli: Cli) -> None:
    first = cli("content", "import", str(DATA / "items.yaml"), "--as", "anna")
    assert first.exit_code == 0, first.output
    assert "Imported 3 item(s) as drafts; 0 already queued." in first.stdout
    again = cli("content", "import", str(DATA / "items.yaml"))
    assert "Imported 0 item(s) as drafts; 3 already queued." in again.stdout
    assert (
        f"{DATA / 'items.yaml'}:2: https://news.testbedrijf.example/2026/eindhoven" in again.stdout
    )

    invalid = cli("content", "import", str(DATA / "invalid.csv"))
    assert invalid.exit_code == 1
    assert "Nothing was imported" in invalid.stderr
    for line in (3, 4, 5):
        assert f"{DATA / 'invalid.csv'}:{line}: " in invalid.stderr
    assert len(cli.json("content", "list")) == 3


def test_feeds_add_list_and_fetch(cli: Cli) -> None:
    added = cli("feeds", "add", str(DATA / "newsroom-rss.xml"), "--topic", "news", guidelines=False)
    assert added.exit_code == 0, added.output
    cli("feeds", "add", str(DATA / "broken.xml"), guidelines=False)

    fetched = cli("feeds", "fetch")
    assert fetched.exit_code == 1  # one feed failed
    assert "Testbedrijf Newsroom: 2 new draft(s), 0 already known, 1 skipped." in fetched.stdout
    assert "not an RSS or Atom feed" in fetched.stdout
    assert "Traceback" not in fetched.output

    only_good = cli("feeds", "fetch", "--id", "1")
    assert only_good.exit_code == 0 and "0 new draft(s), 2 already known" in only_good.stdout

    feeds = cli.json("feeds", "list")
    assert isinstance(feeds, list)
    assert [f["title"] for f in feeds] == ["Testbedrijf Newsroom", ""]
    assert feeds[1]["last_error"] is not None
    drafts = cli.json("content", "list", "--status", "draft")
    assert sorted(i["guid"] for i in drafts) == ["newsroom-0001", "newsroom-0002"]

    unknown = cli("feeds", "fetch", "--id", "7")
    assert unknown.exit_code == 1 and "There is no feed 7" in unknown.stderr
    bad = cli("feeds", "add", "gopher://example.com/feed", guidelines=False)
    assert bad.exit_code == 1 and "not a feed address" in bad.stderr


def test_dutch_messages(cli: Cli) -> None:
    result = cli("content", "show", "3", "--lang", "nl", guidelines=False)
    assert result.exit_code == 1 and "Er is geen content-item #3" in result.stderr


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MERKWERKER_")}
    env["LANG"] = "en_GB.UTF-8"
    database = f"sqlite:///{tmp_path / 'sub.db'}"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "content",
            "import",
            str(DATA / "invalid.yaml"),
            "--database",
            database,
            "--guidelines",
            str(write_guidelines(tmp_path / "g")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert run.returncode == 1
    assert f"{DATA / 'invalid.yaml'}:13: 'titel' is not a known field" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_database_that_refuses_writes_is_one_sentence(cli: Cli, tmp_path: Path) -> None:
    assert cli("content", "list").exit_code == 0  # creates the database
    read_only = f"sqlite:///file:{tmp_path / 'cli.db'}?mode=ro&uri=true"
    result = cli.runner.invoke(
        app,
        [
            "content",
            "add",
            "https://example.com/x",
            "--database",
            read_only,
            "-g",
            str(cli.guidelines),
        ],
    )
    assert result.exit_code == 1
    assert "Cannot open the database" in result.stderr and "readonly" in result.stderr
    assert "Traceback" not in result.output


def test_the_edit_form_of_such_an_item_shows_its_end_in_utc() -> None:
    """The chat's edit form crashed on the same moment (no local time to fill in)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from bot.content.form import content_form
    from bot.content.items import Content, ContentStatus

    end = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    item = Content(
        id=1,
        url="https://example.com/x",
        title="X",
        summary="",
        captions={},
        topics=(),
        teams=(),
        locations=(),
        languages=(),
        not_before=None,
        expires=end,
        priority=0,
        status=ContentStatus.DRAFT,
        added_by="anna",
        approved_by=None,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        approved_at=None,
        source="manual",
        feed_id=None,
        guid=None,
        check_verdict="ok",
        check_version="",
    )
    form = content_form(
        language="en", languages=("en",), timezone=ZoneInfo("Europe/Amsterdam"), item=item
    )
    expires = next(f for f in form.fields if f.id == "expires")
    assert (expires.kind, expires.value) == ("text", "9999-12-31 23:00 UTC")
