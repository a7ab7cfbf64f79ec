"""Mistakes an editor makes in a guidelines file that once crashed the reader or were
told wrongly: empty values, impossible dates, a colon in an unquoted example, a quote
closed by chance lines later, a copy of a file, a fault in the reader itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples import ORGANISATION, RULES, write_guidelines

from bot.guidelines import load_guidelines


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Folders given as relative paths are named relative in messages, as given.
    monkeypatch.chdir(tmp_path)


SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"
VACANCY_EXAMPLES = "    examples:\n      - Mag ik onze vacatures delen op LinkedIn?\n"


def _shipped_with(tmp_path: Path, edit: str) -> Path:
    """The shipped guidelines (hr.yaml is long enough to be read piece by piece) with the
    vacancies rule's examples replaced by ``edit``."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    for source in SHIPPED.glob("*.yaml"):
        (folder / source.name).write_text(source.read_text("utf-8"), encoding="utf-8")
    hr = (folder / "hr.yaml").read_text("utf-8")
    start = hr.index(VACANCY_EXAMPLES)
    end = hr.index("\n    ", hr.index("Can I share vacancies from the careers site?"))
    (folder / "hr.yaml").write_text(hr[:start] + edit + hr[end:], encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        ("    examples: []", "is an empty list. Add at least one item"),
        ('    examples: ""', "is empty. Write the text"),
        (
            "    examples: {}",
            'should be a list (lines starting with "- ", or [a, b]), but it '
            "is a list of keys (key: value).",
        ),
    ],
)
def test_an_empty_value_is_reported_with_its_line_not_dropped(
    tmp_path: Path, edit: str, said: str
) -> None:
    """``examples: []`` in a long file crashed the reader; elsewhere an empty value made
    the rule vanish without a word."""
    folder = _shipped_with(tmp_path, edit)
    result = load_guidelines(folder)
    [problem] = result.problems
    line = (folder / "hr.yaml").read_text("utf-8").splitlines().index(edit) + 1
    assert problem.render("en").startswith(
        f"{folder}/hr.yaml:{line}:15: error: examples of rule 'vacancies' (rules[5]) {said}"
    )
    assert result.guidelines is None


def test_an_impossible_date_is_named_with_its_line() -> None:
    rules = RULES.replace("until: 2027-01-28", "until: 2027-02-31")
    [problem] = load_guidelines(write_guidelines(Path("g"), rules=rules)).problems
    line = next(i for i, text in enumerate(rules.splitlines(), 1) if "2027-02-31" in text)
    assert problem.line == line
    assert problem.message("en").endswith(
        "is '2027-02-31', but that day does not exist on the calendar. Check the date (how "
        "many days does that month have?) and write it as year-month-day."
    )
    assert "is '2027-02-31', maar die dag bestaat niet in de kalender." in problem.message("nl")


def test_a_valid_date_still_makes_a_window() -> None:
    result = load_guidelines(write_guidelines(Path("g")))
    assert result.guidelines is not None
    [window] = [rule.active for rule in result.guidelines.rules if rule.active]
    assert (str(window.start), str(window.until)) == ("2026-12-15", "2027-01-28")


def test_an_unquoted_example_with_a_colon_says_to_quote_it() -> None:
    rules = RULES.replace(
        "      - Mag ik een foto", "      - Vraag: mag ik dit posten?\n      - Mag ik een foto", 1
    )
    assert rules != RULES
    [problem] = load_guidelines(write_guidelines(Path("g"), rules=rules)).problems
    line = rules.splitlines().index("      - Vraag: mag ik dit posten?") + 1
    assert problem.render("en") == (
        f'g/rules.yaml:{line}:9: error: line {line} has a colon followed by a space (": ") '
        'inside a text. Put the whole text in quotes, like "Tip: ask first"; or, if the line '
        "starts a new key, indent it exactly like the keys around it."
    )


def test_what_a_value_is_is_said_in_the_readers_language() -> None:
    rules = RULES.replace("verdict: allowed", "verdict: [allowed]", 1)
    [problem] = load_guidelines(write_guidelines(Path("g"), rules=rules)).problems
    assert "but it is a list" in problem.message("en")
    assert "maar is een lijst" in problem.message("nl")
    assert "a list" not in problem.message("nl")


def test_a_file_that_cannot_be_read_is_one_error_not_dozens() -> None:
    """The contacts are in the broken file: every rule's owner would be unknown and the
    organisation unset, but the one thing to fix is the quote."""
    organisation = ORGANISATION.replace('where: "#ask-hr"}', 'where: "#ask-hr}')
    [problem] = load_guidelines(write_guidelines(Path("g"), organisation=organisation)).problems
    assert problem.file == "g/organisation.yaml"
    assert "is never closed" in problem.message("en")


def test_a_fault_in_the_reader_is_one_error_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.guidelines import loader

    def broken(folder: Path) -> None:
        raise AttributeError("'NoneType' object has no attribute 'items'")

    monkeypatch.setattr(loader, "read_folder", broken)
    result = load_guidelines(write_guidelines(Path("g")))
    assert not result.ok
    [problem] = result.problems
    assert problem.render("en") == (
        "g: error: Merkwerker could not read these guidelines because of a fault in Merkwerker "
        "itself, not in your files. A running bot keeps serving the last valid version. The "
        "log has the details; please report it to whoever runs the bot."
    )
    assert "NoneType" in caplog.text


def test_a_copy_of_a_file_is_blamed_and_named_as_a_copy() -> None:
    """ "rules - kopie.yaml" sorts before "rules.yaml": its ids were the first seen, so
    the original was blamed for repeating them."""
    folder = write_guidelines(Path("g"))
    (folder / "rules - kopie.yaml").write_text(RULES, encoding="utf-8")
    problems = load_guidelines(folder).problems
    assert {p.file for p in problems} == {"g/rules - kopie.yaml"}
    assert len(problems) == 4
    assert (
        problems[0]
        .message("en")
        .endswith(
            "This file looks like a copy of g/rules.yaml: remove it from the folder (or move it "
            "elsewhere), or give its rules their own ids."
        )
    )
    assert "lijkt een kopie van g/rules.yaml" in problems[0].message("nl")
