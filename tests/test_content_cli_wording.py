"""``merkwerker content`` as a shell runs it: captions without stray quotes, ``show``
whole when piped, one language per run, and the chat form saying how to give variants."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from harness import Chat, open_chat

from bot.content.fields import caption_option, unquote

ROOT = Path(__file__).resolve().parent.parent
CAPTION = "Trots op ons team, dat samen met partners in de regio dit windpark bouwde!"


def merkwerker(
    *args: str, database: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The command as a shell starts it: its own process, stdout and stderr to pipes."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MERKWERKER_")}
    environment |= {"PYTHONPATH": str(ROOT), "LANG": "en_GB.UTF-8", "COLUMNS": "40"}
    environment["MERKWERKER_EMBEDDING_CACHE"] = os.environ["MERKWERKER_EMBEDDING_CACHE"]
    environment |= env or {}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args, "--database", database],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    with open_chat(tmp_path, now=datetime.now(UTC)) as conversation:
        yield conversation


def test_quotes_the_shell_passes_on_are_not_part_of_the_caption(chat: Chat) -> None:
    # The shell line: merkwerker content add URL --caption 'nl:"Trots …"' --caption "en:'Proud'"
    guidelines = ("--guidelines", str(chat.guidelines))
    added = merkwerker(
        "content",
        "add",
        "https://example.com/news/windpark",
        "--title",
        "Windpark open",
        "--caption",
        f'nl:"{CAPTION}"',
        "--caption",
        "en:'Proud of the team'",
        *guidelines,
        database=chat.database_url,
    )
    assert added.returncode == 0, added.stderr
    shown = merkwerker("content", "show", "1", "--json", database=chat.database_url)
    assert json.loads(shown.stdout)["captions"] == {"nl": [CAPTION], "en": ["Proud of the team"]}
    approved = merkwerker("content", "approve", "1", *guidelines, database=chat.database_url)
    assert approved.returncode == 0, approved.stderr

    seen = chat.person("anna", language="nl").say("wat kan ik delen?")
    assert seen.headings[0] == "Windpark open"
    x_link = next(url for label, url in seen.links if "X" in label)
    assert "%22" not in x_link
    assert parse_qs(urlsplit(x_link).query)["text"][0].startswith(CAPTION)


def test_show_piped_prints_every_caption_whole(chat: Chat) -> None:
    merkwerker(
        "content",
        "add",
        "https://example.com/news/windpark",
        "--caption",
        f"nl:{CAPTION}",
        "--summary",
        "Een samenvatting die langer is dan de veertig kolommen van deze terminal.",
        "--guidelines",
        str(chat.guidelines),
        database=chat.database_url,
    )
    shown = merkwerker("content", "show", "1", database=chat.database_url)
    assert shown.returncode == 0, shown.stderr
    lines = [line.strip() for line in shown.stdout.splitlines()]
    assert CAPTION in lines  # not cut at forty columns, nor dropped after the first line
    assert "Een samenvatting die langer is dan de veertig kolommen van deze terminal." in lines


def test_a_dutch_run_says_a_bad_setting_in_dutch(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    env = {"MERKWERKER_TIMEZONE": "Mars/Base"}
    dutch = merkwerker("content", "list", "--lang", "nl", database=database, env=env)
    assert dutch.returncode != 0
    assert "MERKWERKER_TIMEZONE is 'Mars/Base'; die tijdzone ken ik niet." in dutch.stderr
    assert "not a known time zone" not in dutch.stderr
    english = merkwerker("content", "list", "--lang", "en", database=database, env=env)
    assert "which is not a known time zone" in english.stderr


def test_an_empty_caption_is_one_clear_sentence(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    run = merkwerker(
        "content", "add", "https://example.com/a", "--caption", 'nl:""', database=database
    )
    assert run.returncode == 2
    assert "has no text after the language" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('nl:"Trots!"', ("nl", "Trots!")),
        ("EN: 'Proud'", ("en", "Proud")),
        ("nl:„Trots”", ("nl", "Trots")),
        ('nl:Zeg "kaas"', ("nl", 'Zeg "kaas"')),  # quotes inside stay
        ('nl:"Trots', ("nl", '"Trots')),  # no matching pair: kept as typed
        ("nl:\"'Trots'\"", ("nl", "'Trots'")),  # one pair only
        ('nl:"Samen" en "samen"', ("nl", '"Samen" en "samen"')),  # two quotations, no pair
        ("nl:„Zeg „kaas”, zei ze”", ("nl", "„Zeg „kaas”, zei ze”")),
        ("Trots", None),
        ("nld:Trots", None),
    ],
)
def test_caption_option(value: str, expected: tuple[str, str] | None) -> None:
    assert caption_option(value) == expected


def test_quotations_at_both_ends_of_a_caption_are_kept(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'c.db'}"
    caption = '"Samen bouwen" is ons motto bij project "Noorderzon"'
    added = merkwerker(
        "content", "add", "https://example.com/a", "--caption", f"nl:{caption}", database=database
    )
    assert added.returncode == 0, added.stderr
    shown = merkwerker("content", "show", "1", "--json", database=database)
    assert json.loads(shown.stdout)["captions"] == {"nl": [caption]}


def test_unquote_leaves_a_lone_quote() -> None:
    assert unquote('"') == '"'


def test_the_edit_form_says_how_to_give_several_variants(chat: Chat) -> None:
    comms = chat.person("carla", roles={"comms"})
    dutch = chat.person("kees", roles={"comms"}, language="nl")
    comms.say("queue https://example.com/a Launch")
    form = comms.click("Edit").form
    assert form is not None
    assert "a line with only --- between them" in form.field("caption_en").label
    saved = comms.submit(caption_en="First version\n---\nSecond version")
    assert saved.kind == "content.saved"
    assert chat.queue()[0]["captions"]["en"] == ["First version", "Second version"]

    dutch.say("wachtrij https://example.com/b")
    form = dutch.click("Bewerken").form
    assert form is not None
    assert "een regel met alleen --- tussen" in form.field("caption_nl").label


def test_a_blocked_title_is_not_called_a_caption(tmp_path: Path) -> None:
    """A title the guidelines block was reported as a caption that breaks them."""
    database = f"sqlite:///{tmp_path / 'title.db'}"
    added = merkwerker(
        "content",
        "add",
        "https://example.com/falcon",
        "--title",
        "Project Falcon live",
        database=database,
        env={"COLUMNS": "200"},
    )
    assert added.returncode == 0, added.stderr
    said = " ".join((added.stdout + added.stderr).split())
    assert "in the title" in said
    assert "A caption or the title breaks the guidelines" in said
