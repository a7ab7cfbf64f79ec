"""``merkwerker check`` as a person runs it: joined and hashtag spellings of a term are
found, other words are not, and the *Voeg toe* reminder comes only with a bare share."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Ran, merkwerker
from samples import write_guidelines

ROOT = Path(__file__).resolve().parent.parent


def check(text: str, folder: Path, *more: str) -> Ran:
    return merkwerker("check", text, "-g", str(folder), *more, timeout=60)


def test_joined_hyphenated_and_hashtag_spellings_are_found(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    done = check(
        "Live met #ProjectFalcon, Project-Falcon en project_falcon! Ook falconry.",
        folder,
        "--json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["verdict"] == "block"
    assert [f["match"] for f in data["findings"]] == [
        "ProjectFalcon",
        "Project-Falcon",
        "project_falcon",
    ]


def test_the_add_reminder_comes_only_with_a_bare_share(tmp_path: Path) -> None:
    folder = write_guidelines(tmp_path / "g")
    bare = check("https://example.com/news/wind-farm #proud", folder, "--lang", "en")
    own = check(
        "https://example.com/news/wind-farm Two years of work, so proud of the team.",
        folder,
        "--lang",
        "en",
    )
    nothing_shared = check("Great day at the office.", folder, "--lang", "en")
    assert "Voeg toe (Add)" in bare.stdout
    assert "Voeg toe (Add)" not in own.stdout
    assert "Voeg toe (Add)" not in nothing_shared.stdout


def test_offsets_are_into_the_text_as_checked(tmp_path: Path) -> None:
    """A zero-width space is removed before the check, so the offsets count without it
    and ``match`` is the text as checked from ``start`` to ``end`` (README)."""
    folder = write_guidelines(tmp_path / "g")
    typed = "Live bij Acme\u200b Bank, met Pro\u200bject Falcon."
    as_checked = typed.replace("\u200b", "")
    done = check(typed, folder, "--json")
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)["findings"]
    assert [f["match"] for f in findings] == ["Acme Bank", "Project Falcon"]
    for finding in findings:
        assert as_checked[finding["start"] : finding["end"]] == finding["match"]
