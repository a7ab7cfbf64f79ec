"""The helpers that exist once for everyone: list splitting, cutting text, Retry-After."""

from __future__ import annotations

import email.utils

import pytest

from adapters.common.http import parse_retry_after
from adapters.common.text import ELLIPSIS, cut
from bot.lists import folded_set, split_list

NOW = 1_700_000_000.0


@pytest.mark.parametrize("value", [None, "", " , ,", [], (), ["", " "]])
def test_nothing_to_split_gives_no_entries(value: object) -> None:
    assert split_list(value) == ()


def test_entries_are_trimmed_in_order_and_repeats_left_out() -> None:
    assert split_list(" b, a ,,b , A ") == ("b", "a", "A")


def test_a_list_or_tuple_is_split_item_by_item_and_other_values_read_as_text() -> None:
    assert split_list(["a, b", "b", 3]) == ("a", "b", "3")
    assert split_list(("x", "y , x")) == ("x", "y")
    assert split_list(0) == ("0",)


def test_only_the_given_separators_separate() -> None:
    assert split_list("a;b, c") == ("a;b", "c")
    assert split_list("a;b, c;; d", separators=",;") == ("a", "b", "c", "d")


def test_squeeze_joins_inner_whitespace_and_fold_case_keeps_the_first_spelling() -> None:
    assert split_list("Climate  Action, climate action") == ("Climate  Action", "climate action")
    assert split_list("Climate  Action, climate action", squeeze=True) == (
        "Climate Action",
        "climate action",
    )
    mixed = "Climate  Action,\tclimate action ,Straße, STRASSE"
    assert split_list(mixed, squeeze=True, fold_case=True) == ("Climate Action", "Straße")


def test_folded_set_compares_without_case_or_extra_spaces() -> None:
    assert folded_set("Energy,  Water  Use ,energy") == frozenset({"energy", "water use"})
    assert folded_set(None) == frozenset()
    assert folded_set("") == frozenset()


def test_cut_keeps_text_that_fits() -> None:
    assert cut("", 0) == ""
    assert cut("hello", 5) == "hello"
    assert cut("hello", 5, trim=True) == "hello"


def test_cut_text_ends_in_an_ellipsis_within_the_limit() -> None:
    assert cut("hello world", 7) == "hello " + ELLIPSIS
    assert len(cut("hello world", 7)) == 7
    assert cut("abcdef", 1) == ELLIPSIS


def test_trim_drops_the_whitespace_before_the_ellipsis() -> None:
    assert cut("hello world", 7, trim=True) == "hello" + ELLIPSIS
    assert cut("a      b", 4, trim=True) == "a" + ELLIPSIS


def test_a_limit_of_zero_still_shows_that_something_was_cut() -> None:
    assert cut("abc", 0) == ELLIPSIS
    assert cut("abc", 0, trim=True) == ELLIPSIS


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        (" 12 ", 12.0),
        ("0", 0.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("1.5", None),
        ("-3", None),
    ],
)
def test_retry_after_reads_whole_seconds(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_retry_after_reads_an_http_date_from_now() -> None:
    later = email.utils.formatdate(NOW + 30, usegmt=True)
    earlier = email.utils.formatdate(NOW - 30, usegmt=True)
    assert parse_retry_after(later, now=NOW) == pytest.approx(30)
    assert parse_retry_after(earlier, now=NOW) == 0.0
    assert parse_retry_after(later, now=NOW, dates=False) is None


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        ("1.5", 1.5),
        (" 2.5 ", 2.5),
        ("-3", 0.0),
        ("1e1", 10.0),
        ("", None),
        ("soon", None),
        ("None", None),
    ],
)
def test_lenient_retry_after_reads_any_number(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, lenient=True, dates=False) == seconds


def test_lenient_retry_after_without_dates_ignores_an_http_date() -> None:
    later = email.utils.formatdate(NOW + 30, usegmt=True)
    assert parse_retry_after(later, now=NOW, lenient=True, dates=False) is None


@pytest.mark.parametrize("value", ["²", "nan", "inf", "-inf", "1e999"])
def test_a_retry_after_that_is_no_number_of_seconds_is_none_not_a_crash(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None
    assert parse_retry_after(value, lenient=True, dates=False) is None
