"""Adding accepted questions to a rule's examples: only the new lines change, the
questions read back exactly, and a folder is never left invalid."""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest
from samples import RULES, write_guidelines

from bot.guidelines import LoadResult, Problem, load_guidelines
from bot.guidelines.examples_editor import ExamplesRefused, add_examples

ROOT = Path(__file__).resolve().parent.parent

TRICKY = [
    'Mag ik "Acme" zeggen?',
    "It's fine: really # or not?",
    "🎉 Feest op kantoor 🎉, mag ik dat posten? 👍",
    "- begint met een streepje",
    "[haken], {accolades} & *sterretjes*",
    "#hashtag vooraan",
    "eindigt met een dubbelepunt:",
    "yes",
    "null",
    "2026-01-01",
    "100% zeker? @baas | > ! %",
    "'enkele aanhalingstekens'",
    "tab\there",
    "twee\nregels",
    "Ünïcödé, ß and 日本語",
]


def examples(folder: Path, rule_id: str) -> tuple[str, ...]:
    result = load_guidelines(folder)
    assert result.ok, [p.render() for p in result.problems]
    assert result.guidelines is not None
    rule = result.guidelines.rule(rule_id)
    assert rule is not None
    return rule.examples


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "guidelines", tmp_path / "guidelines"))


def test_tricky_questions_read_back_as_the_same_strings(shipped: Path) -> None:
    before = examples(shipped, "client-names")

    done = add_examples(shipped, "client-names", TRICKY)

    assert done.added == tuple(TRICKY) and done.skipped == ()
    assert examples(shipped, "client-names") == (*before, *TRICKY)
    assert done.version == load_guidelines(shipped).version
    assert done.file == str(shipped / "security.yaml")  # named as the folder was given


def test_only_new_lines_are_inserted(shipped: Path) -> None:
    file = shipped / "security.yaml"
    old = file.read_text(encoding="utf-8")
    others = {p.name: p.read_bytes() for p in shipped.iterdir() if p != file}

    add_examples(shipped, "client-names", ["Mag ik mijn klant taggen?", "Can I tag: a client?"])

    new = file.read_text(encoding="utf-8")
    added = [line for line in new.splitlines() if line not in old.splitlines()]
    assert added == ["      - Mag ik mijn klant taggen?", "      - 'Can I tag: a client?'"]
    assert new.replace("\n".join(added) + "\n", "", 1) == old
    assert {p.name: p.read_bytes() for p in shipped.iterdir() if p != file} == others


def test_byte_order_mark_crlf_and_permissions_are_kept(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    file = folder / "rules.yaml"
    old = b"\xef\xbb\xbf" + RULES.replace("\n", "\r\n").encode("utf-8")
    file.write_bytes(old)
    os.chmod(file, 0o640)

    add_examples(folder, "office-photos", ["Mag ik de lobby fotograferen?"])

    new = file.read_bytes()
    line = b"      - Mag ik de lobby fotograferen?\r\n"
    assert new.startswith(b"\xef\xbb\xbf")
    assert new.replace(line, b"", 1) == old
    assert new.count(b"\n") == new.count(b"\r\n")
    assert stat.S_IMODE(file.stat().st_mode) == 0o640
    assert examples(folder, "office-photos")[-1] == "Mag ik de lobby fotograferen?"


def test_questions_the_rule_has_are_skipped_ignoring_case_and_spacing(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    old = (folder / "rules.yaml").read_bytes()

    done = add_examples(
        folder, "vacancies", ["  mag ik een   VACATURE delen? ", "Can I share a job opening?"]
    )

    assert done.added == () and len(done.skipped) == 2
    assert (folder / "rules.yaml").read_bytes() == old

    again = add_examples(
        folder, "vacancies", ["Nieuw?", "nieuw?", "Is it ok to post that we are hiring?"]
    )
    assert again.added == ("Nieuw?",)
    assert again.skipped == ("nieuw?", "Is it ok to post that we are hiring?")


def test_flow_list_single_text_and_missing_key(tmp_path: Path) -> None:
    rules = (
        RULES.replace(
            "    examples:\n      - Mag ik een foto van ons kantoor delen?\n"
            "      - Can I post a picture of the office?\n"
            "      - Is it ok to share a photo of our workplace?\n",
            "    examples: [Mag ik een foto van ons kantoor delen?, 'Can I post a photo?']\n",
        )
        .replace(
            "    examples:\n      - Mag ik een vacature delen?\n      - Can I share a job opening?\n"
            "      - Is it ok to post that we are hiring?\n",
            "    examples: Mag ik een vacature delen?  # one for now\n",
        )
        .replace(
            "    examples:\n      - Mag ik iets zeggen over de kwartaalcijfers?\n"
            "      - Can I talk about the quarterly results?\n",
            "",
        )
    )
    folder = write_guidelines(tmp_path / "g", rules=rules)
    assert not load_guidelines(folder).ok  # quiet-period has no examples yet

    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "office-photos", ["a, b: c"])
    assert refused.value.key == "proposals.broken"  # the folder is still invalid

    add_examples(folder, "quiet-period", ["Wanneer mag ik weer over cijfers praten?"])
    assert examples(folder, "quiet-period") == ("Wanneer mag ik weer over cijfers praten?",)
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    assert "    examples:\n      - Wanneer mag ik weer over cijfers praten?\n" in text

    add_examples(folder, "office-photos", ["a, b: c"])
    assert examples(folder, "office-photos")[-1] == "a, b: c"
    add_examples(folder, "vacancies", ["Mag ik: [dit] delen?"])
    assert examples(folder, "vacancies") == ("Mag ik een vacature delen?", "Mag ik: [dit] delen?")
    assert "# one for now" in (folder / "rules.yaml").read_text(encoding="utf-8")


def test_unknown_rule_names_the_rules_there_are(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")

    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "client-name", ["Mag ik?"])

    assert refused.value.key == "proposals.unknown_rule_close"
    assert refused.value.values["close"] == "client-names"
    assert refused.value.values["known"] == "client-names, office-photos, quiet-period, vacancies"


def test_empty_or_no_questions_are_refused(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    for questions, key in (
        ([], "proposals.no_questions"),
        (["ok", "  "], "proposals.empty_question"),
    ):
        with pytest.raises(ExamplesRefused) as refused:
            add_examples(folder, "vacancies", questions)
        assert refused.value.key == key


def test_an_invalid_result_is_never_written(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    old = (folder / "rules.yaml").read_bytes()

    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "vacancies", ["x" * 501])

    assert refused.value.key == "proposals.broken"
    [problem] = refused.value.problems
    assert problem.key == "text_too_long" and problem.file == str(folder / "rules.yaml")
    assert (folder / "rules.yaml").read_bytes() == old
    assert sorted(p.name for p in folder.iterdir()) == ["organisation.yaml", "rules.yaml"]


def test_the_file_is_restored_when_the_folder_is_invalid_after_writing(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    file = folder / "rules.yaml"
    old = file.read_bytes()
    seen: list[bytes] = []
    broken = Problem(file="g/organisation.yaml", line=1, column=1, path="", key="file_empty")

    def validate(path: Path) -> LoadResult:
        result = load_guidelines(path)
        if path != folder:
            return result  # the scratch copy: fine
        seen.append(file.read_bytes())  # someone broke another file in the meantime
        return replace(result, guidelines=None, problems=(broken,))

    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "vacancies", ["Mag ik een stagiair zoeken?"], validate=validate)

    assert refused.value.key == "proposals.broken" and refused.value.problems == (broken,)
    assert seen and b"Mag ik een stagiair zoeken?" in seen[0]
    assert file.read_bytes() == old


def test_a_file_changed_meanwhile_is_left_alone(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    file = folder / "rules.yaml"
    theirs = RULES.replace("Vacatures", "Vacatures!").encode()

    def validate(path: Path) -> LoadResult:
        file.write_bytes(theirs)  # another owner saves while the copy is validated
        return load_guidelines(path)

    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "vacancies", ["Mag ik?"], validate=validate)

    assert refused.value.key == "proposals.changed_meanwhile"
    assert file.read_bytes() == theirs


def test_a_rule_written_as_a_flow_mapping(tmp_path: Path) -> None:
    rules = RULES + (
        "  - {id: flow-rule, title: {nl: F, en: F}, verdict: allowed, owner: hr,\n"
        "     answer: {nl: Ja., en: Yes.}, examples: [Mag het?]}\n"
    )
    folder = write_guidelines(tmp_path / "g", rules=rules)

    add_examples(folder, "flow-rule", ["Echt, mag het?"])
    assert examples(folder, "flow-rule") == ("Mag het?", "Echt, mag het?")

    without = rules.replace(", examples: [Mag het?]", "")
    (folder / "rules.yaml").write_text(without, encoding="utf-8")
    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "flow-rule", ["Echt?"])  # no block to add a key to: by hand

    assert refused.value.key == "proposals.not_found_in_file"
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == without


def test_a_file_that_is_already_broken_is_reported_not_edited(tmp_path: Path) -> None:
    rules = RULES.replace(
        "    verdict: allowed\n    owner: hr\n",
        "    verdict: allowed\n    owner: hr\n    owner: hr\n",
    )
    folder = write_guidelines(tmp_path / "g", rules=rules)

    with pytest.raises(ExamplesRefused) as refused:
        add_examples(folder, "vacancies", ["Mag ik?"])

    assert refused.value.key == "proposals.invalid_now" and refused.value.problems
    assert (folder / "rules.yaml").read_text(encoding="utf-8") == rules
