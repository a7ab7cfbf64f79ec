"""Importing content from YAML and CSV: all or nothing, every problem with its line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from content_fixtures import DATA, QueueSetup, queue_on, sqlite_url
from harness import cli
from samples import write_guidelines

from bot.content import ContentError, ContentStatus, import_file


@pytest.fixture
def sqlite_setup(tmp_path: Path) -> Iterator[QueueSetup]:
    with queue_on(sqlite_url(tmp_path), tmp_path) as setup:
        yield setup


@pytest.fixture
def any_setup(database_url: str, tmp_path: Path) -> Iterator[QueueSetup]:
    """SQLite and PostgreSQL: for tests where storage matters."""
    with queue_on(database_url, tmp_path) as setup:
        yield setup


def _problems(error: ContentError) -> list[tuple[int, str]]:
    return sorted((p.line, p.key) for p in error.problems)


def test_yaml_items_are_imported_as_drafts(any_setup: QueueSetup) -> None:
    queue = any_setup.queue
    result = import_file(queue, DATA / "items.yaml", by="anna")
    assert [i.title for i in result.added] == [
        "We open an office in Eindhoven",
        "Q1 results",
        "How we test without the network",
    ]
    office, results, blog = result.added
    assert office.captions == {
        "nl": (
            "Vanaf mei zitten we ook in Eindhoven! #medewerker",
            "Nieuw kantoor, nieuwe collega's: welkom in Eindhoven.",
        ),
        "en": ("We're opening in Eindhoven this May.",),
    }
    assert (office.topics, office.locations, office.priority) == (
        ("offices", "hiring"),
        ("Eindhoven",),
        5,
    )
    assert office.source == "import" and office.status is ContentStatus.DRAFT
    assert results.not_before == datetime(2026, 4, 24, 5, 0, tzinfo=UTC)
    assert results.expires == datetime(2099, 5, 30, 22, 0, tzinfo=UTC)
    assert results.languages == ("nl",)
    assert results.captions == {"nl": ("Onze resultaten over het eerste kwartaal staan online.",)}
    assert blog.teams == ("Engineering", "QA")
    assert result.skipped == ()


def test_importing_the_same_file_again_adds_nothing(any_setup: QueueSetup) -> None:
    queue = any_setup.queue
    first = import_file(queue, DATA / "items.yaml", by="anna")
    again = import_file(queue, DATA / "items.yaml", by="anna")
    assert again.added == ()
    assert [(s.line, s.item_id) for s in again.skipped] == [
        (2, first.added[0].id),
        (14, first.added[1].id),
        (21, first.added[2].id),
    ]
    assert len(queue.list()) == 3


def test_csv_with_repeated_caption_columns_and_multi_line_cells(sqlite_setup: QueueSetup) -> None:
    result = import_file(sqlite_setup.queue, DATA / "items.csv", by="anna")
    office, results = result.added
    assert office.captions == {
        "nl": ("Vanaf mei zitten we ook in Eindhoven!\n#medewerker", "Welkom in Eindhoven!"),
        "en": ("We're opening in Eindhoven.",),
    }
    assert office.topics == ("offices", "hiring")
    assert results.not_before == datetime(2026, 4, 24, 5, 0, tzinfo=UTC)
    again = import_file(sqlite_setup.queue, DATA / "items.csv", by="anna")
    # The second row starts on line 4: the first one spans lines 2 and 3.
    assert [s.line for s in again.skipped] == [2, 4]


def test_csv_saved_with_semicolons_is_read(sqlite_setup: QueueSetup) -> None:
    (item,) = import_file(sqlite_setup.queue, DATA / "items-semicolon.csv", by="anna").added
    assert item.title == "Meer treinen, minder vliegen"
    assert item.topics == ("sustainability",)


def test_every_problem_in_a_yaml_file_is_reported_with_its_line(sqlite_setup: QueueSetup) -> None:
    with pytest.raises(ContentError) as raised:
        import_file(sqlite_setup.queue, DATA / "invalid.yaml", by="anna")
    assert _problems(raised.value) == [
        (4, "bad_url"),
        (10, "window_reversed"),
        (13, "unknown_field_suggest"),
        (14, "bad_priority"),
        (16, "duplicate_in_file"),
        (19, "caption_language"),
    ]
    lines = raised.value.lines("en")
    assert all(line.startswith(f"{DATA / 'invalid.yaml'}:") for line in lines)
    assert any("Did you mean 'title'?" in line for line in lines)
    assert any("also on line 1." in line for line in lines)
    assert sqlite_setup.queue.list() == ()  # the fine row was not imported either


def test_every_problem_in_a_csv_file_is_reported_with_its_line(sqlite_setup: QueueSetup) -> None:
    with pytest.raises(ContentError) as raised:
        import_file(sqlite_setup.queue, DATA / "invalid.csv", by="anna")
    assert _problems(raised.value) == [(3, "title_missing"), (4, "bad_topic"), (5, "bad_date")]
    assert "'1 maart'" in raised.value.lines("en")[2]
    assert sqlite_setup.queue.list() == ()


def test_with_approve_a_blocked_caption_stops_the_import(
    sqlite_setup: QueueSetup, tmp_path: Path
) -> None:
    path = tmp_path / "campaign.yaml"
    path.write_text(
        "- url: https://example.com/a\n  title: Fine\n"
        "- url: https://example.com/b\n  title: Client story\n"
        "  caption_en: We built this for Acme Bank.\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as raised:
        import_file(sqlite_setup.queue, path, by="anna", approve=True)
    assert _problems(raised.value) == [(5, "caption_blocked")]
    assert sqlite_setup.queue.list() == ()

    # Without --approve the blocked item is queued as a draft, with the finding shown.
    result = import_file(sqlite_setup.queue, path, by="anna")
    assert [i.check_verdict for i in result.added] == ["ok", "block"]
    assert [(line, f.match) for line, f in result.findings] == [(3, "Acme Bank")]


def test_approve_imports_approved_items(sqlite_setup: QueueSetup) -> None:
    result = import_file(sqlite_setup.queue, DATA / "items-semicolon.csv", by="anna", approve=True)
    (item,) = result.added
    assert item.status is ContentStatus.APPROVED and item.approved_by == "anna"
    assert [i.id for i in sqlite_setup.queue.live()] == [item.id]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("syntax.yaml", b"- url: https://example.com\n  title: [unclosed\n", "yaml_syntax"),
        ("latin1.csv", b"url,title\nhttps://example.com,caf\xe9\n", "not_utf8"),
        ("empty.yaml", b"", "file_no_items"),
        ("mapping.yaml", b"url: https://example.com\n", "yaml_not_list"),
        ("aliases.yaml", b"- &a {url: https://example.com, title: x}\n- *a\n", "yaml_alias"),
        ("notes.txt", b"https://example.com\n", "file_kind"),
        ("header.csv", b"link,title\nhttps://example.com,x\n", "csv_no_url"),
    ],
)
def test_unreadable_files_are_explained(
    sqlite_setup: QueueSetup, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ContentError) as raised:
        import_file(sqlite_setup.queue, path, by="anna")
    assert raised.value.keys == (expected,)


def test_a_missing_file_is_explained(sqlite_setup: QueueSetup, tmp_path: Path) -> None:
    with pytest.raises(ContentError) as raised:
        import_file(sqlite_setup.queue, tmp_path / "nope.yaml", by="anna")
    assert raised.value.keys == ("file_unreadable",)


def test_an_impossible_date_is_reported_with_its_line_among_the_other_problems(
    tmp_path: Path,
) -> None:
    file = tmp_path / "dates.yaml"
    file.write_text(
        "- url: https://example.com/a\n"
        "  title: A\n"
        "  not_before: 2027-13-01\n"
        "- url: https://example.com/b\n"
        "  title: B\n"
        "  expires: 2027-02-30\n"
        "- url: example.com/c\n"
        "  title: C\n"
        "  not_before: 2026-04-24T07:00\n",
        encoding="utf-8",
    )
    database = sqlite_url(tmp_path)
    guidelines = str(write_guidelines(tmp_path / "guidelines"))
    dutch = cli("content", "import", str(file), "--lang", "nl", "-g", guidelines, database=database)
    assert dutch.returncode == 1
    assert f"{file}:3: not_before is '2027-13-01', en dat is geen datum." in dutch.stderr
    assert f"{file}:6: expires is '2027-02-30', en dat is geen datum." in dutch.stderr
    assert f"{file}:7: " in dutch.stderr
    assert "month" not in dutch.stderr and "YAML" not in dutch.stderr


@pytest.mark.parametrize("timezone", ["Europe/Amsterdam", "America/Los_Angeles"])
def test_dates_past_the_last_day_stop_the_whole_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, timezone: str
) -> None:
    monkeypatch.setenv("MERKWERKER_TIMEZONE", timezone)
    yaml_file = tmp_path / "items.yaml"
    yaml_file.write_text(
        "- url: https://example.com/a\n"
        "  title: A\n"
        "- url: https://example.com/b\n"
        "  title: B\n"
        "  expires: 9999-12-31\n"
        "- url: https://example.com/c\n"
        "  title: C\n"
        "  not_before: 0001-01-01\n",
        encoding="utf-8",
    )
    csv_file = tmp_path / "items.csv"
    csv_file.write_text(
        "url,title,expires\nhttps://example.com/a,A,\nhttps://example.com/b,B,9999-12-31T23:59\n",
        encoding="utf-8",
    )
    database = sqlite_url(tmp_path)
    guidelines = str(write_guidelines(tmp_path / "guidelines"))
    limits = "outside the dates the bot can keep: 0001-01-02 up to and including 9999-12-30."

    from_yaml = cli("content", "import", str(yaml_file), "-g", guidelines, database=database)
    assert from_yaml.returncode == 1
    assert f"{yaml_file}:5: expires is '9999-12-31', {limits}" in from_yaml.stderr
    assert f"{yaml_file}:8: not_before is '0001-01-01', {limits}" in from_yaml.stderr
    from_csv = cli("content", "import", str(csv_file), "-g", guidelines, database=database)
    assert from_csv.returncode == 1
    assert f"{csv_file}:3: expires is '9999-12-31T23:59', {limits}" in from_csv.stderr
    assert "database" not in from_yaml.stderr + from_csv.stderr
    assert cli("content", "list", "--json", database=database).stdout.strip() == "[]"


def test_dates_in_yaml_are_read_as_before(sqlite_setup: QueueSetup, tmp_path: Path) -> None:
    file = tmp_path / "dates.yaml"
    file.write_text(
        "- url: https://example.com/a\n"
        "  title: A\n"
        "  not_before: 2026-04-24T07:00\n"
        "  expires: 2099-05-31\n"
        "- url: https://example.com/b\n"
        "  title: B\n"
        "  not_before: 2026-04-24 07:00:00+02:00\n",
        encoding="utf-8",
    )
    first, second = import_file(sqlite_setup.queue, file, by="anna").added
    assert first.not_before == datetime(2026, 4, 24, 5, 0, tzinfo=UTC)
    assert first.expires == datetime(2099, 5, 30, 22, 0, tzinfo=UTC)
    assert second.not_before == datetime(2026, 4, 24, 5, 0, tzinfo=UTC)


def test_a_row_with_an_unreadable_value_is_still_checked_in_full(tmp_path: Path) -> None:
    file = tmp_path / "items.yaml"
    file.write_text(
        "- url: https://example.com/a\n"
        "  title: A\n"
        "- url: https://example.com/a\n"
        "  title: A again\n"
        "  not_before: next week\n"
        "  topics: [Green Energy]\n"
        "- url: [https://example.com/c]\n"
        "  title: C\n"
        "  priority: high\n"
        "  topics: [Solar Power]\n",
        encoding="utf-8",
    )
    database = sqlite_url(tmp_path)
    guidelines = str(write_guidelines(tmp_path / "guidelines"))
    done = cli("content", "import", str(file), "-g", guidelines, database=database)
    assert done.returncode == 1
    reported = [line.strip() for line in done.stderr.splitlines()[1:]]
    assert [line.split(": ", 1)[0] for line in reported] == [
        f"{file}:3",  # the same link as line 1
        f"{file}:5",  # not a date
        f"{file}:6",  # not a topic
        f"{file}:7",  # a list, not a link
        f"{file}:9",  # not a number
        f"{file}:10",  # not a topic
    ]
    assert "also on line 1" in reported[0] and "'green-energy'" in reported[2]
    assert "'solar-power'" in reported[5]
