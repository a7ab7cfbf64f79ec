"""A long guidelines file is read piece by piece, and nobody can tell.

An edit to one rule of a long file re-reads only that rule (bot.guidelines.pieces); the
rules, and every problem's file:line, are what reading the whole file gives, also after
lines were added above the edited rule, and a broken piece is reported at its line.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from samples import ORGANISATION

from bot.guidelines import load_guidelines
from bot.guidelines.files import _read_yaml
from bot.guidelines.pieces import read_in_pieces

RULES = 250


def _rule(n: int) -> str:
    return (
        f"  - id: rule-{n}\n"
        f"    title: {{nl: Regel {n}, en: Rule {n}}}\n"
        f"    verdict: allowed\n"
        f"    owner: hr\n"
        f"    answer:\n"
        f"      nl: >-\n"
        f"        Antwoord {n}, over\n"
        f"        twee regels.\n"
        f"      en: 'Answer {n}.'\n"
        f"    examples:\n"
        f"      - Mag ik iets over onderwerp {n} zeggen?\n"
        f"      - Can I say something about topic {n}?\n"
        f"    keywords: [onderwerp{n}, topic{n}]\n"
        f"\n"
    )


def _write(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "rules.yaml"
    text = ORGANISATION + "# every rule\nrules:\n" + "".join(_rule(n) for n in range(RULES))
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def _same(whole: object, cut: object, at: str = "") -> None:
    assert type(whole) is type(cut), at
    if isinstance(whole, CommentedMap) and isinstance(cut, CommentedMap):
        assert list(whole) == list(cut), at
        assert whole.lc.data == cut.lc.data, at
        for key in whole:
            _same(whole[key], cut[key], f"{at}.{key}")
    elif isinstance(whole, CommentedSeq) and isinstance(cut, CommentedSeq):
        assert len(whole) == len(cut), at
        assert whole.lc.data == cut.lc.data, at
        for index, (left, right) in enumerate(zip(whole, cut, strict=True)):
            _same(left, right, f"{at}[{index}]")
    else:
        assert whole == cut, at


def test_pieces_give_what_the_whole_file_gives_with_the_same_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "guidelines")
    text = path.read_text(encoding="utf-8")
    for edited in (text, "# a line more\n\n" + text.replace("Rule 7}", "Rule seven}")):
        cut = read_in_pieces(edited, "rules.yaml", _read_yaml)
        assert cut is not None  # this file is of the shape that is cut
        _same(_read_yaml(edited, "rules.yaml", []), cut)


def test_an_edit_below_added_lines_is_reported_at_its_own_line(tmp_path: Path) -> None:
    folder = tmp_path / "guidelines"
    path = _write(folder)
    assert load_guidelines(folder).ok
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - id: rule-100\n", "  # a note\n  # another\n  - id: rule-100\n")
    rule_200 = "  - id: rule-200\n    title: {nl: Regel 200, en: Rule 200}\n    verdict: allowed\n"
    text = text.replace(rule_200, rule_200.replace("verdict: allowed", "verdict: maybe"))
    path.write_text(text, encoding="utf-8")

    result = load_guidelines(folder)

    assert not result.ok
    (problem,) = result.problems
    assert problem.key == "bad_choice"
    assert problem.line == _line_of(path, "    verdict: maybe")
    assert f"rules.yaml:{problem.line}:" in problem.render()


def test_a_rule_knows_its_line_after_lines_were_added_above_it(tmp_path: Path) -> None:
    folder = tmp_path / "guidelines"
    path = _write(folder)
    assert load_guidelines(folder).ok
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("# every rule\n", "# every rule\n# of them\n#\n"), "utf-8")

    guidelines = load_guidelines(folder).guidelines

    assert guidelines is not None
    rule = guidelines.rule("rule-180")
    assert rule is not None
    assert rule.source.line == _line_of(path, "  - id: rule-180")


def test_a_broken_rule_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "guidelines"
    path = _write(folder)
    assert load_guidelines(folder).ok
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("      en: 'Answer 150.'", "\ten: 'Answer 150.'"), "utf-8")

    result = load_guidelines(folder)

    assert not result.ok
    problem = result.problems[0]
    assert problem.key == "yaml_tab_indent"
    assert problem.line == _line_of(path, "\ten: 'Answer 150.'")


def test_a_key_written_twice_is_still_reported(tmp_path: Path) -> None:
    folder = tmp_path / "guidelines"
    path = _write(folder)
    with path.open("a", encoding="utf-8") as file:
        file.write("organisation: Een ander\n")

    result = load_guidelines(folder)

    assert not result.ok
    assert [p.key for p in result.problems] == ["yaml_duplicate_key"]
    assert result.problems[0].line == _line_of(path, "organisation: Een ander")
