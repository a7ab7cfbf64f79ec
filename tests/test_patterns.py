"""What editors write compiles into patterns that find what they meant, and never hang."""

from __future__ import annotations

import time

import pytest

from bot.guidelines.patterns import MATCH_TIMEOUT, PatternProblem, compile_pattern
from bot.guidelines.terms import TermIndex, compile_terms, term_key


def found(terms: list[str], text: str) -> list[str]:
    return [m.group() for m in compile_terms(terms).finditer(text)]


# compile_terms


def test_terms_match_whole_words_only() -> None:
    assert found(["Falcon"], "Project Falcon starts") == ["Falcon"]
    assert found(["Falcon"], "Falconry is an old sport") == []
    assert found(["Falcon"], "the SuperFalcon team") == []
    assert found(["Falcon"], "Falcon's launch, (falcon) and FALCON-team") == [
        "Falcon",
        "falcon",
        "FALCON",
    ]


def test_terms_ignore_case_beyond_ascii() -> None:
    assert found(["café"], "Dinner at CAFÉ Zuid") == ["CAFÉ"]
    assert found(["Ærø"], "trip to ærø") == ["ærø"]
    # Word boundaries know accented letters: "é" continues the word.
    assert found(["caf"], "café") == []


def test_a_phrase_matches_across_any_whitespace() -> None:
    assert found(["Voorbeeld Energie"], "bij Voorbeeld\n  ENERGIE werken") == [
        "Voorbeeld\n  ENERGIE"
    ]
    assert found(["Voorbeeld   Energie"], "voorbeeld\u00a0energie") == ["voorbeeld\u00a0energie"]
    assert found(["Voorbeeld Energie"], "Voorbeeld, Energie") == []


@pytest.mark.parametrize(
    "text",
    ["ProjectFalcon", "Project-Falcon", "#ProjectFalcon", "project_falcon", "PROJECT\u2011FALCON"],
)
def test_a_phrase_also_matches_written_as_one_word_hyphenated_or_as_a_hashtag(text: str) -> None:
    hashtag = text.startswith("#")
    assert found(["Project Falcon"], f"Live: {text}!") == [text[1:] if hashtag else text]
    assert TermIndex(["Project Falcon"]).scan(f"Live: {text}!") == [
        (6 + hashtag, 6 + len(text), "project falcon")
    ]


def test_a_hyphenated_term_matches_the_same_ways() -> None:
    assert found(["Project-Falcon"], "ProjectFalcon, Project Falcon, project_falcon") == [
        "ProjectFalcon",
        "Project Falcon",
        "project_falcon",
    ]


@pytest.mark.parametrize(
    "text", ["Falconry", "SuperFalcon", "ProjectFalconry", "myProjectFalcon", "my_project_falcon"]
)
def test_joined_forms_are_never_found_inside_other_words(text: str) -> None:
    assert found(["Falcon", "Project Falcon"], text) == []
    assert TermIndex(["Falcon", "Project Falcon"]).scan(text) == []


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("#medewerker", "Trots! #medewerker #team", ["#medewerker"]),
        ("#medewerker", "(#Medewerker)", ["#Medewerker"]),
        ("#medewerker", "#medewerkers gezocht", []),
        ("C++", "We zoeken C++ en C# developers", ["C++"]),
        ("C++", "in ObjC++ too", []),
        ("@falcon", "cc @Falcon.", ["@Falcon"]),
    ],
)
def test_terms_with_symbols_at_either_end(term: str, text: str, expected: list[str]) -> None:
    assert found([term], text) == expected


def test_the_longest_term_wins_at_a_position() -> None:
    assert found(["Voorbeeld", "Voorbeeld Energie"], "Voorbeeld Energie en Voorbeeld") == [
        "Voorbeeld Energie",
        "Voorbeeld",
    ]


def test_empty_terms_are_ignored_and_no_terms_match_nothing() -> None:
    assert found(["", "  ", "Falcon"], "Falcon") == ["Falcon"]
    assert found([], "anything at all") == []
    assert found([" "], "") == []


def test_term_key_folds_case_and_whitespace_as_matching_does() -> None:
    assert term_key("  Voorbeeld \n Energie ") == "voorbeeld energie"
    assert term_key("ſtraat") == term_key("STRAAT")
    # Matching folds one character to one character, so ß is not "ss" here.
    assert term_key("Straße") != term_key("STRASSE")
    assert found(["Straße"], "STRASSE") == []


# TermIndex: the one-scan form the checker uses


def test_term_index_finds_overlapping_terms_at_their_offsets() -> None:
    index = TermIndex(["Voorbeeld Energie", "voorbeeld", "energie", "#medewerker", "C++"])
    text = "Bij  VOORBEELD\n\n  energie (#Medewerker) met C++."
    hits = index.scan(text)
    assert hits is not None
    assert [(text[s:e], key) for s, e, key in hits] == [
        ("VOORBEELD\n\n  energie", "voorbeeld energie"),
        ("VOORBEELD", "voorbeeld"),
        ("energie", "energie"),
        ("#Medewerker", "#medewerker"),
        ("C++", "c++"),
    ]


def test_term_index_declines_when_one_scan_cannot_tell_terms_apart() -> None:
    # "I" matches both "i" and the Turkish dotless "ı"; the caller then goes term by term.
    assert TermIndex(["izmir", "ızmir"]).scan("IZMIR") is None
    assert TermIndex(["izmir", "café"]).scan("IZMIR") == [(0, 5, "izmir")]


def test_term_index_declines_when_joined_terms_read_alike() -> None:
    # "Acme Bank" written as one word is "Acmebank", another term: matched term by term.
    assert TermIndex(["ab c", "abc d"]).scan("abc d") is None


def test_term_index_tells_apart_terms_that_differ_only_in_word_breaks() -> None:
    index = TermIndex(["burn out", "burnout", "burn"])
    assert index.scan("burnout") == [(0, 7, "burn out"), (0, 7, "burnout")]
    assert index.scan("burn-out") == [(0, 8, "burn out"), (0, 4, "burn")]
    assert TermIndex(["Acme", "Acme Bank"]).scan("AcmeBank") == [(0, 8, "acme bank")]


def test_term_index_agrees_with_compile_terms_on_word_boundaries() -> None:
    index = TermIndex(["Falcon"])
    assert index.scan("Falconry, SuperFalcon") == []
    assert index.scan("") == []
    assert TermIndex([]).scan("Falcon") == []


# compile_pattern


def test_a_good_pattern_compiles_case_insensitive() -> None:
    pattern = compile_pattern(r"\bproject\s+[a-z]+\b")
    match = pattern.search("Over PROJECT Falcon")
    assert match is not None
    assert match.group() == "PROJECT Falcon"


def test_an_invalid_pattern_says_what_is_wrong() -> None:
    with pytest.raises(PatternProblem) as caught:
        compile_pattern("(unclosed")
    assert caught.value.kind == "invalid"
    assert str(caught.value) == str(caught.value.reason) == "missing ) at position 10"


@pytest.mark.parametrize("source", ["a*", r"\b", "foo|", "(?=x)", "(?<=a)", "x?"])
def test_a_pattern_that_matches_empty_text_is_refused(source: str) -> None:
    with pytest.raises(PatternProblem) as caught:
        compile_pattern(source)
    assert caught.value.kind == "matches_empty"


@pytest.mark.parametrize(
    "source", [r"(a+)+$", r"(x+x+)+y", r"(\w+\s?)+$", r"^(\d+)+$", r"(geheim\s?)+!x"]
)
def test_catastrophic_backtracking_is_reported_too_slow(source: str) -> None:
    started = time.perf_counter()
    with pytest.raises(PatternProblem) as caught:
        compile_pattern(source)
    assert caught.value.kind == "too_slow"
    assert time.perf_counter() - started < 2


def test_huge_counted_repeats_are_refused_before_compiling() -> None:
    # Compiling this for real takes minutes.
    started = time.perf_counter()
    with pytest.raises(PatternProblem) as caught:
        compile_pattern(r"((a{1000}){1000}){1000}")
    assert caught.value.kind == "too_slow"
    assert time.perf_counter() - started < 0.5


def test_ordinary_patterns_are_accepted_quickly() -> None:
    sources = [
        r"\bproject\s+[a-z]+\b",
        r"\d{4}\s?[a-z]{2}",
        r"(?:intern|vertrouwelijk)e?\s+(?:memo|document)",
        r"\bkwartaal(?:cijfers|resultaten)\b",
        r"\b[A-Z]{2,5}-\d+\b",
        r"omzet\s+(?:van\s+)?€?\s?\d+",
    ]
    started = time.perf_counter()
    for source in sources:
        compile_pattern(source)
    # About 50 ms a pattern would be the limit; ordinary ones take a few.
    assert (time.perf_counter() - started) / len(sources) < 0.05


def test_the_match_timeout_is_short() -> None:
    assert 0 < MATCH_TIMEOUT <= 0.5
