"""The personal-data detectors flag real addresses and numbers, not dates or amounts."""

from __future__ import annotations

import time

import pytest

from bot.checking import find_bsns, find_emails, find_ibans, find_phones
from bot.checking.detectors import bsn_checksum_ok, run_detectors
from bot.guidelines.rules import Detector


def make_iban(country: str, bban: str) -> str:
    """A valid IBAN: the check digits are computed with mod 97, as banks do."""
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def make_bsn(first8: str) -> str:
    """A valid BSN: the ninth digit chosen so the eleven-test passes."""
    total = sum(int(d) * w for d, w in zip(first8, (9, 8, 7, 6, 5, 4, 3, 2), strict=True))
    last = total % 11
    assert last < 10, "pick other first digits: no ninth digit passes"
    return first8 + str(last)


NL_IBAN = make_iban("NL", "ABNA0417164300")
BE_IBAN = make_iban("BE", "539007547034")
DE_IBAN = make_iban("DE", "370400440532013000")
BSN = make_bsn("12345678")


def texts(spans: list[tuple[int, int, str]], text: str) -> list[str]:
    # Offsets must point at the matched text itself.
    assert all(text[start:end] == match for start, end, match in spans)
    return [match for _, _, match in spans]


def test_the_test_helpers_make_what_banks_and_the_government_would() -> None:
    assert NL_IBAN == "NL91ABNA0417164300"  # the well-known example IBAN
    assert BSN == "123456782"
    assert bsn_checksum_ok(BSN)


# E-mail


def test_email_addresses_are_found_without_trailing_punctuation() -> None:
    text = "Mail jan.de-vries+pers@voorbeeld.nl. Of élodie@exämple.co.uk, niet @falcon."
    assert texts(find_emails(text), text) == [
        "jan.de-vries+pers@voorbeeld.nl",
        "élodie@exämple.co.uk",
    ]


@pytest.mark.parametrize("text", ["volg @falcon", "a@b", "prijs 5@10 euro", "email@", "@home"])
def test_things_that_only_look_like_addresses_are_not(text: str) -> None:
    assert find_emails(text) == []


# Phone numbers


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "06 12345678",
        "0612345678",
        "06-12 34 56 78",
        "+31 6 12345678",
        "+31612345678",
        "+31 (0)6 1234 5678",
        "+31 (0)20 123 4567",
        "0031 6 12345678",
        "0031 20 1234567",
        "020-1234567",
        "(020) 123 4567",
        "010-123 45 67",
        "0123-456789",
        "+44 20 7946 0958",
        "+1 (555) 123-4567",
        "+32 2 123 45 67",
    ],
)
def test_phone_numbers_in_dutch_and_international_formats(number: str) -> None:
    text = f"Bel me op {number}, graag."
    assert texts(find_phones(text), text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "Op 12-03-2024 begint het.",
        "Borrel 06-12-2024 10:30 in de kantine",
        "Vrijdag 06-12-2024 12 uur",
        "Datum 2024-03-12",
        "06.12.2024",
        "In 2024 en 2025 groeiden we",
        "Omzet € 1.234.567,89",
        "Versie 1.2.3 en v0.12.3",
        "Om 10:30 uur",
        "Kost 0,50 euro",
        "Scores 0 1 2 3 4 5 6 7 8 9",
        "+5 punten en +20%",
        "Ordernummer 123456789",
        "Factuur 1234567890",
    ],
)
def test_dates_years_amounts_and_versions_are_not_phone_numbers(text: str) -> None:
    assert find_phones(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("06 12345678 2024", ["06 12345678"]),
        ("Bel 020 1234567 06 12345678", ["020 1234567", "06 12345678"]),
        ("Kamer 0 06-12345678", ["06-12345678"]),
        ("Tel 06-12345678/06-87654321", ["06-12345678", "06-87654321"]),
        ("+31 6 12345678 +32 2 123 45 67", ["+31 6 12345678", "+32 2 123 45 67"]),
    ],
)
def test_numbers_next_to_other_numbers(text: str, expected: list[str]) -> None:
    assert texts(find_phones(text), text) == expected


def test_the_digits_of_an_iban_are_not_a_phone_number() -> None:
    assert find_phones(f"Gift naar {grouped(NL_IBAN)}") == []


# IBAN


@pytest.mark.parametrize(
    "written",
    [NL_IBAN, grouped(NL_IBAN), NL_IBAN.lower(), grouped(BE_IBAN), grouped(DE_IBAN), DE_IBAN],
)
def test_valid_ibans_are_found_solid_or_in_groups_of_four(written: str) -> None:
    text = f"Maak over naar {written} voor de gift."
    assert texts(find_ibans(text), text) == [written]


def test_an_iban_with_a_wrong_check_digit_is_not_found() -> None:
    wrong = NL_IBAN[:-1] + str((int(NL_IBAN[-1]) + 1) % 10)
    assert find_ibans(f"Rekening {wrong}") == []
    assert find_ibans(f"Rekening {grouped(wrong)}") == []


def test_iban_look_alikes_are_not_found() -> None:
    assert find_ibans("Code NL12ABCD0123 en artikel AB12CDEF34567890") == []


# BSN


@pytest.mark.parametrize(
    "written", [BSN, f"{BSN[:4]}.{BSN[4:6]}.{BSN[6:]}", f"{BSN[:3]} {BSN[3:6]} {BSN[6:]}"]
)
def test_a_valid_bsn_is_found(written: str) -> None:
    text = f"Mijn BSN is {written}."
    assert texts(find_bsns(text), text) == [written]


def test_another_valid_bsn_is_found() -> None:
    other = make_bsn("11122233")
    assert texts(find_bsns(f"bsn:{other}"), f"bsn:{other}") == [other]


@pytest.mark.parametrize(
    "text",
    [
        "Ordernummer 123456789",  # fails the eleven-test
        "Ordernummer 987654321",
        "000000000",
        f"Artikel 1{BSN}",  # part of a longer number
        f"Artikel {BSN}0",
        f"Bedrag {BSN},50",
        f"Code A{BSN}",
    ],
)
def test_nine_digits_that_are_not_a_bsn(text: str) -> None:
    assert find_bsns(text) == []


def test_a_bsn_shaped_number_inside_a_phone_number_or_address_is_not_a_bsn() -> None:
    text = f"Bel +31 {BSN} of mail {BSN}@voorbeeld.nl"
    assert find_bsns(text) == []
    assert texts(find_phones(text), text) == [f"+31 {BSN}"]


def test_the_eleven_test() -> None:
    assert bsn_checksum_ok("111222333")
    assert not bsn_checksum_ok("111222334")
    assert not bsn_checksum_ok("000000000")
    assert not bsn_checksum_ok("12345678")


def test_run_detectors_returns_only_what_was_asked() -> None:
    text = f"Mail a@b.nl, bel 06-12345678, BSN {BSN}"
    result = run_detectors(text, [Detector.BSN, Detector.EMAIL])
    assert list(result) == [Detector.EMAIL, Detector.BSN]
    assert [m for _, _, m in result[Detector.EMAIL]] == ["a@b.nl"]
    assert [m for _, _, m in result[Detector.BSN]] == [BSN]


@pytest.mark.parametrize(
    "text",
    [
        "0" * 50_000 + "a." * 10_000 + "1 " * 10_000 + "x@" * 10_000,
        "a@" + "b." * 50_000 + "1",
        "NL00 " + "AAAA " * 20_000,
        "020 " * 25_000,
    ],
    ids=["mixed", "endless-domain", "endless-iban", "endless-groups"],
)
def test_detectors_never_hang_on_long_hostile_text(text: str) -> None:
    started = time.perf_counter()
    for finder in (find_emails, find_phones, find_ibans, find_bsns):
        assert finder(text) == []
    assert time.perf_counter() - started < 10
