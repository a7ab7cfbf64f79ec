"""``merkwerker guidelines validate`` as an editor runs it: a real process, a folder with
several kinds of mistake, and the exact sentences they read in English and Dutch."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import Ran, merkwerker
from samples import ORGANISATION, RULES, write_guidelines

ROOT = Path(__file__).resolve().parent.parent


def validate(*args: str, cwd: Path) -> Ran:
    return merkwerker("guidelines", "validate", *args, cwd=cwd, timeout=60, columns=300)


def broken_folder(base: Path) -> Path:
    """A tab, a missing colon, an unknown key, a duplicate id and a bad verdict."""
    rules = RULES.replace("verdict: allowed", "verdict: maybe", 1).replace(
        "    keywords: [vacature", "    keyword: [vacature"
    )
    folder = write_guidelines(base / "g", rules=rules)
    (folder / "tab.yaml").write_text("rules:\n  - id: tabbed\n\ttitle: {nl: T, en: T}\n")
    (folder / "colon.yaml").write_text(
        "rules:\n  - id: no-colon\n    owner hr\n    verdict: allowed\n"
    )
    (folder / "z-copy.yaml").write_text(RULES.split("  - id: office-photos")[0])
    return folder


EXPECTED_EN = [
    "g/colon.yaml:3:5: error: line 3 has no colon after its key. Write it as key: value, "
    "for example owner: hr. If the line continues a text from the line above, indent it "
    "further than that text's key.",
    "g/rules.yaml:19:14: error: verdict of rule 'office-photos' (rules[2]) is 'maybe'; "
    "use allowed, not_allowed or ask_first.",
    "g/rules.yaml:36:5: error: keyword of rule 'vacancies' (rules[3]) is not a known key. "
    "Did you mean 'keywords'?",
    "g/tab.yaml:3:1: error: a tab is used for indentation on line 3; use spaces, as many as "
    "on the lines around it.",
    "g/z-copy.yaml:2:9: error: rules[1].id 'client-names' is already used at g/rules.yaml:2. "
    "This file looks like a copy of g/rules.yaml: remove it from the folder (or move it "
    "elsewhere), or give its rules their own ids.",
    "Not valid: 5 error(s), 0 warning(s). A running bot keeps serving the last valid version "
    "until these are fixed.",
]

EXPECTED_NL = [
    "g/colon.yaml:3:5: fout: op regel 3 staat geen dubbele punt na de sleutel. Schrijf het "
    "als sleutel: waarde, bijvoorbeeld owner: hr. Loopt de tekst van de regel erboven door? "
    "Laat de regel dan verder inspringen dan de sleutel van die tekst.",
    "g/rules.yaml:19:14: fout: verdict van regel 'office-photos' (rules[2]) is 'maybe'; "
    "gebruik allowed, not_allowed of ask_first.",
    "g/rules.yaml:36:5: fout: keyword van regel 'vacancies' (rules[3]) is geen bekende "
    "sleutel. Bedoel je 'keywords'?",
    "g/tab.yaml:3:1: fout: op regel 3 wordt met een tab ingesprongen; gebruik spaties, "
    "evenveel als op de regels eromheen.",
    "g/z-copy.yaml:2:9: fout: rules[1].id 'client-names' wordt al gebruikt in "
    "g/rules.yaml:2. Dit bestand lijkt een kopie van g/rules.yaml: haal het uit de map (of "
    "zet het ergens anders), of geef de regels eigen ids.",
    "Niet geldig: 5 fout(en), 0 waarschuwing(en). Een draaiende bot blijft de laatste "
    "geldige versie gebruiken tot deze zijn opgelost.",
]


def test_every_mistake_once_in_plain_english_and_dutch(tmp_path: Path) -> None:
    broken_folder(tmp_path)

    english = validate("g", cwd=tmp_path)
    dutch = validate("g", "--lang", "nl", cwd=tmp_path)

    assert english.returncode == dutch.returncode == 1
    # Each problem exactly once, in file order, with the relative path as it was typed.
    assert english.stdout.splitlines()[:-2] == EXPECTED_EN
    assert dutch.stdout.splitlines()[:-2] == EXPECTED_NL
    # Then which matching is active and whether the topic gate is on.
    assert english.stdout.splitlines()[-1].startswith("Topic gate: on")
    assert dutch.stdout.splitlines()[-1].startswith("Onderwerpfilter: aan")
    for output in (english.stdout, dutch.stdout):
        assert "cannot start any token" not in output and "could not find expected" not in output
        assert str(tmp_path) not in output  # never made absolute


def test_paths_are_printed_as_given(tmp_path: Path) -> None:
    broken_folder(tmp_path)
    (tmp_path / "sub").mkdir()

    dotted = validate("./g/", cwd=tmp_path).stdout
    parent = validate("../g", cwd=tmp_path / "sub").stdout
    absolute = validate(str(tmp_path / "g"), cwd=tmp_path / "sub").stdout
    one_file = validate("g/tab.yaml", cwd=tmp_path).stdout

    assert "\ng/tab.yaml:3:1: error: a tab" in "\n" + dotted
    assert "\n../g/tab.yaml:3:1: error: a tab" in "\n" + parent
    assert "is already used at ../g/rules.yaml:2." in parent
    assert f"\n{tmp_path}/g/tab.yaml:3:1: error: a tab" in "\n" + absolute
    assert one_file.startswith("g/tab.yaml:3:1: error: a tab")


def test_the_examples_in_the_editors_manual_are_what_validate_prints(tmp_path: Path) -> None:
    manual = (ROOT / "guidelines" / "README.md").read_text(encoding="utf-8")
    shown = [
        line.strip()
        for line in manual.splitlines()
        if line.strip().startswith(("guidelines/hr.yaml:", "guidelines/comms.yaml:"))
    ]
    assert len(shown) == 4  # two in the Dutch part, two in the English part
    folder = Path(shutil.copytree(ROOT / "guidelines", tmp_path / "guidelines"))
    hr = (folder / "hr.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    assert hr[144] == "    verdict: allowed\n"  # the vacancies rule, the fifth in hr.yaml
    hr[144] = "    verdict: ask-first\n"
    (folder / "hr.yaml").write_text("".join(hr), encoding="utf-8")
    comms = (folder / "comms.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    comms[11] = "\t" + comms[11].lstrip(" ")
    (folder / "comms.yaml").write_text("".join(comms), encoding="utf-8")

    printed = (
        validate("guidelines", cwd=tmp_path).stdout.splitlines()
        + validate("guidelines", "--lang", "nl", cwd=tmp_path).stdout.splitlines()
    )

    assert [line for line in shown if line not in printed] == []


def test_the_example_in_the_main_readme_is_what_validate_prints(tmp_path: Path) -> None:
    """The README quoted a form of the message validate no longer printed."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = [
        part
        for part in readme.split("`")
        if part.startswith("guidelines/security.yaml:") and ": error: " in part
    ]
    assert len(shown) == 1
    folder = Path(shutil.copytree(ROOT / "guidelines", tmp_path / "guidelines"))
    security = (folder / "security.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    assert security[121] == "  - id: personal-data\n"  # the fourth rule in security.yaml
    assert security[125] == "    verdict: not_allowed\n"
    security[125] = "    verdict: maybe\n"
    (folder / "security.yaml").write_text("".join(security), encoding="utf-8")

    done = validate("guidelines", cwd=tmp_path)

    assert done.returncode == 1
    assert shown[0] in done.stdout.splitlines()


def test_a_contacts_notify_target_is_accepted_and_a_wrong_one_named_with_its_line(
    tmp_path: Path,
) -> None:
    good = ORGANISATION.replace(
        '  hr: {name: HR Desk, where: "#ask-hr"}',
        '  hr: {name: HR Desk, where: "#ask-hr", notify: "slack:C0123ABC"}\n'
        '  comms: {name: Comms, notify: "teams:19:abc@thread.tacv2"}',
    )
    write_guidelines(tmp_path / "g", organisation=good)
    accepted = validate("g", cwd=tmp_path)
    assert accepted.returncode == 0, accepted.stdout

    wrong = good.replace('"slack:C0123ABC"', '"whatsapp:+316123"').replace(
        '"teams:19:abc@thread.tacv2"', '"teams: "'
    )
    write_guidelines(tmp_path / "g", organisation=wrong)
    refused = validate("g", cwd=tmp_path)

    assert refused.returncode == 1
    assert [line for line in refused.stdout.splitlines() if line.startswith("g/")] == [
        "g/organisation.yaml:5:49: error: contacts.hr.notify is 'whatsapp:+316123'. Write "
        "where to tell this contact as slack or teams, a colon and the channel or chat, "
        "such as slack:C0123ABC.",
        "g/organisation.yaml:6:32: error: contacts.comms.notify is 'teams:', but the channel "
        "or chat after 'teams:' is missing or has a space in it. Write its id right after "
        "the colon, such as slack:C0123ABC.",
    ]


def test_an_empty_list_in_a_long_file_is_an_error_with_its_line(tmp_path: Path) -> None:
    """``examples: []`` in the shipped hr.yaml (long enough to be read piece by piece)
    stopped validate, ask and serve with a traceback."""
    folder = tmp_path / "g"
    shutil.copytree(ROOT / "guidelines", folder)
    hr = (folder / "hr.yaml").read_text("utf-8")
    start = hr.index("    examples:\n      - Mag ik onze vacatures delen op LinkedIn?")
    end = hr.index("\n    ", hr.index("Can I share vacancies from the careers site?"))
    (folder / "hr.yaml").write_text(hr[:start] + "    examples: []" + hr[end:], "utf-8")
    line = hr[:start].count("\n") + 1

    ran = validate("g", cwd=tmp_path)

    assert ran.returncode == 1
    assert "Traceback" not in ran.stdout + ran.stderr
    assert ran.stdout.splitlines()[0] == (
        f"g/hr.yaml:{line}:15: error: examples of rule 'vacancies' (rules[5]) is an empty "
        "list. Add at least one item, or remove the line."
    )


def test_curly_quotes_from_a_word_processor_are_a_warning_and_left_out(tmp_path: Path) -> None:
    """“#ask-hr” pasted from a document: YAML keeps the curly quotes as letters, so every
    answer would show them. The editor is told on which line, and the bot leaves them out."""
    organisation = ORGANISATION.replace('where: "#ask-hr"', "where: \u201c#ask-hr\u201d")
    assert organisation != ORGANISATION
    folder = write_guidelines(tmp_path / "g", organisation=organisation)
    ran = validate("g", "--lang", "en", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[0] == (
        "g/organisation.yaml:5:30: warning: contacts.hr.where is between curly quotes "
        "(\u201c#ask-hr\u201d), the kind a word processor types. YAML does not take them as "
        "quotes, so they would show in every answer; Merkwerker leaves them out. Use straight "
        'quotes ("...") or none to make this note go away.'
    )
    dutch = validate("g", "--lang", "nl", cwd=tmp_path)
    assert "staat tussen gekrulde aanhalingstekens (\u201c#ask-hr\u201d)" in dutch.stdout
    from bot.guidelines import load_guidelines

    loaded = load_guidelines(folder).guidelines
    assert loaded is not None
    assert loaded.contacts["hr"].where == "#ask-hr"


def test_why_a_file_or_pattern_fails_is_said_in_the_readers_language(tmp_path: Path) -> None:
    """The system's own reasons (a folder where a file should be, a bracket never closed)
    were English inside a Dutch message."""
    rules = RULES.replace(
        "      - terms: [Acme Bank, Project Falcon]", '      - pattern: "(Acme"', 1
    )
    assert rules != RULES
    folder = write_guidelines(tmp_path / "g", rules=rules)
    (folder / "oud.yaml").mkdir()
    dutch = validate("g", "--lang", "nl", cwd=tmp_path).stdout.splitlines()
    assert (
        dutch[0]
        == "g/oud.yaml: fout: dit bestand kan niet worden gelezen (het is een map, geen bestand)."
    )
    assert dutch[1].endswith(
        "'(Acme' is geen geldige reguliere expressie (een ( wordt nergens gesloten met )). "
        "Verbeter hem, of gebruik terms: voor gewone woorden."
    )
    english = validate("g", "--lang", "en", cwd=tmp_path).stdout.splitlines()
    assert english[0] == "g/oud.yaml: error: this file cannot be read (it is a folder, not a file)."
    assert "'(Acme' is not a valid regular expression (a ( is never closed with ))." in english[1]


def test_a_misspelt_required_key_is_one_mistake(tmp_path: Path) -> None:
    """ "verdikt: allowed" gave two errors, a missing verdict and an unknown key, for one
    typo; an editor fixing the first went looking for a verdict that was there."""
    write_guidelines(
        tmp_path / "g", rules=RULES.replace("    verdict: allowed", "    verdikt: allowed", 1)
    )
    english = validate("g", cwd=tmp_path)
    dutch = validate("g", "--lang", "nl", cwd=tmp_path)
    assert english.returncode == dutch.returncode == 1
    assert english.stdout.splitlines()[:2] == [
        "g/rules.yaml:19:5: error: verdikt of rule 'office-photos' (rules[2]) is not a known "
        "key. Did you mean 'verdict'? It is required, and there is none here.",
        "Not valid: 1 error(s), 0 warning(s). A running bot keeps serving the last valid "
        "version until these are fixed.",
    ]
    assert dutch.stdout.splitlines()[0] == (
        "g/rules.yaml:19:5: fout: verdikt van regel 'office-photos' (rules[2]) is geen bekende "
        "sleutel. Bedoel je 'verdict'? Die is verplicht, en staat hier nog niet."
    )
