"""The text employees are offered is the text the guidelines checked, by every way in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from harness import Ran, cli
from samples import write_guidelines

ZWSP = "\u200b"


class Operator:
    """The comms operator at the command line, on one SQLite file and the sample guidelines."""

    def __init__(self, tmp_path: Path) -> None:
        self.database = f"sqlite:///{tmp_path / 'content.db'}"
        self.guidelines = str(write_guidelines(tmp_path / "guidelines"))
        self.folder = tmp_path

    def __call__(self, *args: str) -> Ran:
        return cli(*args, "--guidelines", self.guidelines, database=self.database)

    def show(self, item_id: int) -> dict[str, object]:
        shown = cli("content", "show", str(item_id), "--json", database=self.database)
        assert shown.returncode == 0, shown.stderr
        data = json.loads(shown.stdout)
        assert isinstance(data, dict)
        return data


@pytest.fixture
def operator(tmp_path: Path) -> Operator:
    return Operator(tmp_path)


def test_a_zero_width_space_does_not_get_a_blocked_caption_approved(operator: Operator) -> None:
    caption = f"en:Our work for Ac{ZWSP}me Bank"
    added = operator("content", "add", "https://example.com/case", "--caption", caption)
    assert added.returncode == 0, added.stderr
    assert "Acme Bank" in added.stdout

    refused = operator("content", "approve", "1")
    assert refused.returncode == 1
    assert "#1 is not approved" in refused.stderr and "Client names" in refused.stderr
    assert operator.show(1)["captions"] == {"en": ["Our work for Acme Bank"]}


def test_an_import_with_a_zero_width_space_is_not_approved(operator: Operator) -> None:
    file = operator.folder / "items.yaml"
    file.write_text(
        "- url: https://example.com/case\n"
        "  title: A case\n"
        f'  caption_en: "Our work for Acme{ZWSP} Bank"\n',
        encoding="utf-8",
    )
    imported = operator("content", "import", str(file), "--approve")
    assert imported.returncode == 1
    assert f"{file}:3: " in imported.stderr and "Acme Bank" in imported.stderr
    assert "Nothing was imported" in imported.stderr


def test_a_title_offered_as_the_caption_is_checked_before_approval(operator: Operator) -> None:
    added = operator("content", "add", "https://example.com/falcon", "--title", "Project Falcon")
    assert added.returncode == 0, added.stderr
    assert '"Project Falcon" in the title' in added.stdout

    refused = operator("content", "approve", "1")
    assert refused.returncode == 1
    assert "#1 is not approved" in refused.stderr
    assert "The title breaks the rule" in refused.stderr and '"Project Falcon"' in refused.stderr
    assert operator.show(1)["status"] == "draft"

    dutch = operator("content", "approve", "1", "--lang", "nl")
    assert "De titel gaat tegen de regel" in dutch.stderr


def test_a_feed_entry_whose_title_is_blocked_cannot_be_approved(operator: Operator) -> None:
    feed = operator.folder / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<item><guid>1</guid><title>Acme Bank picks us</title>"
        "<link>https://example.com/acme</link></item></channel></rss>",
        encoding="utf-8",
    )
    assert operator("feeds", "add", str(feed)).returncode == 0
    assert "1 new draft(s)" in operator("feeds", "fetch").stdout
    refused = operator("content", "approve", "1")
    assert refused.returncode == 1 and '"Acme Bank"' in refused.stderr
