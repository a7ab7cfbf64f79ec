"""``merkwerker guidelines proposals`` as an owner runs it: a real process, a copy of the
shipped guidelines and a database with questions people asked, picked and rated."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import merkwerker
from typer.testing import CliRunner

from adapters.cli.main import app
from bot.answering.feedback import Feedback
from bot.answering.store import FeedbackStore
from bot.guidelines import load_guidelines
from bot.storage import Store

ROOT = Path(__file__).resolve().parent.parent
ASKED = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)
PICKED = 'Mag ik zeggen dat "Acme" klant is: ja # of nee? 🎉'
WORSE = "Mag ik de omzet van mijn team delen?"
UNANSWERED = "Hoe laat gaat de kantine open?"
NEAR_COMMENT = "      # Toegevoegd na de enquête van de helpdesk."


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped guidelines, with a comment right under client-names' last example."""
    copy = Path(shutil.copytree(ROOT / "guidelines", tmp_path / "guidelines"))
    security = copy / "security.yaml"
    text = security.read_text(encoding="utf-8")
    last = "      - Can I say we're doing a project for Gemeente Zuidhaven?\n"
    assert text.count(last) == 1 and text.index(last) < text.index("    keywords: [klant,")
    security.write_text(text.replace(last, last + NEAR_COMMENT + "\n"), encoding="utf-8")
    assert load_guidelines(copy).ok
    return copy


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'merkwerker.db'}"
    store = Store.open(url)
    feedback = FeedbackStore(store.engine)

    def ask(text: str, *, rule: str | None = None, choices: tuple[str, ...] = ()) -> int:
        return store.record_question(
            user_id=None,
            text=text,
            language="nl",
            verdict="ask_first" if rule else "unknown",
            rule_id=rule,
            related=(),
            guidelines_version="test",
            answered=rule is not None,
            asked_at=ASKED,
            choices=choices,
        )

    for text in (PICKED, PICKED.lower(), PICKED):
        question = ask(text, choices=("client-names", "partner-supplier-names"))
        feedback.record_pick(question, user_id=None, rule_id="client-names", now=ASKED)
    gone = ask("Mag ik over het oude intranet posten?", choices=("old-intranet",))
    feedback.record_pick(gone, user_id=None, rule_id="old-intranet", now=ASKED)
    rated = ask(WORSE, rule="financial-results")
    feedback.record_feedback(rated, user_id=None, feedback=Feedback.NOT_HELPFUL, now=ASKED)
    ask(UNANSWERED)
    ask(UNANSWERED)
    store.close()
    return url


def test_listing_shows_questions_per_rule_with_counts(
    folder: Path, database: str, tmp_path: Path
) -> None:
    done = merkwerker(
        "guidelines", "proposals", "-g", "guidelines", "--database", database, cwd=tmp_path
    )

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    rule = lines.index("  client-names (Client names), guidelines/security.yaml")
    assert lines[rule + 1] == f"    3× {PICKED}"  # one question, in two spellings
    gone = lines.index("  old-intranet (no longer in the guidelines)")
    assert lines[gone + 1] == "    1× Mag ik over het oude intranet posten?"
    rated = lines.index("  financial-results (Financial results), guidelines/comms.yaml")
    assert lines[rated + 1] == f"    1× {WORSE}"
    assert f"  2× {UNANSWERED}" in lines
    assert (
        lines.index("Questions people matched to a rule by picking it (add them as examples):")
        < rule
    )
    assert done.stderr == ""


def test_json_has_the_same_lists_as_data(folder: Path, database: str, tmp_path: Path) -> None:
    done = merkwerker(
        "guidelines",
        "proposals",
        "--json",
        "--lang",
        "nl",
        "-g",
        "guidelines",
        "--database",
        database,
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert list(data) == [
        "guidelines_version",
        "since",
        "until",
        "picked",
        "not_helpful",
        "unanswered",
    ]
    picked = {rule["rule"]: rule for rule in data["picked"]}
    assert picked["client-names"]["title"] == "Namen van klanten"
    assert picked["client-names"]["file"] == "guidelines/security.yaml"
    assert picked["client-names"]["in_guidelines"] is True
    assert picked["client-names"]["total"] == 3
    assert picked["client-names"]["questions"][0]["count"] == 3
    assert (
        picked["old-intranet"]["in_guidelines"] is False and picked["old-intranet"]["file"] is None
    )
    assert data["not_helpful"][0]["rule"] == "financial-results"
    assert data["not_helpful"][0]["questions"] == [{"question": WORSE, "count": 1}]
    assert data["unanswered"][0]["question"] == UNANSWERED and data["unanswered"][0]["count"] == 2
    assert data["guidelines_version"] == load_guidelines(folder).version


def test_since_and_until_choose_the_period(folder: Path, database: str, tmp_path: Path) -> None:
    later = merkwerker(
        "guidelines",
        "proposals",
        "--json",
        "-g",
        str(folder),
        "--database",
        database,
        "--since",
        "2026-03-04",
        cwd=tmp_path,
    )
    assert later.returncode == 0, later.stderr
    data = json.loads(later.stdout)
    assert data["picked"] == [] and data["not_helpful"] == [] and data["unanswered"] == []

    within = merkwerker(
        "guidelines",
        "proposals",
        "--json",
        "-g",
        str(folder),
        "--database",
        database,
        "--since",
        "2026-03-03",
        "--until",
        "2026-03-04",
        cwd=tmp_path,
    )
    assert [rule["rule"] for rule in json.loads(within.stdout)["picked"]] == [
        "client-names",
        "old-intranet",
    ]

    wrong = merkwerker(
        "guidelines",
        "proposals",
        "-g",
        str(folder),
        "--database",
        database,
        "--since",
        "3 March",
        cwd=tmp_path,
    )
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == (
        "'3 March' is not a date. Write it as year-month-day, such as 2026-03-01."
    )


@pytest.mark.parametrize(
    ("timezone", "until"),
    [("Europe/Amsterdam", "9999-12-31"), ("America/New_York", "9999-12-31T23:59")],
)
def test_the_first_and_last_days_there_are_make_a_period(
    folder: Path, database: str, timezone: str, until: str
) -> None:
    # East of Greenwich, midnight of 1 January of year 1 comes before the first moment
    # UTC can hold; west of it, the last hours of 9999 come after the last one.
    runner = CliRunner(env={"LANG": "en_GB.UTF-8", "MERKWERKER_TIMEZONE": timezone})
    period = ["--since", "0001-01-01", "--until", until]
    done = runner.invoke(
        app,
        ["guidelines", "proposals", "--json", "-g", str(folder), "--database", database, *period],
    )

    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["since"].startswith("0001-01-01T") and data["until"].startswith("9999-12-3")
    assert [rule["rule"] for rule in data["picked"]] == ["client-names", "old-intranet"]
    assert data["unanswered"][0]["question"] == UNANSWERED


def test_a_missing_database_is_one_sentence(folder: Path, tmp_path: Path) -> None:
    done = merkwerker("guidelines", "proposals", "-g", str(folder), cwd=tmp_path)

    assert done.returncode == 1
    assert done.stderr.strip().startswith("There is no database at merkwerker.db")
    assert "\n" not in done.stderr.strip() and not (tmp_path / "merkwerker.db").exists()


def test_an_empty_file_as_the_database_is_left_alone(folder: Path, tmp_path: Path) -> None:
    """A 0-byte file given as the database got Merkwerker's tables written into it, and
    the owner was told there were no proposals, as if that were the bot's database."""
    empty = tmp_path / "merkwerker.db"
    empty.touch()
    for command in (("guidelines", "proposals", "-g", str(folder)), ("report",)):
        done = merkwerker(*command, cwd=tmp_path)
        assert done.returncode == 1, done.stdout
        assert done.stderr.strip().startswith("There is no database at merkwerker.db")
        assert empty.stat().st_size == 0


def test_questions_without_apply_are_refused(folder: Path, database: str, tmp_path: Path) -> None:
    done = merkwerker(
        "guidelines",
        "proposals",
        "-g",
        str(folder),
        "--database",
        database,
        "Mag ik?",
        cwd=tmp_path,
    )

    assert done.returncode == 2
    assert done.stderr.strip().startswith("Questions to add go after --apply RULE_ID")


def test_the_html_and_json_reports_show_the_proposals(database: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = merkwerker(
        "report",
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-09",
        "--database",
        database,
        "-f",
        "html",
        "-o",
        str(page),
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    section = html.index(">Questions to add to the rules</h2>")
    picked = html.index("Questions people matched to a rule by picking it", section)
    assert html.index(">client-names</th>", picked) > picked
    assert "Mag ik zeggen dat &quot;Acme&quot; klant is: ja # of nee? 🎉" in html[picked:]
    assert html.index(">financial-results</th>", picked) > html.index("Answers marked not helpful")

    data = json.loads(
        merkwerker(
            "report",
            "--since",
            "2026-03-02",
            "--until",
            "2026-03-09",
            "--database",
            database,
            "-f",
            "json",
            cwd=tmp_path,
        ).stdout
    )
    assert data["picked_questions"][0]["rule"] == "client-names"
    assert data["picked_questions"][0]["total"] == 3
    assert data["not_helpful_answers"] == [
        {"rule": "financial-results", "total": 1, "questions": [{"question": WORSE, "count": 1}]}
    ]
    assert "unanswered_questions" in data and "leaderboard" in data


def test_a_database_that_cannot_be_read_is_one_sentence(folder: Path, tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "broken.db"
    Store.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE question")

    done = merkwerker(
        "guidelines",
        "proposals",
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{path}",
        cwd=tmp_path,
    )

    assert done.returncode == 1
    message = done.stderr.strip()
    assert message.startswith("The questions could not be read from the database")
    assert "no such table" in message and "\n" not in message and "Traceback" not in message
