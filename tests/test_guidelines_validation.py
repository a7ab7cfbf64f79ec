"""Editors get every problem at once, with file, line and a sentence they can act on."""

from __future__ import annotations

from pathlib import Path

from samples import ORGANISATION, RULES, write_guidelines

from bot.guidelines import Level, load_guidelines


def messages(folder: Path) -> list[str]:
    return [p.render("en") for p in load_guidelines(folder).problems]


def test_sample_guidelines_are_valid(tmp_path: Path) -> None:
    result = load_guidelines(write_guidelines(tmp_path / "g"))
    assert result.ok, messages(tmp_path / "g")
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
        tmp_path / "g", rules=RULES.replace("verdict: allowed", "verdict: maybe", 1)
    )
    result = load_guidelines(folder)
    assert not result.ok
    [problem] = result.problems
    assert problem.file == "g/rules.yaml"
    lines = RULES.splitlines()
    expected_line = next(i for i, line in enumerate(lines, 1) if "verdict: allowed" in line)
    assert (problem.line, problem.column) == (expected_line, 14)
    assert problem.render("en") == (
        f"g/rules.yaml:{expected_line}:14: error: rules[2].verdict is 'maybe'; "
        "use allowed, not_allowed or ask_first."
    )
    assert "gebruik allowed, not_allowed of ask_first" in problem.render("nl")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    broken = (
        RULES.replace("owner: hr", "owner: hrr")
        .replace("    keywords: [foto", "    keyword: [foto")
        .replace("en: Ask the client first.}", "de: Fragen Sie.}")
        .replace("'\\bNDA\\b'", "x")
    )
    folder = write_guidelines(tmp_path / "g", rules=broken)
    found = messages(folder)
    assert any("rules[3].owner is 'hrr'" in m and "Did you mean 'hr'?" in m for m in found)
    assert any("rules[2].keyword is not a known key. Did you mean 'keywords'?" in m for m in found)
    assert any("rules[1].answer has no 'en' text" in m for m in found)
    assert any("'de', which is not in languages (nl, en)" in m for m in found)
    assert len(found) == 4


def test_duplicate_ids_across_files_point_at_both(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
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
    found = messages(write_guidelines(tmp_path / "g", rules=rules))
    assert any("checks[1].pattern '(a+)+$' can take too long" in m for m in found)
    assert any("checks[2].pattern '([a-z]' is not a valid regular expression" in m for m in found)
    assert any("checks[3].pattern 'a*' also matches empty text" in m for m in found)


def test_yaml_syntax_error_has_a_line_and_plain_advice(tmp_path: Path) -> None:
    folder = write_guidelines(
        tmp_path / "g",
        rules=RULES.replace("    verdict: ask_first", "    verdict: ask_first\n   oops: [", 1),
    )
    [problem] = load_guidelines(folder).problems
    assert problem.file == "g/rules.yaml" and problem.line > 0
    assert "indentation" in problem.message("en")


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    folder = write_guidelines(tmp_path / "g")
    (folder / "bomb.yaml").write_text(bomb, encoding="utf-8")
    [problem] = load_guidelines(folder).problems
    assert problem.file == "g/bomb.yaml" and problem.line == 1
    assert "anchor or alias" in problem.message("en")


def test_files_that_are_not_mappings_or_utf8(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
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
    found = load_guidelines(write_guidelines(tmp_path / "g", organisation=organisation))
    assert not found.ok
    assert any(p.key == "missing_setting" for p in found.problems)
    folder = write_guidelines(tmp_path / "h")
    (folder / "empty.yaml").write_text("", encoding="utf-8")
    result = load_guidelines(folder)
    assert result.ok and [p.level for p in result.problems] == [Level.WARNING]
