"""Dates in a rule's ``active`` written the way people write them, told by
``merkwerker guidelines validate`` as an editor runs it (a real process)."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness import Ran, merkwerker

SHIPPED = Path(__file__).resolve().parent.parent / "guidelines"
WINDOW = "active: {from: 2026-12-15, until: 2027-01-28}"


def validate_with(tmp_path: Path, window: str, *args: str) -> Ran:
    folder = Path(shutil.copytree(SHIPPED, tmp_path / "g"))
    comms = folder / "comms.yaml"
    text = comms.read_text("utf-8")
    assert WINDOW in text
    comms.write_text(text.replace(WINDOW, window), encoding="utf-8")
    return merkwerker("guidelines", "validate", *args, "g", cwd=tmp_path, timeout=60, columns=300)


def test_a_date_written_day_first_is_turned_round_for_the_editor(tmp_path: Path) -> None:
    ran = validate_with(tmp_path, "active: {from: 15-12-2026, until: 28/1/2027}", "--lang", "nl")

    assert ran.returncode == 1
    assert ran.stdout.splitlines()[:2] == [
        "g/comms.yaml:49:20: fout: active.from van regel 'quiet-period' (rules[2]) is "
        "'15-12-2026': daar staat de dag voorop. Schrijf datums als jaar-maand-dag, hier dus "
        "2026-12-15.",
        "g/comms.yaml:49:39: fout: active.until van regel 'quiet-period' (rules[2]) is "
        "'28/1/2027': daar staat de dag voorop. Schrijf datums als jaar-maand-dag, hier dus "
        "2027-01-28.",
    ]


def test_a_day_that_does_not_exist_is_not_told_to_change_its_order(tmp_path: Path) -> None:
    ran = validate_with(tmp_path, "active: {from: 2026-12-15, until: 2027-02-30}")

    assert ran.returncode == 1
    assert ran.stdout.splitlines()[0] == (
        "g/comms.yaml:49:39: error: active.until of rule 'quiet-period' (rules[2]) is "
        "'2027-02-30', but that day does not exist on the calendar. Check the date (how many "
        "days does that month have?) and write it as year-month-day."
    )


def test_a_date_that_is_no_date_at_all_keeps_the_general_advice(tmp_path: Path) -> None:
    ran = validate_with(tmp_path, "active: {from: 2026-12-15, until: eind januari}")

    assert ran.stdout.splitlines()[0] == (
        "g/comms.yaml:49:39: error: active.until of rule 'quiet-period' (rules[2]) is "
        "'eind januari', which is not a date. Write dates as year-month-day, such as 2026-12-15."
    )
