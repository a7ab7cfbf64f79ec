"""bench/heldout_extract.py, run as the question writers' extract is made: a real process.

What it promises (tests/data/HELDOUT.md): every rule's id, titles and answers, and none of
what the question writers must not see; no extract for guidelines a fixed-day
measurement would misjudge.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.guidelines import load_guidelines

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "heldout_extract.py"


def _run(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_extract_has_every_rule_and_none_of_its_examples() -> None:
    folder = ROOT / "tests" / "data" / "heldout22" / "guidelines"
    guidelines = load_guidelines(folder).guidelines
    assert guidelines is not None
    ran = _run(folder)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith(f"# {guidelines.organisation}\n")
    headings = [line[3:] for line in ran.stdout.splitlines() if line.startswith("## ")]
    assert headings == [rule.id for rule in guidelines.rules]
    for rule in guidelines.rules:
        assert f"- title en: {rule.title['en']}" in ran.stdout
        assert f"- answer nl: {' '.join(rule.answer['nl'].split())}" in ran.stdout
        for example in rule.examples:
            assert example not in ran.stdout


def test_guidelines_with_a_rule_for_part_of_the_year_get_no_extract() -> None:
    ran = _run(ROOT / "guidelines")  # the shipped quiet period applies part of the year
    assert ran.returncode != 0
    assert "quiet-period" in ran.stderr
    assert ran.stdout == ""


def test_a_folder_that_does_not_validate_is_named_and_gets_no_extract(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_text("rules:\n  - id: [not, an, id]\n", encoding="utf-8")
    ran = _run(tmp_path)
    assert ran.returncode != 0
    assert "rules.yaml" in ran.stderr
    assert ran.stdout == ""
