"""``merkwerker report`` as the comms team runs it: formats, files, and clear refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from reports_fixtures import MONDAY, World
from typer.testing import CliRunner, Result

from adapters.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
PERIOD = ["--since", "2026-03-02", "--until", "2026-03-16"]


@pytest.fixture
def database(tmp_path: Path) -> str:
    world = World(f"sqlite:///{tmp_path / 'report.db'}")
    sales = world.team("Sales", 5)
    item = world.item("Wij zijn genomineerd")
    for person in sales:
        world.event("suggested", MONDAY, person)
    world.event("marked_shared", MONDAY + timedelta(hours=1), sales[0], item=item)
    world.event("link_clicked", MONDAY + timedelta(hours=2), sales[0], item=item)
    world.close()
    return f"sqlite:///{tmp_path / 'report.db'}"


def report(*args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={"LANG": "en_GB.UTF-8", **(env or {})})
    return runner.invoke(app, ["report", *args])


def _one_sentence(result: Result) -> str:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message and "\n" not in message
    return message


def test_json_to_standard_output(database: str) -> None:
    result = report(*PERIOD, "--database", database, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["participation"] == {"reached": 5, "shared": 1, "rate": 0.2}
    assert data["items"][0]["title"] == "Wij zijn genomineerd"
    assert (
        data["period"]["first_day"] == "2026-03-02" and data["period"]["last_day"] == "2026-03-15"
    )


def test_html_and_csv_to_a_file(database: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = report(*PERIOD, "--database", database, "-f", "html", "-o", str(page), "--lang", "nl")

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Rapport geschreven naar {page}." in result.stderr
    html = page.read_text(encoding="utf-8")
    assert '<html lang="nl">' in html and "Deelname per team" in html and "<svg" in html

    sheet = tmp_path / "report.csv"
    assert report(*PERIOD, "--database", database, "-f", "csv", "-o", str(sheet)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8-sig"), newline="")))
    assert [row["shares"] for row in rows if row["section"] == "item"] == ["1"]


def test_table_is_the_default(database: str) -> None:
    result = report(*PERIOD, "--database", database, env={"COLUMNS": "160"})

    assert result.exit_code == 0, result.output
    assert "Participation report" in result.stdout
    assert "2026-03-02 to 2026-03-15 (Europe/Amsterdam)" in result.stdout
    assert "1 of the 5 people who got a suggestion shared at least once (20%)." in result.stdout


def test_the_configured_time_zone_decides_the_days(database: str) -> None:
    result = report(
        "--since",
        "2026-03-02",
        "--until",
        "2026-03-03",
        "--database",
        database,
        "-f",
        "json",
        env={"MERKWERKER_TIMEZONE": "America/New_York"},
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"]["since"] == "2026-03-02T05:00:00+00:00"
    assert data["period"]["timezone"] == "America/New_York"


@pytest.mark.parametrize("timezone", ["Europe/Amsterdam", "America/New_York"])
@pytest.mark.parametrize(
    ("period", "days", "weeks"),
    [
        (["--since", "0001-01-01", "--until", "0001-02-01"], ["0001-01-01", "0001-01-31"], 5),
        (["--since", "9999-12-01", "--until", "9999-12-31"], ["9999-12-01", "9999-12-30"], 5),
        (["--until", "0001-01-10"], ["0001-01-01", "0001-01-09"], 2),
    ],
)
def test_the_first_and_last_days_there_are_make_a_period(
    database: str, timezone: str, period: list[str], days: list[str], weeks: int
) -> None:
    # East of Greenwich, midnight of 1 January of year 1 comes before the first moment
    # UTC can hold; the last ISO week of 9999 ends after the last day there is; the
    # default four weeks before 10 January of year 1 start before the first.
    result = report(
        *period, "--database", database, "-f", "json", env={"MERKWERKER_TIMEZONE": timezone}
    )

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [data["period"]["first_day"], data["period"]["last_day"]] == days
    assert len(data["trend"]) == weeks
    assert data["trend"][0]["week"].startswith(days[0][:4] + "-W")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--since", "2026-04-01", "--until", "2026-03-01"], "--since must be before --until"),
        (["--since", "2026-03-01", "--until", "2026-03-01"], "--since must be before --until"),
        (["--since", "last tuesday"], "'last tuesday' is not a date"),
        (["--until", "2026-02-30"], "'2026-02-30' is not a date"),
        (["--since", "1990-01-01", "--until", "2026-01-01"], "at most 3660 days"),
        (["--format", "pdf"], "--format pdf is not a report format"),
        (["--lang", "de"], "--lang de is not a report language"),
    ],
)
def test_bad_input_is_one_clear_sentence(database: str, args: list[str], expected: str) -> None:
    message = _one_sentence(report(*args, "--database", database))

    assert expected in message


def test_a_bad_time_zone_setting_is_named(database: str) -> None:
    message = _one_sentence(
        report("--database", database, env={"MERKWERKER_TIMEZONE": "Mars/Base"})
    )

    assert "MERKWERKER_TIMEZONE" in message


def test_a_missing_database_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    message = _one_sentence(report("--database", f"sqlite:///{missing}"))

    assert f"There is no database at {missing}" in message
    assert not missing.exists()


def test_an_unreachable_database_is_one_sentence() -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://merk:secret@127.0.0.1:{port}/merkwerker"
    message = _one_sentence(report("--database", url))

    assert message.startswith("Cannot open the database")
    assert "secret" not in message


def test_an_unwritable_output_is_one_sentence(database: str, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.html"
    message = _one_sentence(
        report(*PERIOD, "--database", database, "-f", "html", "-o", str(target))
    )

    assert message.startswith(f"Cannot write the report to {target}")


def test_a_real_process_exits_non_zero_without_a_traceback(database: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MERKWERKER_", "DATABASE"))}
    env["MERKWERKER_EMBEDDING_CACHE"] = os.environ["MERKWERKER_EMBEDDING_CACHE"]
    env.update(PYTHONPATH=str(ROOT), LANG="nl_NL.UTF-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "adapters.cli.main",
            "report",
            "--since",
            "2026-13-01",
            "--database",
            database,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert done.returncode == 2
    assert done.stderr.strip() == (
        "'2026-13-01' is geen datum. Schrijf hem als jaar-maand-dag, bijvoorbeeld 2026-03-01."
    )
    assert done.stdout == ""


def test_without_since_the_report_starts_at_the_first_data(tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    url = f"sqlite:///{tmp_path / 'recent.db'}"
    world = World(url)
    first = datetime.now(UTC) - timedelta(days=2)
    person = world.person("Sales")
    world.event("suggested", first, person)
    world.event("suggested", first + timedelta(hours=1), person)
    world.close()

    result = report("--database", url, "-f", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first_day = first.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    assert data["period"]["first_day"] == first_day.isoformat()
    assert data["participation"]["reached"] == 1
    assert len(data["trend"]) <= 2  # no rows of weeks before anything happened


def test_without_since_and_without_recent_data_it_is_four_weeks(database: str) -> None:
    # The fixture's data is from March 2026, long before today: four ISO weeks remain.
    result = report("--database", database, "-f", "json")

    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["trend"]) == 4
