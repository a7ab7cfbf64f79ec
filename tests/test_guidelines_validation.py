"""Editors get every problem at once, with file, line and a sentence they can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from samples import ORGANISATION, RULES, write_guidelines

from bot.guidelines import Level, load_guidelines


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Folders given as relative paths are named relative in messages, as given.
    monkeypatch.chdir(tmp_path)


def messages(folder: Path) -> list[str]:
    return [p.render("en") for p in load_guidelines(folder).problems]


def test_sample_guidelines_are_valid(tmp_path: Path) -> None:
    result = load_guidelines(write_guidelines(Path("g")))
    assert result.ok, messages(Path("g"))
    assert result.guidelines is not None
    assert [r.id for r in result.guidelines.rules] == [
        "client-names",
        "office-photos",
        "vacancies",
        "quiet-period",
    ]
    assert result.guidelines.languages == ("nl", "en")
    assert len(result.version) == 12


def test_bad_verdict_names_file_line_and_the_allowed_values(tmp_path: Path) -> None:
    folder = write_guidelines(
        Path("g"), rules=RULES.replace("verdict: allowed", "verdict: maybe", 1)
    )
    result = load_guidelines(folder)
    assert not result.ok
    [problem] = result.problems
    assert problem.file == "g/rules.yaml"
    lines = RULES.splitlines()
    expected_line = next(i for i, line in enumerate(lines, 1) if "verdict: allowed" in line)
    assert (problem.line, problem.column) == (expected_line, 14)
    assert problem.render("en") == (
        f"g/rules.yaml:{expected_line}:14: error: verdict of rule 'office-photos' (rules[2]) "
        "is 'maybe'; use allowed, not_allowed or ask_first."
    )
    assert "gebruik allowed, not_allowed of ask_first" in problem.render("nl")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    broken = (
        RULES.replace("owner: hr", "owner: hrr")
        .replace("    keywords: [foto", "    keyword: [foto")
        .replace("en: Ask the client first.}", "de: Fragen Sie.}")
        .replace("'\\bNDA\\b'", "x")
    )
    folder = write_guidelines(Path("g"), rules=broken)
    found = messages(folder)
    assert any(
        "owner of rule 'vacancies' (rules[3]) is 'hrr'" in m and "Did you mean 'hr'?" in m
        for m in found
    )
    assert any(
        "keyword of rule 'office-photos' (rules[2]) is not a known key. Did you mean 'keywords'?"
        in m
        for m in found
    )
    assert any("answer of rule 'client-names' (rules[1]) has no 'en' text" in m for m in found)
    assert any("'de', which is not in languages (nl, en)" in m for m in found)
    assert len(found) == 4


def test_duplicate_ids_across_files_point_at_both(tmp_path: Path) -> None:
    folder = write_guidelines(Path("g"))
    (folder / "more.yaml").write_text(RULES.split("  - id: office-photos")[0], encoding="utf-8")
    found = messages(folder)
    assert len(found) == 1
    assert found[0].startswith(
        "g/rules.yaml:2:9: error: rules[1].id 'client-names' is already used at g/more.yaml:2"
    )


def test_pathological_and_invalid_patterns_are_reported(tmp_path: Path) -> None:
    rules = RULES + (
        "  - id: slow\n"
        "    title: {nl: T, en: T}\n"
        "    verdict: allowed\n"
        "    owner: hr\n"
        "    answer: {nl: A, en: A}\n"
        "    examples: [x y z]\n"
        "    checks:\n"
        "      - pattern: '(a+)+$'\n"
        "      - pattern: '([a-z]'\n"
        "      - pattern: 'a*'\n"
    )
    found = messages(write_guidelines(Path("g"), rules=rules))
    slow = "of rule 'slow' (rules[5])"
    assert any(f"checks[1].pattern {slow} '(a+)+$' can take too long" in m for m in found)
    assert any(
        f"checks[2].pattern {slow} '([a-z]' is not a valid regular expression" in m for m in found
    )
    assert any(f"checks[3].pattern {slow} 'a*' also matches empty text" in m for m in found)


def test_yaml_syntax_error_has_a_line_and_plain_advice(tmp_path: Path) -> None:
    folder = write_guidelines(
        Path("g"),
        rules=RULES.replace("    verdict: ask_first", "    verdict: ask_first\n   oops: [", 1),
    )
    [problem] = load_guidelines(folder).problems
    assert problem.file == "g/rules.yaml" and problem.line > 0
    assert "is not indented like the lines above it" in problem.message("en")


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    folder = write_guidelines(Path("g"))
    (folder / "bomb.yaml").write_text(bomb, encoding="utf-8")
    [problem] = load_guidelines(folder).problems
    assert problem.file == "g/bomb.yaml" and problem.line == 1
    assert "anchor or alias" in problem.message("en")


def test_files_that_are_not_mappings_or_utf8(tmp_path: Path) -> None:
    folder = write_guidelines(Path("g"))
    (folder / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (folder / "latin1.yml").write_bytes("organisation: Caf\xe9\n".encode("latin-1"))
    found = messages(folder)
    assert any(m.startswith("g/latin1.yml:1:1: error:") and "UTF-8" in m for m in found)
    assert any(
        m.startswith("g/list.yaml:1:1: error:") and "should start with keys" in m for m in found
    )


def test_missing_and_empty_folders(tmp_path: Path) -> None:
    assert "does not exist" in messages(tmp_path / "nowhere")[0]
    (tmp_path / "empty").mkdir()
    assert "holds no .yaml" in messages(tmp_path / "empty")[0]


def test_window_and_dates(tmp_path: Path) -> None:
    rules = RULES.replace(
        "{from: 2026-12-15, until: 2027-01-28}", "{from: 2027-01-28, until: 2026-12-15}"
    )
    assert any(
        "Swap the dates" in m for m in messages(write_guidelines(tmp_path / "a", rules=rules))
    )
    rules = RULES.replace("from: 2026-12-15", "from: 15-12-2026")
    assert any(
        "year-month-day" in m for m in messages(write_guidelines(tmp_path / "b", rules=rules))
    )


def test_version_changes_with_content_only(tmp_path: Path) -> None:
    a = load_guidelines(write_guidelines(tmp_path / "a")).version
    b = load_guidelines(write_guidelines(tmp_path / "b")).version
    c = load_guidelines(
        write_guidelines(tmp_path / "c", rules=RULES.replace("Go ahead", "Sure"))
    ).version
    assert a == b != c


def test_missing_organisation_and_warnings(tmp_path: Path) -> None:
    organisation = ORGANISATION.replace("organisation: Testbedrijf\n", "")
    found = load_guidelines(write_guidelines(Path("g"), organisation=organisation))
    assert not found.ok
    assert any(p.key == "missing_setting" for p in found.problems)
    folder = write_guidelines(tmp_path / "h")
    (folder / "empty.yaml").write_text("", encoding="utf-8")
    result = load_guidelines(folder)
    assert result.ok and [p.level for p in result.problems] == [Level.WARNING]


YAML_MISTAKES = [
    (
        "rules:\n  - id: a\n\towner: hr\n",
        "3:1",
        "a tab is used for indentation on line 3; use spaces, as many as on the lines around it.",
        "op regel 3 wordt met een tab ingesprongen; gebruik spaties, evenveel als op de regels "
        "eromheen.",
    ),
    (
        "rules:\n  - id: a\n    owner:\thr\n    x: 1\n",
        "3:11",
        "line 3 holds a tab where YAML expects a space; replace the tab with a space.",
        "op regel 3 staat een tab waar YAML een spatie verwacht; vervang de tab door een spatie.",
    ),
    (
        "rules:\n  - id: a\n    owner hr\n    answer: x\n",
        "3:5",
        "line 3 has no colon after its key. Write it as key: value, for example owner: hr. If "
        "the line continues a text from the line above, indent it further than that text's key.",
        "op regel 3 staat geen dubbele punt na de sleutel. Schrijf het als sleutel: waarde, "
        "bijvoorbeeld owner: hr. Loopt de tekst van de regel erboven door? Laat de regel dan "
        "verder inspringen dan de sleutel van die tekst.",
    ),
    (
        "rules:\n  - id: a\n    answer: Tip: ask first\n",
        "3:16",
        'line 3 has a colon followed by a space (": ") inside a text. Put the whole text in '
        'quotes, like "Tip: ask first"; or, if the line starts a new key, indent it exactly '
        "like the keys around it.",
        'op regel 3 staat een dubbele punt met een spatie erachter (": ") midden in een tekst. '
        'Zet de hele tekst tussen aanhalingstekens, zoals "Tip: vraag het eerst"; of, als de '
        "regel een nieuwe sleutel begint, laat hem precies even ver inspringen als de "
        "sleutels eromheen.",
    ),
    (
        'rules:\n  - id: a\n    answer: "Ask first\n    owner: hr\n',
        "3:13",
        "the quote that opens on line 3 is never closed. Add the same quote (\" or ') at the "
        "end of the text.",
        "het aanhalingsteken dat op regel 3 opent, wordt nergens gesloten. Zet hetzelfde "
        "aanhalingsteken (\" of ') aan het eind van de tekst.",
    ),
    (
        # Left open, the quote ran on to the next quote two lines down.
        'rules:\n  - id: a\n    answer: "Ask first\n    owner: hr\n    keywords: ["x"]\n',
        "3:13",
        "the quote that opens on line 3 is never closed. Add the same quote (\" or ') at the "
        "end of the text.",
        "het aanhalingsteken dat op regel 3 opent, wordt nergens gesloten. Zet hetzelfde "
        "aanhalingsteken (\" of ') aan het eind van de tekst.",
    ),
    (
        "rules:\n  - id: a\n    owner: hr\n   answer: x\n",
        "4:4",
        "line 4 is not indented like the lines above it. Line it up exactly with the other "
        "keys of the same rule (or the other items of the same list), using spaces.",
        "regel 4 springt niet even ver in als de regels erboven. Zet hem precies gelijk met de "
        "andere sleutels van dezelfde regel (of de andere items van dezelfde lijst), met spaties.",
    ),
    (
        'rules:\n  - id: a\n    answer: "Say "hi" now"\n',
        "3:19",
        "line 3 has more text after a closing quote. Put the whole text in one pair of quotes, "
        "with single quotes inside double quotes (\"Say 'hi' now\"), or write it after >- on "
        "the next lines.",
        "op regel 3 staat nog tekst na een sluitend aanhalingsteken. Zet de hele tekst tussen "
        "één paar aanhalingstekens, met enkele binnen dubbele (\"Zeg 'hoi' nu\"), of schrijf "
        "hem na >- op de volgende regels.",
    ),
    (
        "rules:\n  - id: a\n    keywords: [a, b\n    owner: hr\n",
        "3:15",
        "the [ on line 3 is never closed, or a comma is missing between two items. Close it "
        "with ] on the same line and separate the items with commas.",
        "de [ op regel 3 wordt niet gesloten, of er ontbreekt een komma tussen twee items. "
        "Sluit hem met ] op dezelfde regel en zet komma's tussen de items.",
    ),
    (
        "contacts:\n  hr: {name: HR, where: @hr}\n",
        "2:25",
        "on line 2 a value starts with @, which has a special meaning in YAML. Put the value "
        'in quotes, like "@...".',
        "op regel 2 begint een waarde met @, en dat teken betekent iets bijzonders in YAML. "
        'Zet de waarde tussen aanhalingstekens, zoals "@...".',
    ),
    (
        "rules:\n  - id: a\n    owner: hr\n    owner: security\n",
        "4:5",
        "'owner' appears twice in the same place (the second time on line 4). Keep one of them.",
        "'owner' staat twee keer op dezelfde plek (de tweede keer op regel 4). Houd er één.",
    ),
    (
        "organisation: Test\nrules: []\x07\n",
        "2:1",
        "line 2 holds an invisible special character (U+0007) that YAML does not accept. "
        "Delete it; it often comes along when text is pasted from another program.",
        "op regel 2 staat een onzichtbaar bijzonder teken (U+0007) dat YAML niet accepteert. "
        "Haal het weg; het komt vaak mee als je tekst uit een ander programma plakt.",
    ),
]


@pytest.mark.parametrize(("text", "where", "english", "dutch"), YAML_MISTAKES)
def test_yaml_mistakes_are_told_in_plain_words(
    text: str, where: str, english: str, dutch: str
) -> None:
    folder = write_guidelines(Path("g"))
    (folder / "broken.yaml").write_text(text, encoding="utf-8")
    [problem] = load_guidelines(folder).problems
    assert problem.render("en") == f"g/broken.yaml:{where}: error: {english}"
    assert problem.render("nl") == f"g/broken.yaml:{where}: fout: {dutch}"


def test_an_unknown_yaml_complaint_gets_a_plain_sentence_and_the_original() -> None:
    from ruamel.yaml.error import MarkedYAMLError

    from bot.guidelines.problems import Problem
    from bot.guidelines.yaml_errors import explain

    said = explain(MarkedYAMLError(problem="something new went wrong"), "a: b\n")
    problem = Problem(file="g/x.yaml", line=2, column=3, path="", key=said.key, values=said.values)
    assert problem.message("en") == (
        "the file cannot be read as YAML here. Check that this line is indented like the lines "
        'around it (spaces, not tabs), and put text that contains ": " or starts with # or '
        "another special character in quotes. (The YAML reader says: something new went wrong.)"
    )
    assert problem.message("nl").endswith("(De YAML-lezer zegt: something new went wrong.)")


def test_a_text_missing_every_language_is_one_problem() -> None:
    rules = RULES.replace("title: {nl: Vacatures, en: Vacancies}", "title: {de: Stellenangebote}")
    found = messages(write_guidelines(Path("g"), rules=rules))
    assert [m for m in found if "title of rule 'vacancies'" in m and "no text" in m] == [
        "g/rules.yaml:28:12: error: title of rule 'vacancies' (rules[3]) has no text in nl, en. "
        'Add a line for each, such as nl: "...", so everyone gets an answer in their language.'
    ]
    assert len(found) == 2  # and the unknown language 'de'


def test_a_principle_is_named_by_its_id() -> None:
    organisation = ORGANISATION.replace("title: {nl: Los op, en: Solve}", "title: Solve")
    found = messages(write_guidelines(Path("g"), organisation=organisation))
    assert any(
        m.startswith("g/organisation.yaml:")
        and "title of principle 'solve' (principles[2]) should have a text per language" in m
        for m in found
    )
