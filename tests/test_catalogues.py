"""Every sentence exists in Dutch and English, with the same placeholders, and every key
the code asks for is in the catalogues."""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.i18n import en, nl

ROOT = Path(__file__).resolve().parent.parent
_KEY_USE = re.compile(r"""\bt\(\s*[\w.\[\]"']+\s*,\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_same_keys_in_both_languages() -> None:
    assert set(en.MESSAGES) == set(nl.MESSAGES)


def test_same_placeholders_in_both_languages() -> None:
    mismatched = [
        key
        for key in en.MESSAGES
        if placeholders(en.MESSAGES[key]) != placeholders(nl.MESSAGES[key])
    ]
    assert mismatched == []


def test_every_literal_key_used_in_code_exists() -> None:
    used: dict[str, str] = {}
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("adapters").rglob("*.py")]:
        for key in _KEY_USE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, str(path.relative_to(ROOT)))
    assert len(used) > 100  # the pattern still finds the calls
    missing = {key: where for key, where in used.items() if key not in en.MESSAGES}
    assert missing == {}
