"""A ``checks`` pattern that would flag every post, told by ``merkwerker guidelines
validate`` (a real process on a copy of the shipped guidelines)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import merkwerker

SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"
NDA = "- pattern: '\\bNDA\\b'"  # line 49 of security.yaml


@pytest.mark.parametrize("pattern", [".+", "\\w+", "[a-z]"])
def test_a_pattern_that_finds_something_in_any_post_is_refused(
    tmp_path: Path, pattern: str
) -> None:
    security = Path(shutil.copytree(SHIPPED, tmp_path / "g")) / "security.yaml"
    text = security.read_text("utf-8")
    security.write_text(text.replace(NDA, f"- pattern: '{pattern}'", 1), encoding="utf-8")

    english = merkwerker("guidelines", "validate", "g", cwd=tmp_path, timeout=60, columns=300)
    dutch = merkwerker(
        "guidelines", "validate", "--lang", "nl", "g", cwd=tmp_path, timeout=60, columns=300
    )

    assert english.returncode == dutch.returncode == 1
    assert english.stdout.splitlines()[0] == (
        f"g/security.yaml:49:18: error: checks[4].pattern of rule 'confidential-information' "
        f"(rules[1]) '{pattern}' matches any ordinary text (such as 'Great to see everyone at "
        "the office today!'), so it would flag every post. Make it match only what is really "
        "not allowed, such as \\bNDA\\b, or use terms: for plain words."
    )
    assert dutch.stdout.splitlines()[0] == (
        f"g/security.yaml:49:18: fout: checks[4].pattern van regel 'confidential-information' "
        f"(rules[1]) '{pattern}' past op elke gewone tekst (zoals 'Mooie dag gehad met het "
        "team.') en zou dus elk bericht markeren. Laat hem alleen passen op wat echt niet mag, "
        "zoals \\bNDA\\b, of gebruik terms: voor gewone woorden."
    )
